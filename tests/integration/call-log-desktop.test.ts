/**
 * The call log end to end: a desktop's workspace records calls in its SQLite cache (offline too),
 * its outbox delivers each call.log operation once to a real central server, the server files
 * the call into the customer's history and missed calls into the inbox as callback items, and
 * sync brings the log to the agent's other desktops.
 */
import { randomUUID } from 'node:crypto'
import type { Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/server/db/database'
import { loadOf } from '../../src/server/inbox/conversation-store'
import { recordChanges } from '../../src/server/sync/change-log'
import type { CallRecord } from '../../src/shared/domain/phone'
import type { Operation } from '../../src/shared/protocol/sync'
import { startCallDesktop, type CallDesktop } from '../support/call-desktop'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { eventually, pushOne } from '../support/inbox-centre'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'
import { agentSocket, okValue, pullAll, pushOps } from '../support/sync-centre'

async function seed(db: Db): Promise<void> {
  await seedMiniCentre(db)
  const now = Date.now()
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('customers').values([
      { id: 'c-zhao', name: '赵敏', tier: '金', kind: 'person', company: null, city: '北京', notes: '', tags: '', created_at: now, updated_at: now },
      { id: 'c-qian', name: '钱进', tier: '钻', kind: 'person', company: null, city: '上海', notes: '', tags: '', created_at: now, updated_at: now },
      { id: 'c-sun', name: '孙丽', tier: '银', kind: 'person', company: null, city: '广州', notes: '', tags: '', created_at: now, updated_at: now },
    ]).execute()
    await trx.insertInto('customer_contacts').values([
      { id: 'cc-zhao', customer_id: 'c-zhao', kind: 'phone', value: '138 0013 8000', normalized: '13800138000' },
      { id: 'cc-qian', customer_id: 'c-qian', kind: 'phone', value: '139-0013-9000', normalized: '13900139000' },
      { id: 'cc-sun', customer_id: 'c-sun', kind: 'phone', value: '137 0013 7000', normalized: '13700137000' },
    ]).execute()
    await recordChanges(trx, 'customer', ['c-zhao', 'c-qian', 'c-sun'])
  })
}

const BASE = Date.UTC(2025, 10, 23, 6, 5) // 14:05 in Beijing

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: `call-${randomUUID()}`,
    direction: 'inbound',
    remoteNumber: '13800138000',
    customerId: null,
    offeredAt: BASE,
    answeredAt: BASE + 5_000,
    endedAt: BASE + 197_000,
    durationSec: 192,
    missed: false,
    endCause: 'remote',
    disposition: null,
    note: null,
    transferredTo: null,
    ...overrides,
  }
}

function missed(overrides: Partial<CallRecord> = {}): CallRecord {
  return call({ answeredAt: null, endedAt: (overrides.offeredAt ?? BASE) + 20_000, durationSec: 0, missed: true, endCause: 'canceled', ...overrides })
}

const callLogOp = (payload: unknown): Operation => ({ id: randomUUID(), type: 'call.log', payload, createdAt: Date.now() }) as Operation

let centre: RunningCentre
const desktops: CallDesktop[] = []
const sockets: Socket[] = []

beforeAll(async () => {
  centre = await startSeededCentre(seed, { inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
})
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.disconnect())
  await Promise.all(desktops.splice(0).map((d) => d.dispose()))
  if (!(await fetch(`${centre.server.url}/api/health`).then(() => true, () => false))) await centre.restart()
})
afterAll(() => centre?.cleanup())

async function desktopOf(username: string): Promise<CallDesktop> {
  const desktop = await startCallDesktop(centre.server.url, username)
  desktops.push(desktop)
  return desktop
}

async function socketOf(username: string): Promise<Socket> {
  const socket = await agentSocket(centre.server.url, username, PASSWORD)
  sockets.push(socket)
  return socket
}

