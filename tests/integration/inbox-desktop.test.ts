/**
 * The desktop's inbox against a real central server: a customer message arrives through the
 * server's inbox, is offered to the signed-in agent's desktop, accepted there; the reply written
 * while the server is down is shown at once as queued and delivered once it is back.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelAdapter, DeliveryOutcome, InboundMessage, OutboundMessage, SurveyRequest } from '../../src/server/inbox/channel-port'
import type { Db } from '../../src/server/db/database'
import { recordChanges } from '../../src/server/sync/change-log'
import type { InboxListResult } from '../../src/shared/ipc/inbox-views'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { eventually } from '../support/inbox-centre'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'

/** Records what the inbox asks the channel to send (the real channels have their own protocol tests). */
class RecordingChannel implements ChannelAdapter {
  readonly channel = 'qq' as const
  readonly sent: OutboundMessage[] = []
  outcome: DeliveryOutcome = { ok: true, externalId: null }

  async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    this.sent.push(message)
    return this.outcome.ok ? { ok: true, externalId: `qq-${this.sent.length}` } : this.outcome
  }

  async sendSurvey(_request: SurveyRequest): Promise<void> {}
}

async function seed(db: Db): Promise<void> {
  await seedMiniCentre(db)
  const now = Date.now()
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('customers').values({ id: 'c-vip', name: '赵钻石', tier: '钻', kind: 'person', company: null, city: '北京', notes: '', tags: '', created_at: now, updated_at: now }).execute()
    await trx.insertInto('customer_contacts').values({ id: 'cc1', customer_id: 'c-vip', kind: 'qq', value: '10001', normalized: '10001' }).execute()
    await recordChanges(trx, 'customer', ['c-vip'])
    await trx.insertInto('canned_responses').values([
      { id: 'cr1', shortcut: 'hi', title: '问候', text: '{{customer.name}}您好，我是{{agent.name}}，关于「{{conversation.subject}}」为您服务。', skill_group_id: null, active: 1 },
      { id: 'cr2', shortcut: 'bye', title: '结束语', text: '感谢您的耐心，祝您生活愉快！', skill_group_id: 's1', active: 1 },
    ]).execute()
    await recordChanges(trx, 'canned_response', ['cr1', 'cr2'])
  })
}

function inbound(userId: string, text: string): InboundMessage {
  return {
    channel: 'qq',
    threadKey: `900:777:${userId}`,
    identity: { kind: 'qq', value: userId, displayName: `群友${userId}` },
    subject: '宽带用户交流群',
    externalId: `m-${crypto.randomUUID()}`,
    text,
    skillGroupId: 's1',
    meta: { groupId: '777', groupName: '宽带用户交流群' },
  }
}