const serverCall = (id: string) => centre.server.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst()
const changeCount = async () => Number((await centre.server.db.selectFrom('changes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

describe('the call log', () => {
  it('records calls offline, delivers each once after reconnecting, and answers a repeated operation without applying it again', async () => {
    const agent = await desktopOf('agent1')
    await centre.server.stop()
    await eventually(async () => !agent.connection.isOnline, 'the desktop offline')

    const answered = call({ customerId: 'c-zhao' })
    const unanswered = call({ direction: 'outbound', remoteNumber: '02162345678', offeredAt: BASE + 600_000, answeredAt: null, endedAt: BASE + 630_000, durationSec: 0, endCause: 'unavailable' })
    await agent.workspace.calls.record(answered)
    await agent.workspace.calls.record(unanswered)
    // After-call work: the same call again, with its disposition and note.
    const wrapped = { ...answered, disposition: 'info', note: '咨询宽带续约优惠' }
    await agent.workspace.calls.record(wrapped)
    // Recorded again unchanged: nothing more to send.
    await agent.workspace.calls.record(wrapped)
    expect((await agent.workspace.outboxStatus()).pending).toBe(3)
    expect(await agent.workspace.calls.list(10)).toEqual([unanswered, wrapped])
    const queued = (await agent.workspace.cache.nextOperations(10)).map((q) => q.op)
    expect(queued.map((op) => op.type)).toEqual(['call.log', 'call.log', 'call.log'])
    expect((await agent.workspace.outboxStatus()).conflicts).toEqual([])

    await centre.restart()
    await agent.settled('the calls delivered')
    const rows = await centre.server.db.selectFrom('calls').selectAll().where('agent_id', '=', 'a1').orderBy('offered_at').execute()
    expect(rows.map((r) => [r.id, r.direction, r.customer_id, r.disposition, r.note, r.duration_sec, r.missed])).toEqual([
      [answered.id, 'inbound', 'c-zhao', 'info', '咨询宽带续约优惠', 192, 0],
      [unanswered.id, 'outbound', null, null, null, 0, 0],
    ])
    const applied = await centre.server.db.selectFrom('applied_ops').select(['op_id', 'status']).where('op_id', 'in', queued.map((op) => op.id)).execute()
    expect(applied.map((r) => r.status)).toEqual(['applied', 'applied', 'applied'])

    // A resend of an operation the server has (a lost answer): acknowledged, nothing applied again.
    const before = await changeCount()
    const socket = await socketOf('agent1')
    for (const op of queued) expect(await pushOne(socket, op)).toEqual({ id: op.id, status: 'duplicate' })
    expect(await changeCount()).toBe(before)
    const interactions = await centre.server.db.selectFrom('interactions').selectAll().where('customer_id', '=', 'c-zhao').execute()
    expect(interactions).toHaveLength(1)
    // The first op (no disposition yet) came again, but the wrap-up stays.
    expect((await serverCall(answered.id))?.disposition).toBe('info')
    expect(await agent.workspace.calls.list(10)).toEqual([unanswered, wrapped])
  })

  it('shows a call with a customer in the customer’s history after sync', async () => {
    const agent = await desktopOf('agent1')
    const first = call({ customerId: 'c-sun', remoteNumber: '13700137000', offeredAt: BASE + 3_600_000, answeredAt: BASE + 3_603_000, endedAt: BASE + 3_795_000, durationSec: 192 })
    await agent.workspace.calls.record(first)
    await agent.settled('the call delivered')
    const card = await eventually(async () => {
      const found = await agent.workspace.getCustomer('c-sun')
      return found?.interactions.some((i) => i.channel === 'phone') ? found : undefined
    }, 'the call in the customer history')
    expect(card.interactions.filter((i) => i.channel === 'phone')).toEqual([
      expect.objectContaining({ direction: 'in', summary: '呼入 通话 3分12秒', agentName: '王芳', at: first.offeredAt, delivery: 'sent' }),
    ])

    // The wrap-up updates the same line of the history.
    await agent.workspace.calls.record({ ...first, disposition: 'info', note: '已告知办理流程' })
    await eventually(async () => {
      const found = await agent.workspace.getCustomer('c-sun')
      const lines = found?.interactions.filter((i) => i.channel === 'phone') ?? []
      return lines.length === 1 && lines[0]!.summary === '呼入 通话 3分12秒 · 处理结果: 咨询已答复 · 备注: 已告知办理流程'
    }, 'the wrapped-up call in the history')

    // An outbound call, and a missed one, read as such.
    await agent.workspace.calls.record(call({ direction: 'outbound', customerId: 'c-sun', remoteNumber: '13700137000', offeredAt: BASE + 7_200_000, answeredAt: BASE + 7_210_000, endedAt: BASE + 7_255_000, durationSec: 45 }))
    await agent.workspace.calls.record(missed({ customerId: 'c-sun', remoteNumber: '13700137000', offeredAt: BASE + 7_300_000, endedAt: BASE + 7_320_000 }))
    const lines = await eventually(async () => {
      const found = (await agent.workspace.getCustomer('c-sun'))?.interactions.filter((i) => i.channel === 'phone') ?? []
      return found.length === 3 ? found : undefined
    }, 'three calls in the history')
    expect(lines.map((i) => [i.direction, i.summary])).toEqual([
      ['in', '未接来电'],
      ['out', '呼出 通话 45秒'],
      ['in', '呼入 通话 3分12秒 · 处理结果: 咨询已答复 · 备注: 已告知办理流程'],
    ])
  })

  it('files missed calls into one callback item per number, assigned to the agent, answered by calling back', async () => {
    const agent = await desktopOf('agent1')
    const first = missed({ remoteNumber: '139 0013 9000', offeredAt: BASE })
    await agent.workspace.calls.record(first)
    await agent.settled('the missed call delivered')
    const filedInto = (await serverCall(first.id))?.conversation_id
    const item = await eventually(async () => {
      const list = await agent.workspace.inbox.list({ filter: 'mine', channel: 'phone' })
      return list.items.find((i) => i.id === filedInto)
    }, 'the callback item on the desktop')
    expect(item).toMatchObject({ channel: 'phone', status: 'open', customerId: 'c-qian', tier: '钻', displayName: '钱进', unread: 1 })
    const row = await centre.server.db.selectFrom('conversations').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ channel: 'phone', assigned_agent_id: 'a1', identity_kind: 'phone', identity_value: '13900139000', skill_group_id: 's1' })

    // The same number again, written another way: the same item, a second line.
    const second = missed({ remoteNumber: '+86 139-0013-9000', offeredAt: BASE + 3_600_000 })
    await agent.workspace.calls.record(second)
    await agent.settled('the second missed call delivered')
    const thread = await eventually(async () => {
      const page = await agent.workspace.inbox.messages({ conversationId: item.id })
      return page.messages.length === 2 ? page.messages : undefined
    }, 'two missed-call lines')
    expect(thread.map((m) => [m.direction, m.text])).toEqual([
      ['system', '未接来电 139 0013 9000 · 11-23 14:05'],
      ['system', '未接来电 139 0013 9000 · 11-23 15:05'],
    ])
    expect(await centre.server.db.selectFrom('conversations').select('id').where('channel', '=', 'phone').where('thread_key', '=', '13900139000').execute()).toHaveLength(1)
    const view = await agent.workspace.inbox.get(item.id)
    expect(view).toMatchObject({ mine: true, conversation: { unread: 2, meta: { phone: '13900139000' } } })

    // Called back: no reply composer (refused here and by the server), a note is fine, then resolved.
    const outboxBefore = await agent.workspace.outboxStatus()
    await expect(agent.workspace.inbox.reply({ conversationId: item.id, text: '您好' })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('calling back') })
    expect(await agent.workspace.outboxStatus()).toEqual(outboxBefore)
    const socket = await socketOf('agent1')
    const refused = await pushOne(socket, { id: randomUUID(), type: 'conversation.reply', payload: { conversationId: item.id, messageId: randomUUID(), text: '您好', attachmentIds: [], replyToId: null }, createdAt: Date.now() })
    expect(refused).toMatchObject({ status: 'rejected', error: { code: 'invalid_argument' } })
    await agent.workspace.inbox.note({ conversationId: item.id, text: '已回拨，客户稍后再联系' })
    await agent.workspace.inbox.resolve({ conversationId: item.id, disposition: 'solved', note: '已回拨' })
    await agent.settled('the callback resolved')
    expect((await centre.server.db.selectFrom('conversations').select('status').where('id', '=', item.id).executeTakeFirstOrThrow()).status).toBe('resolved')

    // Once resolved, the next missed call from the number opens a new item.
    const third = missed({ remoteNumber: '13900139000', offeredAt: BASE + 7_200_000 })
    await agent.workspace.calls.record(third)
    await agent.settled('the third missed call delivered')
    const items = await centre.server.db.selectFrom('conversations').select(['id', 'status']).where('channel', '=', 'phone').where('thread_key', '=', '13900139000').orderBy('created_at').execute()
    expect(items.map((i) => i.status)).toEqual(['resolved', 'open'])
    expect((await serverCall(third.id))?.conversation_id).toBe(items[1]!.id)

    // A callback item takes none of the agent's chat places.
    expect((await loadOf(centre.server.db, ['a1'])).get('a1') ?? { chat: 0, email: 0 }).toEqual({ chat: 0, email: 0 })
  })

  it('files a missed call from an unknown number unlinked until the agent links a customer, and one without a number not at all', async () => {
    const agent = await desktopOf('agent2')
    const unknown = missed({ remoteNumber: '010-6234 5678' })
    const hidden = missed({ remoteNumber: 'anonymous', offeredAt: BASE + 1_000 })
    await agent.workspace.calls.record(unknown)
    await agent.workspace.calls.record(hidden)
    await agent.settled('the missed calls delivered')
    const conversation = await centre.server.db.selectFrom('conversations').selectAll().where('id', '=', (await serverCall(unknown.id))!.conversation_id!).executeTakeFirstOrThrow()
    // agent2 has no skills: the item is filed under the centre's first group, still theirs.
    expect(conversation).toMatchObject({ assigned_agent_id: 'a2', customer_id: null, identity_value: '01062345678', identity_name: '01062345678', skill_group_id: 's1' })
    expect(await serverCall(hidden.id)).toMatchObject({ conversation_id: null, missed: 1 })
    expect((await agent.workspace.calls.list(10)).map((c) => c.id)).toEqual([hidden.id, unknown.id])

    // Linked to a customer, the number becomes their phone: their next missed call is recognised.
    await eventually(async () => (await agent.workspace.inbox.get(conversation.id)) ?? undefined, 'the item on the desktop')
    await agent.workspace.inbox.linkCustomer(conversation.id, 'c-sun')
    await agent.workspace.inbox.resolve({ conversationId: conversation.id, disposition: 'solved' })
    await agent.settled('the link and the resolution delivered')
    const contacts = await centre.server.db.selectFrom('customer_contacts').select(['kind', 'normalized']).where('customer_id', '=', 'c-sun').orderBy('normalized').execute()
    expect(contacts).toEqual([{ kind: 'phone', normalized: '01062345678' }, { kind: 'phone', normalized: '13700137000' }])
    const later = missed({ remoteNumber: '(010) 62345678', offeredAt: BASE + 60_000 })
    await agent.workspace.calls.record(later)
    await agent.settled('the next missed call delivered')
    const next = await centre.server.db.selectFrom('conversations').selectAll().where('id', '=', (await serverCall(later.id))!.conversation_id!).executeTakeFirstOrThrow()
    expect(next).toMatchObject({ status: 'open', customer_id: 'c-sun', tier: '银', identity_name: '孙丽' })
  })

  it('brings the call log to the agent’s other desktop and to leads, not to other agents', async () => {
    const first = await desktopOf('agent1')
    const recorded = call({ customerId: 'c-zhao', offeredAt: BASE + 86_400_000, answeredAt: BASE + 86_402_000, endedAt: BASE + 86_462_000, durationSec: 60 })
    await first.workspace.calls.record(recorded)
    await first.workspace.calls.record({ ...recorded, disposition: 'solved', note: '已处理' })
    await first.settled('the call delivered')

    const second = await desktopOf('agent1')
    const log = await eventually(async () => {
      const list = await second.workspace.calls.list(100)
      return list.some((c) => c.id === recorded.id) ? list : undefined
    }, 'the call on the second desktop')
    expect(log.find((c) => c.id === recorded.id)).toEqual({ ...recorded, disposition: 'solved', note: '已处理' })
    // Every call agent1 made in this file, newest first.
    expect(log.map((c) => c.offeredAt)).toEqual([...log.map((c) => c.offeredAt)].sort((a, b) => b - a))

    // A later wrap-up on the first desktop reaches the second one by push.
    await first.workspace.calls.record({ ...recorded, disposition: 'followup', note: '需回访' })
    await eventually(async () => (await second.workspace.calls.list(100)).find((c) => c.id === recorded.id)?.disposition === 'followup', 'the new wrap-up on the second desktop')

    const lead = await socketOf('lead1')
    const other = await socketOf('agent3')
    const callsSeen = async (socket: Socket) => (await pullAll(socket, 500)).flatMap((p) => p.changes as Array<{ entity: string; id: string; deleted: boolean; data: { agentId: string } | null }>).filter((c) => c.entity === 'call')
    const byLead = await callsSeen(lead)
    expect(byLead.find((c) => c.id === recorded.id && !c.deleted)?.data).toMatchObject({ agentId: 'a1', agentName: '王芳', disposition: 'followup' })
    expect(await callsSeen(other)).toEqual([])
    const agent3 = await desktopOf('agent3')
    expect(await agent3.workspace.calls.list(100)).toEqual([])
  })

  it('refuses bad records with a clear error and changes nothing, on the desktop and on the server', async () => {
    const agent = await desktopOf('agent2')
    const good = call({ customerId: 'c-zhao', offeredAt: BASE + 172_800_000, answeredAt: BASE + 172_801_000, endedAt: BASE + 172_861_000, durationSec: 60 })
    await agent.workspace.calls.record(good)
    await agent.settled('the good call delivered')
    const outbox = await agent.workspace.outboxStatus()
    const log = await agent.workspace.calls.list(100)

    const bad: Array<[unknown, string]> = [
      [{ ...good, id: `call-${randomUUID()}`, durationSec: -5 }, 'durationSec'],
      [{ ...good, id: `call-${randomUUID()}`, endedAt: good.offeredAt - 1 }, 'endedAt'],
      [{ ...good, id: `call-${randomUUID()}`, direction: 'outbound', missed: true, answeredAt: null, durationSec: 0 }, 'missed'],
      [{ ...good, id: `call-${randomUUID()}`, answeredAt: null }, 'durationSec'],
      [{ ...good, id: `call-${randomUUID()}`, durationSec: 3_600 }, 'durationSec'],
      [{ ...good, id: `call-${randomUUID()}`, extra: 1 }, 'extra'],
      [{ ...good, id: '' }, 'id'],
      [{ id: 'x' }, 'direction'],
      ['not a call', 'expected object'],
    ]
    for (const [input, field] of bad) {
      await expect(agent.workspace.calls.record(input as CallRecord), field).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining(field) })
    }
    // What identifies a call cannot change afterwards.
    await expect(agent.workspace.calls.record({ ...good, direction: 'outbound' })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('direction') })
    await expect(agent.workspace.calls.record({ ...good, remoteNumber: '13999999999' })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('number') })
    await expect(agent.workspace.calls.list(0)).rejects.toMatchObject({ code: 'invalid_argument' })
    // A sync page with a malformed call is refused whole, nothing stored.
    const cursor = await agent.workspace.cache.getCursor()
    const record = { ...good, id: `call-${randomUUID()}`, agentId: 'a2', agentName: '李娜', conversationId: null }
    const page = [
      { seq: cursor + 1, entity: 'call', id: record.id, deleted: false, data: record },
      { seq: cursor + 2, entity: 'call', id: 'call-bad', deleted: false, data: { ...record, id: 'call-bad', durationSec: 'long' } },
    ]
    await expect(agent.workspace.cache.applyChanges(page, cursor + 2)).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('Change 1') })
    expect(await agent.workspace.cache.getCursor()).toBe(cursor)
    expect(await agent.workspace.outboxStatus()).toEqual(outbox)
    expect(await agent.workspace.calls.list(100)).toEqual(log)

    // The same at the server, pushed raw: rejected with the reason, nothing stored or logged.
    const socket = await socketOf('agent2')
    const changes = await changeCount()
    const calls = await centre.server.db.selectFrom('calls').selectAll().orderBy('id').execute()
    for (const [input, field] of bad) {
      const op = callLogOp(input)
      const result = await pushOne(socket, op)
      expect(result, field).toMatchObject({ id: op.id, status: 'rejected', error: { code: 'invalid_argument', message: expect.stringContaining(field) } })
      expect(await centre.server.db.selectFrom('applied_ops').select('op_id').where('op_id', '=', op.id).executeTakeFirst()).toBeUndefined()
    }
    const renumbered = callLogOp({ ...good, remoteNumber: '13999999999' })
    expect(await pushOne(socket, renumbered)).toMatchObject({ status: 'rejected', error: { code: 'conflict', message: expect.stringContaining('number') } })
    // Someone else's call id.
    const stranger = await socketOf('agent1')
    expect(await pushOne(stranger, callLogOp({ ...good, note: '不是我的' }))).toMatchObject({ status: 'rejected', error: { code: 'conflict', message: expect.stringContaining('Another agent') } })
    expect(await changeCount()).toBe(changes)
    expect(await centre.server.db.selectFrom('calls').selectAll().orderBy('id').execute()).toEqual(calls)
    // A batch with a bad op in it: the good ones still apply, in order.
    const fine = call({ offeredAt: BASE + 172_900_000, answeredAt: null, endedAt: BASE + 172_910_000, durationSec: 0, direction: 'outbound', endCause: 'busy' })
    const { results } = okValue(await pushOps(socket, [callLogOp({ ...fine, durationSec: -1 }), callLogOp(fine)]))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'applied'])
  })

  it('keeps a call the server refuses as a conflict; discarding it takes it out of the log', async () => {
    const owner = await desktopOf('agent1')
    const taken = call({ offeredAt: BASE + 345_600_000, answeredAt: BASE + 345_601_000, endedAt: BASE + 345_661_000, durationSec: 60 })
    await owner.workspace.calls.record(taken)
    await owner.settled('the first call delivered')

    // agent2's phone reuses the id (a broken phone): the server refuses, the desktop keeps it as a conflict.
    const agent = await desktopOf('agent2')
    const clash = { ...taken, remoteNumber: '13700137000' }
    await agent.workspace.calls.record(clash)
    const status = await eventually(async () => {
      const found = await agent.workspace.outboxStatus()
      return found.conflicts.length === 1 ? found : undefined
    }, 'the conflict')
    expect(status.conflicts[0]).toMatchObject({ type: 'call.log', summary: '通话记录：呼入 13700137000（1分0秒）', error: { code: 'conflict' } })
    expect((await agent.workspace.calls.list(100)).map((c) => c.id)).toContain(clash.id)

    await agent.workspace.resolveConflict(status.conflicts[0]!.opId, 'discard')
    expect((await agent.workspace.outboxStatus()).conflicts).toEqual([])
    expect((await agent.workspace.calls.list(100)).map((c) => c.id)).not.toContain(clash.id)
    expect(await serverCall(taken.id)).toMatchObject({ agent_id: 'a1', remote_number: '13800138000' })
  })

  it('keeps a call whose customer the server does not know, without the customer', async () => {
    const agent = await desktopOf('agent2')
    const stale = call({ customerId: 'c-deleted-long-ago', offeredAt: BASE + 259_200_000, answeredAt: BASE + 259_201_000, endedAt: BASE + 259_231_000, durationSec: 30 })
    await agent.workspace.calls.record(stale)
    // Shown as recorded while it waits for the server.
    expect((await agent.workspace.calls.list(100)).find((c) => c.id === stale.id)?.customerId).toBe('c-deleted-long-ago')
    await agent.settled('the call delivered')
    expect(await serverCall(stale.id)).toMatchObject({ customer_id: null, interaction_id: null })
    expect(await centre.server.db.selectFrom('interactions').select('id').where('customer_id', '=', 'c-deleted-long-ago').execute()).toEqual([])
    // The server's copy replaces the local one once the operation is answered.
    await eventually(async () => (await agent.workspace.calls.list(100)).find((c) => c.id === stale.id)?.customerId === null, 'the server’s copy on the desktop')
    expect((await agent.workspace.outboxStatus()).conflicts).toEqual([])
  })
})