describe('the inbox on the desktop', () => {
  let centre: RunningCentre
  let channel: RecordingChannel
  const desktops: TestDesktop[] = []

  async function startCentre(): Promise<void> {
    centre = await startSeededCentre(seed, { inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
    channel = new RecordingChannel()
    centre.server.inbox.registerChannel(channel)
  }

  async function signedIn(username: string): Promise<TestDesktop> {
    const desktop = await startTestDesktop()
    desktops.push(desktop)
    const synced = desktop.next('sync.changed', (s) => s.phase === 'idle' && s.lastSyncedAt !== null, 20_000)
    await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username, password: PASSWORD })
    await synced
    await desktop.api.invoke('agentState.set', { state: 'ready' })
    return desktop
  }

  /** The list as the desktop shows it, polled until `accept` likes it (sync is pushed, not timed). */
  function listUntil(desktop: TestDesktop, filter: 'mine' | 'offered' | 'all', accept: (list: InboxListResult) => boolean, what: string): Promise<InboxListResult> {
    return eventually(async () => {
      const list = await desktop.api.invoke('inbox.list', { filter })
      return accept(list) ? list : undefined
    }, what, 15_000)
  }

  afterEach(async () => {
    await Promise.all(desktops.splice(0).map((d) => d.dispose()))
    await centre?.cleanup()
  })

  it('a message arrives, is offered, accepted; a reply written offline is delivered after reconnecting', async () => {
    await startCentre()
    const agent = await signedIn('agent1')
    const { conversationId } = await centre.server.inbox.receive(inbound('10001', '你好，宽带断网了，怎么办？'))

    const offered = await listUntil(agent, 'offered', (l) => l.items.some((c) => c.id === conversationId), 'the offer on the desktop')
    expect(offered.items[0]).toMatchObject({ id: conversationId, channel: 'qq', status: 'offered', tier: '钻', displayName: '赵钻石', customerId: 'c-vip', unread: 1 })
    expect(offered.counts.offered).toBe(1)
    const firstPage = await agent.api.invoke('inbox.messages', { conversationId })
    expect(firstPage.messages.map((m) => [m.direction, m.text])).toEqual([['in', '你好，宽带断网了，怎么办？']])

    const accepted = await agent.api.invoke('inbox.accept', { conversationId })
    expect(accepted).toMatchObject({ mine: true, offeredToMe: false })
    await listUntil(agent, 'mine', (l) => l.items.some((c) => c.id === conversationId && c.pendingOps === 0 && c.status === 'open'), 'the accept confirmed by the server')

    // Canned responses come down with sync, their variables filled for this conversation.
    const canned = await agent.api.invoke('inbox.cannedResponses', { conversationId })
    expect(canned.find((c) => c.shortcut === 'hi')?.filled).toBe('赵钻石您好，我是王芳，关于「宽带用户交流群」为您服务。')
    expect((await agent.api.invoke('inbox.dispositionCodes')).map((d) => d.id)).toContain('solved')

    await centre.server.stop()
    await agent.next('connection.changed', (s) => s.status !== 'online')
    const reply = await agent.api.invoke('inbox.reply', { conversationId, text: '您好，请先重启光猫试试。' })
    expect(reply).toMatchObject({ direction: 'out', delivery: 'queued', authorName: '王芳' })
    const offlineNote = await agent.api.invoke('inbox.note', { conversationId, text: '客户是钻石用户，优先处理' })
    expect(offlineNote.delivery).toBeNull()
    const whileOffline = await agent.api.invoke('inbox.messages', { conversationId })
    expect(whileOffline.messages.map((m) => m.id)).toEqual([firstPage.messages[0]!.id, reply.id, offlineNote.id])
    expect((await agent.api.invoke('outbox.status')).pending).toBe(2)

    await centre.restart()
    channel = new RecordingChannel()
    centre.server.inbox.registerChannel(channel)
    const sent = await eventually(async () => {
      const messages = (await agent.api.invoke('inbox.messages', { conversationId })).messages
      const mine = messages.find((m) => m.id === reply.id)
      return mine?.delivery === 'sent' ? mine : undefined
    }, 'the reply delivered and synced back', 20_000)
    expect(sent.text).toBe('您好，请先重启光猫试试。')
    expect(channel.sent.map((m) => m.text)).toEqual(['您好，请先重启光猫试试。'])
    expect((await agent.api.invoke('outbox.status')).pending).toBe(0)
    const row = await centre.server.db.selectFrom('messages').selectAll().where('id', '=', reply.id).executeTakeFirstOrThrow()
    expect(row.direction).toBe('out')

    // The channel refuses the next reply: the desktop shows why, and hears the alert.
    channel.outcome = { ok: false, error: 'retcode 1200: 发送失败', retry: false }
    const alert = agent.next('inbox.alert', (a) => a.kind === 'delivery_failed' && a.conversationId === conversationId, 15_000)
    const failing = await agent.api.invoke('inbox.reply', { conversationId, text: '这条会发送失败' })
    expect((await alert).detail).toContain('retcode 1200')
    const failed = await eventually(async () => {
      const mine = (await agent.api.invoke('inbox.messages', { conversationId })).messages.find((m) => m.id === failing.id)
      return mine?.delivery === 'failed' ? mine : undefined
    }, 'the failure synced back', 15_000)
    expect(failed.deliveryError).toContain('retcode 1200')
  })

  it('transfers to a colleague, whose desktop gets it as theirs with the note and an alert', async () => {
    await startCentre()
    const agent1 = await signedIn('agent1')
    const agent2 = await signedIn('agent2')
    const { conversationId } = await centre.server.inbox.receive(inbound('10003', '我要投诉'))
    const offeredTo = await eventually(async () => {
      const row = await centre.server.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow()
      return row.status === 'offered' ? row.assigned_agent_id : undefined
    }, 'the offer')
    const [from, to, toId] = offeredTo === 'a1' ? [agent1, agent2, 'a2'] : [agent2, agent1, 'a1']
    await listUntil(from, 'offered', (l) => l.items.some((c) => c.id === conversationId), 'the offer on the desktop')
    await from.api.invoke('inbox.accept', { conversationId })

    const alert = to.next('inbox.alert', (a) => a.kind === 'transferred_to_you' && a.conversationId === conversationId, 15_000)
    const moved = await from.api.invoke('inbox.transfer', { conversationId, toAgentId: toId, note: '投诉类请班长协助' })
    expect(moved).toMatchObject({ mine: false })
    expect((await from.api.invoke('inbox.list', { filter: 'mine' })).items.map((c) => c.id)).not.toContain(conversationId)

    expect((await alert).detail).toBe('投诉类请班长协助')
    await listUntil(to, 'mine', (l) => l.items.some((c) => c.id === conversationId), 'the transferred conversation on the colleague’s desktop')
    const thread = await eventually(async () => {
      const page = await to.api.invoke('inbox.messages', { conversationId })
      return page.messages.some((m) => m.direction === 'system') ? page : undefined
    }, 'the transfer line in the thread', 15_000)
    expect(thread.messages.map((m) => m.direction)).toEqual(['in', 'system'])
    expect(thread.messages[1]!.text).toContain('投诉类请班长协助')
  })

  it('creates a customer for an unknown sender; the server recognises them and the conversation is linked', async () => {
    await startCentre()
    const agent = await signedIn('agent1')
    const { conversationId } = await centre.server.inbox.receive(inbound('10077', '我是新用户，想办宽带'))
    await listUntil(agent, 'offered', (l) => l.items.some((c) => c.id === conversationId && c.customerId === null), 'the offer from an unknown sender')
    await agent.api.invoke('inbox.accept', { conversationId })

    const card = await agent.api.invoke('inbox.createCustomer', { conversationId, name: '孙新客', tier: '金', contacts: [{ kind: 'qq', value: '10077' }] })
    expect(card.customer).toMatchObject({ name: '孙新客', tier: '金' })
    expect((await agent.api.invoke('inbox.get', { id: conversationId }))?.conversation.customerId).toBe(card.customer.id)

    const row = await eventually(async () => {
      const found = await centre.server.db.selectFrom('conversations').select(['customer_id', 'tier']).where('id', '=', conversationId).executeTakeFirstOrThrow()
      return found.customer_id === card.customer.id ? found : undefined
    }, 'the link on the server')
    expect(row.tier).toBe('金')
    const contact = await centre.server.db.selectFrom('customer_contacts').selectAll().where('customer_id', '=', card.customer.id).executeTakeFirstOrThrow()
    expect(contact).toMatchObject({ kind: 'qq', normalized: '10077' })
    await listUntil(agent, 'mine', (l) => l.items.some((c) => c.id === conversationId && c.displayName === '孙新客' && c.pendingOps === 0), 'the server’s records synced back')
    await expect(agent.api.invoke('inbox.createCustomer', { conversationId, name: '' })).rejects.toMatchObject({ code: 'invalid_argument' })
  })

  it('resolves with a disposition, reopens, and refuses bad input without queuing anything', async () => {
    await startCentre()
    const agent = await signedIn('agent1')
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '请问怎么查话费？'))
    await listUntil(agent, 'offered', (l) => l.items.some((c) => c.id === conversationId), 'the offer')
    await agent.api.invoke('inbox.accept', { conversationId })
    await listUntil(agent, 'mine', (l) => l.items.some((c) => c.id === conversationId && c.pendingOps === 0), 'the accept delivered')

    await expect(agent.api.invoke('inbox.reply', { conversationId, text: '   ' })).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(agent.api.invoke('inbox.reply', { conversationId: 'no-such', text: '好的' })).rejects.toMatchObject({ code: 'not_found' })
    await expect(agent.api.invoke('inbox.transfer', { conversationId, toAgentId: 'a2', toSkillGroupId: 's1', note: '' })).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(agent.api.invoke('inbox.list', { filter: 'everything' as never })).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(agent.api.invoke('inbox.accept', { conversationId })).rejects.toMatchObject({ code: 'invalid_argument' })
    expect((await agent.api.invoke('outbox.status')).pending).toBe(0)

    const resolved = await agent.api.invoke('inbox.resolve', { conversationId, disposition: 'info', note: '已告知查询方式' })
    expect(resolved.conversation).toMatchObject({ status: 'resolved', disposition: 'info' })
    await eventually(async () => {
      const row = await centre.server.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow()
      return row.status === 'resolved' && row.disposition === 'info'
    }, 'the resolve on the server')
    await listUntil(agent, 'all', (l) => l.counts.resolved === 1 && !l.items.some((c) => c.id === conversationId), 'resolved on the desktop')

    const reopened = await agent.api.invoke('inbox.reopen', { conversationId })
    expect(reopened.conversation.status).toBe('open')
    await eventually(async () => {
      const row = await centre.server.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow()
      return row.status === 'open'
    }, 'the reopen on the server')
  })
})
