import { afterEach, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { ChannelAdapter, DeliveryOutcome, InboundMessage, OutboundMessage, SurveyRequest } from '../../src/server/inbox/channel-port'
import type { Db } from '../../src/server/db/database'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { conversationOp, eventually, inboxOf, messagesOf, nextAlert, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'
import { startPostgres } from '../support/postgres'
import { accessToken, agentSocket } from '../support/sync-centre'

/**
 * Routing and the conversation operations against a real central server, with agents connected
 * the way desktops are. The channel here is an in-process adapter that records what it is asked
 * to send: the real channels (web chat, OneBot, email) have their own tests over their protocols.
 */
class RecordingChannel implements ChannelAdapter {
  readonly channel = 'qq' as const
  readonly sent: OutboundMessage[] = []
  readonly surveys: SurveyRequest[] = []
  outcome: DeliveryOutcome = { ok: true, externalId: null }

  async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    this.sent.push(message)
    return this.outcome.ok ? { ok: true, externalId: `qq-${this.sent.length}` } : this.outcome
  }

  async sendSurvey(request: SurveyRequest): Promise<void> {
    this.surveys.push(request)
  }
}

async function seed(db: Db): Promise<void> {
  await seedMiniCentre(db)
  const now = Date.now()
  await db.insertInto('skill_groups').values({ id: 's2', name: '宽带故障', description: '' }).execute()
  await db.insertInto('agent_skills').values([
    { agent_id: 'a2', skill_group_id: 's1', level: 1 },
    { agent_id: 'a3', skill_group_id: 's2', level: 1 },
  ]).execute()
  await db.insertInto('customers').values([
    { id: 'c-vip', name: '赵钻石', tier: '钻', kind: 'person', company: null, city: '北京', notes: '', tags: '', created_at: now, updated_at: now },
    { id: 'c-basic', name: '钱普通', tier: '基础', kind: 'person', company: null, city: '上海', notes: '', tags: '', created_at: now, updated_at: now },
  ]).execute()
  await db.insertInto('customer_contacts').values([
    { id: 'cc1', customer_id: 'c-vip', kind: 'qq', value: '10001', normalized: '10001' },
    { id: 'cc2', customer_id: 'c-basic', kind: 'qq', value: '10002', normalized: '10002' },
  ]).execute()
}

function inbound(userId: string, text: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: 'qq',
    threadKey: `900:777:${userId}`,
    identity: { kind: 'qq', value: userId, displayName: `群友${userId}` },
    subject: '宽带用户交流群',
    externalId: `m-${crypto.randomUUID()}`,
    text,
    skillGroupId: 's1',
    meta: { groupId: '777', groupName: '宽带用户交流群' },
    ...extra,
  }
}

describe('inbox routing and conversation operations', () => {
  let centre: RunningCentre
  let channel: RecordingChannel
  const sockets: Socket[] = []

  async function start(offerTimeoutMs = 30_000): Promise<void> {
    centre = await startSeededCentre(seed, { inbox: { offerTimeoutMs, slaCheckIntervalMs: 60_000 } })
    channel = new RecordingChannel()
    centre.server.inbox.registerChannel(channel)
  }

  async function connect(username: string, ready = true): Promise<Socket> {
    const socket = await agentSocket(centre.server.url, username, PASSWORD)
    sockets.push(socket)
    if (ready) await setReady(socket)
    return socket
  }

  async function conversation(id: string) {
    return centre.server.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect()
    await centre?.cleanup()
  })

  it('offers a new conversation to a ready agent with the skill, who accepts, replies and resolves', async () => {
    await start()
    const agent1 = await connect('agent1')
    const agent3 = await connect('agent3') // ready, but without the skill
    const { conversationId } = await centre.server.inbox.receive(inbound('10001', '你好，宽带断网了，怎么办？'))

    const offered = await eventually(async () => {
      const row = await conversation(conversationId)
      return row.status === 'offered' ? row : undefined
    }, 'the offer')
    expect(offered.assigned_agent_id).toBe('a1')
    expect(offered.customer_id).toBe('c-vip')
    expect(offered.priority).toBe(1)

    const view = await inboxOf(agent1)
    expect(view.conversations.get(conversationId)).toMatchObject({ status: 'offered', assignedAgentId: 'a1', tier: '钻', unread: 1 })
    expect(messagesOf(view, conversationId).map((m) => m.text)).toEqual(['你好，宽带断网了，怎么办？'])
    expect((await inboxOf(agent3)).conversations.has(conversationId)).toBe(false)

    expect(await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))).toMatchObject({ status: 'applied' })
    const reply = replyOp(conversationId, '您好，请先重启光猫试试。')
    expect(await pushOne(agent1, reply)).toMatchObject({ status: 'applied' })
    await eventually(async () => channel.sent.length === 1, 'delivery')
    expect(channel.sent[0]).toMatchObject({ conversationId, text: '您好，请先重启光猫试试。', agentName: '王芳', identity: { value: '10001' } })
    const delivered = await eventually(async () => {
      const message = messagesOf(await inboxOf(agent1), conversationId).find((m) => m.direction === 'out')
      return message?.delivery === 'sent' ? message : undefined
    }, 'the sent state')
    expect(delivered.authorName).toBe('王芳')
    expect((await conversation(conversationId)).first_responded_at).not.toBeNull()

    const resolve = conversationOp('conversation.resolve', { conversationId, disposition: 'solved', note: '重启后恢复' })
    expect(await pushOne(agent1, resolve)).toMatchObject({ status: 'applied' })
    await eventually(async () => channel.surveys.length === 1, 'the survey')
    const interaction = await centre.server.db.selectFrom('interactions').selectAll().where('customer_id', '=', 'c-vip').executeTakeFirstOrThrow()
    expect(interaction).toMatchObject({ channel: 'qq', agent_id: 'a1' })
    expect(interaction.summary).toContain('已解决')

    // A reply queued offline after someone closed it is a conflict, kept by the desktop.
    expect(await pushOne(agent1, replyOp(conversationId, '还有问题吗？'))).toMatchObject({ status: 'rejected', error: { code: 'conflict' } })
    // The same op id again is answered as it was, not applied twice.
    expect(await pushOne(agent1, reply)).toMatchObject({ status: 'duplicate' })
    expect(channel.sent).toHaveLength(1)

    await centre.server.inbox.rate(conversationId, 5)
    expect((await conversation(conversationId)).rating).toBe(5)
  })

  it('gives agents nothing new while they are not ready, and respects capacity', async () => {
    await start()
    await centre.server.db.updateTable('agents').set({ chat_capacity: 1 }).where('id', '=', 'a1').execute()
    const agent1 = await connect('agent1', false)
    const first = await centre.server.inbox.receive(inbound('10002', '话费怎么这么多？'))
    await centre.server.router.kick()
    expect((await conversation(first.conversationId)).status).toBe('queued')

    await setReady(agent1)
    await eventually(async () => (await conversation(first.conversationId)).status === 'offered', 'the offer once ready')
    const second = await centre.server.inbox.receive(inbound('10001', '我也要查话费'))
    await centre.server.router.kick()
    expect((await conversation(second.conversationId)).status).toBe('queued')

    await pushOne(agent1, conversationOp('conversation.accept', { conversationId: first.conversationId }))
    await pushOne(agent1, conversationOp('conversation.resolve', { conversationId: first.conversationId, disposition: 'info', note: '' }))
    await eventually(async () => (await conversation(second.conversationId)).assigned_agent_id === 'a1', 'the next conversation after capacity frees')
  })

  it('serves higher tiers first', async () => {
    await start()
    await centre.server.db.updateTable('agents').set({ chat_capacity: 1 }).where('id', '=', 'a1').execute()
    const basic = await centre.server.inbox.receive(inbound('10002', '先来的普通客户'))
    const vip = await centre.server.inbox.receive(inbound('10001', '后来的钻石客户'))
    await connect('agent1')
    await eventually(async () => (await conversation(vip.conversationId)).status === 'offered', 'the VIP offer')
    expect((await conversation(basic.conversationId)).status).toBe('queued')
  })

  it('moves an offer that is not accepted in time to the next agent and tells the lead', async () => {
    await start(400)
    const lead = await connect('lead1', false)
    const agent1 = await connect('agent1')
    const alert = nextAlert(lead, 'offer_timeout')
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '有人吗？'))
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a1', 'the first offer')
    const agent2 = await connect('agent2')
    expect(await alert).toMatchObject({ conversationId, agentId: 'a1', agentName: '王芳' })
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a2', 'the offer to the next agent')
    // The late accept of the first agent is refused; the second agent's is taken.
    expect(await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))).toMatchObject({ status: 'rejected', error: { code: 'conflict' } })
    expect(await pushOne(agent2, conversationOp('conversation.accept', { conversationId }))).toMatchObject({ status: 'applied' })
    expect((await inboxOf(agent1)).conversations.has(conversationId)).toBe(false)
    expect(messagesOf(await inboxOf(agent2), conversationId)).toHaveLength(1)
  })

  it("offers for as long as the admin's centre setting says", async () => {
    centre = await startSeededCentre(seed, { inbox: { offerTimeoutMs: null, slaCheckIntervalMs: 60_000 } })
    const token = await accessToken(centre.server.url, 'admin', PASSWORD)
    const res = await fetch(`${centre.server.url}/api/settings/inbox.offerTimeoutSec`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 45 }),
    })
    expect(res.status).toBe(200)
    await connect('agent1')
    const before = Date.now()
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '你好'))
    const offered = await eventually(async () => {
      const row = await conversation(conversationId)
      return row.status === 'offered' ? row : undefined
    }, 'the offer')
    expect(Number(offered.offer_expires_at) - before).toBeGreaterThanOrEqual(45_000)
    expect(Number(offered.offer_expires_at) - Date.now()).toBeLessThanOrEqual(45_000)
  })

  it('passes a declined conversation on and never back to who declined it', async () => {
    await start()
    const agent1 = await connect('agent1')
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '请帮我查询账单'))
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a1', 'the offer')
    expect(await pushOne(agent1, conversationOp('conversation.decline', { conversationId }))).toMatchObject({ status: 'applied' })
    await centre.server.router.kick()
    expect((await conversation(conversationId)).status).toBe('queued')
    await connect('agent2')
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a2', 'the offer to agent2')
  })

  it('transfers to a colleague or a group, moving what each desktop sees', async () => {
    await start()
    const agent1 = await connect('agent1')
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '我要投诉'))
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a1', 'the offer')
    await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))
    const agent2 = await connect('agent2', false)
    const alert = nextAlert(agent2, 'transferred_to_you')
    const transfer = conversationOp('conversation.transfer', { conversationId, toAgentId: 'a2', toSkillGroupId: null, note: '客户要求专人处理' })
    expect(await pushOne(agent1, transfer)).toMatchObject({ status: 'applied' })
    expect(await alert).toMatchObject({ conversationId, detail: '客户要求专人处理' })
    const seen = await inboxOf(agent2)
    expect(seen.conversations.get(conversationId)).toMatchObject({ status: 'open', assignedAgentId: 'a2' })
    expect(messagesOf(seen, conversationId).map((m) => m.direction)).toEqual(['in', 'system'])
    expect((await inboxOf(agent1)).conversations.has(conversationId)).toBe(false)
    // No longer theirs: agent1's queued reply is refused.
    expect(await pushOne(agent1, replyOp(conversationId, '我来处理'))).toMatchObject({ status: 'rejected', error: { code: 'forbidden' } })

    const toGroup = conversationOp('conversation.transfer', { conversationId, toAgentId: null, toSkillGroupId: 's2', note: '' })
    expect(await pushOne(agent2, toGroup)).toMatchObject({ status: 'applied' })
    const agent3 = await connect('agent3')
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a3', 'the offer in the new group')
    expect(messagesOf(await inboxOf(agent3), conversationId)).toHaveLength(3)
  })

  it('records a failed delivery with the channel error and tells the agent', async () => {
    await start()
    channel.outcome = { ok: false, error: 'retcode 100: 发送失败（群已禁言）', retry: false }
    const agent1 = await connect('agent1')
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '在吗'))
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a1', 'the offer')
    await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))
    const alert = nextAlert(agent1, 'delivery_failed')
    await pushOne(agent1, replyOp(conversationId, '在的'))
    expect(await alert).toMatchObject({ conversationId, detail: 'retcode 100: 发送失败（群已禁言）' })
    const out = messagesOf(await inboxOf(agent1), conversationId).find((m) => m.direction === 'out')
    expect(out).toMatchObject({ delivery: 'failed', deliveryError: 'retcode 100: 发送失败（群已禁言）' })
  })

  it('tells only the desktops a conversation concerns to pull', async () => {
    await start()
    const agent1 = await connect('agent1', false)
    const agent3 = await connect('agent3', false)
    const noticesTo3: unknown[] = []
    agent3.on('sync:changed', (notice) => noticesTo3.push(notice))
    const toAgent1 = new Promise((resolve) => agent1.once('sync:changed', resolve))
    await centre.server.inbox.receive(inbound('10002', '话费问题', { skillGroupId: 's1' }))
    await toAgent1
    const toAgent3 = new Promise((resolve) => agent3.once('sync:changed', resolve))
    await centre.server.inbox.receive(inbound('10001', '宽带问题', { skillGroupId: 's2' }))
    await toAgent3
    // Notices leave in order: had the first been sent to agent3 it would have arrived before this one.
    expect(noticesTo3).toHaveLength(1)
    const seen = await inboxOf(agent3)
    expect([...seen.conversations.values()].map((c) => c.skillGroupId)).toEqual(['s2'])
  })

  it('creates a customer for an unknown sender and recognises them next time', async () => {
    await start()
    const agent1 = await connect('agent1')
    const { conversationId } = await centre.server.inbox.receive(inbound('55555', '我是新用户，想办宽带'))
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a1', 'the offer')
    expect((await conversation(conversationId)).customer_id).toBeNull()
    const create = (contacts: { kind: 'phone' | 'email' | 'qq'; value: string }[]) =>
      conversationOp('customer.create', {
        customerId: crypto.randomUUID(), name: '孙新', tier: '银', kind: 'person', company: null, city: '杭州', contacts, linkConversationId: conversationId,
      })
    expect(await pushOne(agent1, create([{ kind: 'phone', value: '不是号码' }]))).toMatchObject({ status: 'rejected', error: { code: 'invalid_argument' } })
    const good = create([{ kind: 'phone', value: '+86 139-0000-1234' }])
    expect(await pushOne(agent1, good)).toMatchObject({ status: 'applied' })
    const linked = await conversation(conversationId)
    expect(linked).toMatchObject({ tier: '银', priority: 3 })
    const contacts = await centre.server.db.selectFrom('customer_contacts').select(['kind', 'normalized']).where('customer_id', '=', linked.customer_id as string).orderBy('kind').execute()
    expect(contacts).toEqual([{ kind: 'phone', normalized: '13900001234' }, { kind: 'qq', normalized: '55555' }])
    // A later thread of the same QQ member is recognised as this customer.
    const later = await centre.server.inbox.receive(inbound('55555', '另一个问题', { threadKey: '900:778:55555' }))
    expect((await conversation(later.conversationId)).customer_id).toBe(linked.customer_id)
  })

  it("serves a conversation's files only to those who may see the conversation", async () => {
    await start()
    const agent1 = await connect('agent1')
    const file = await centre.server.attachments.save({ name: '截图.png', mime: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), source: 'customer' })
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '看截图', { attachments: [file] }))
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a1', 'the offer')
    const download = async (username: string) => {
      const token = await accessToken(centre.server.url, username, PASSWORD)
      return (await fetch(`${centre.server.url}/api/attachments/${file.id}`, { headers: { authorization: `Bearer ${token}` } })).status
    }
    expect(await download('agent1')).toBe(200)
    expect(await download('lead2')).toBe(200)
    expect(await download('agent3')).toBe(404)
    // The agent's own upload is theirs before it is sent, and goes with the reply to whoever may see it.
    const upload = await fetch(`${centre.server.url}/api/attachments?name=${encodeURIComponent('回执.pdf')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await accessToken(centre.server.url, 'agent1', PASSWORD)}`, 'content-type': 'application/pdf' },
      body: new TextEncoder().encode('%PDF-1.4 回执'),
    })
    const ref = (await upload.json()) as { id: string }
    const status = async (username: string) => {
      const token = await accessToken(centre.server.url, username, PASSWORD)
      return (await fetch(`${centre.server.url}/api/attachments/${ref.id}`, { headers: { authorization: `Bearer ${token}` } })).status
    }
    expect(await status('agent1')).toBe(200)
    expect(await status('lead1')).toBe(404)
    await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))
    expect(await pushOne(agent1, replyOp(conversationId, '回执见附件', { attachmentIds: [ref.id] }))).toMatchObject({ status: 'applied' })
    expect(await status('lead1')).toBe(200)
    expect(await status('agent3')).toBe(404)
  })

  it('lists colleagues with their state and every queue as transfer targets', async () => {
    await start()
    const agent1 = await connect('agent1')
    await connect('agent2')
    const result = (await agent1.timeout(10_000).emitWithAck('transfer:targets', {})) as { ok: true; value: { agents: { id: string; state: string; online: boolean }[]; skillGroups: { id: string }[] } }
    expect(result.ok).toBe(true)
    const agents = new Map(result.value.agents.map((a) => [a.id, a]))
    expect(agents.get('a2')).toMatchObject({ state: 'ready', online: true })
    expect(agents.get('a3')).toMatchObject({ online: false })
    expect(agents.has('ad')).toBe(false)
    expect(result.value.skillGroups.map((g) => g.id).sort()).toEqual(['s1', 's2'])
    const bad = (await agent1.timeout(10_000).emitWithAck('transfer:targets', { all: true })) as { ok: false; error: { code: string } }
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
  })

  it('files a redelivered message once and threads follow-ups into the same conversation', async () => {
    await start()
    const first = inbound('10002', '第一条')
    const a = await centre.server.inbox.receive(first)
    const again = await centre.server.inbox.receive(first)
    expect(again).toEqual({ ...a, created: false })
    // Two deliveries of one message at the same moment (two tabs, two connections): filed once.
    const raced = inbound('10002', '同时到达')
    const both = await Promise.all([centre.server.inbox.receive(raced), centre.server.inbox.receive({ ...raced })])
    expect(both.filter((r) => r.created)).toHaveLength(1)
    expect(both[0].messageId).toBe(both[1].messageId)
    const b = await centre.server.inbox.receive(inbound('10002', '第二条'))
    expect(b.conversationId).toBe(a.conversationId)
    const messages = await centre.server.db.selectFrom('messages').select('text').where('conversation_id', '=', a.conversationId).execute()
    expect(messages.map((m) => m.text)).toEqual(['第一条', '同时到达', '第二条'])
    expect((await conversation(a.conversationId)).unread).toBe(3)
  })

  it('refuses operations that do not fit, changing nothing', async () => {
    await start()
    const agent1 = await connect('agent1')
    const agent2 = await connect('agent2', false)
    const { conversationId } = await centre.server.inbox.receive(inbound('10002', '你好'))
    await eventually(async () => (await conversation(conversationId)).assigned_agent_id === 'a1', 'the offer')
    const before = await conversation(conversationId)
    const cases: [Socket, ReturnType<typeof conversationOp>, string][] = [
      [agent2, conversationOp('conversation.accept', { conversationId }), 'conflict'],
      [agent1, replyOp(conversationId, '还没接受就回复'), 'conflict'],
      [agent1, conversationOp('conversation.accept', { conversationId: 'no-such' }), 'not_found'],
      [agent2, replyOp(conversationId, '不是我的'), 'forbidden'],
    ]
    for (const [socket, op, code] of cases) expect(await pushOne(socket, op)).toMatchObject({ status: 'rejected', error: { code } })
    await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))
    expect(await pushOne(agent1, conversationOp('conversation.resolve', { conversationId, disposition: 'no-such-code', note: '' }))).toMatchObject({
      status: 'rejected',
      error: { code: 'invalid_argument' },
    })
    expect(await pushOne(agent1, replyOp(conversationId, '带附件', { attachmentIds: ['missing'] }))).toMatchObject({ status: 'rejected', error: { code: 'not_found' } })
    const malformed = [
      { id: crypto.randomUUID(), type: 'conversation.reply', payload: { conversationId, messageId: 'not-a-uuid', text: 'x' }, createdAt: 1 },
      { id: crypto.randomUUID(), type: 'conversation.reply', payload: { conversationId, messageId: crypto.randomUUID(), text: '   ' }, createdAt: 1 },
      { id: crypto.randomUUID(), type: 'conversation.transfer', payload: { conversationId, toAgentId: 'a2', toSkillGroupId: 's1', note: '' }, createdAt: 1 },
      { id: crypto.randomUUID(), type: 'conversation.snooze', payload: { conversationId, until: 'tomorrow' }, createdAt: 1 },
    ]
    for (const op of malformed) expect(await pushOne(agent1, op as never)).toMatchObject({ status: 'rejected', error: { code: 'invalid_argument' } })
    const after = await conversation(conversationId)
    expect(after.status).toBe('open')
    expect(after.version).toBe(before.version + 1)
    const messages = await centre.server.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute()
    expect(messages).toHaveLength(1)
  })
})

describe('SLA alarms', () => {
  it('raises a first-response breach once, to the agent and their lead', async () => {
    const centre = await startSeededCentre(seed, { inbox: { offerTimeoutMs: 30_000, slaCheckIntervalMs: 60_000 } })
    const sockets: Socket[] = []
    try {
      const lead = await agentSocket(centre.server.url, 'lead1', PASSWORD)
      const agent1 = await agentSocket(centre.server.url, 'agent1', PASSWORD)
      sockets.push(lead, agent1)
      await setReady(agent1)
      const { conversationId } = await centre.server.inbox.receive(inbound('10002', '等了好久了'))
      await eventually(async () => {
        const row = await centre.server.db.selectFrom('conversations').select('assigned_agent_id').where('id', '=', conversationId).executeTakeFirstOrThrow()
        return row.assigned_agent_id === 'a1'
      }, 'the offer')
      // The deadline has passed (moved into the past rather than waiting minutes).
      await centre.server.db.updateTable('conversations').set({ first_response_due_at: Date.now() - 1 }).where('id', '=', conversationId).execute()
      const toLead = nextAlert(lead, 'sla_breach')
      const toAgent = nextAlert(agent1, 'sla_breach')
      await centre.server.slaMonitor.check()
      expect(await toLead).toMatchObject({ conversationId, detail: 'first_response', agentId: 'a1' })
      expect(await toAgent).toMatchObject({ conversationId })
      await centre.server.slaMonitor.check()
      const events = await centre.server.db.selectFrom('conversation_events').select('detail').where('kind', '=', 'sla_breach').execute()
      expect(events).toEqual([{ detail: 'first_response' }])
    } finally {
      for (const s of sockets) s.disconnect()
      await centre.cleanup()
    }
  })
})

describe('inbox on PostgreSQL', () => {
  it('routes, accepts and replies the same way', async () => {
    const postgres = await startPostgres()
    const centre = await startSeededCentre(seed, { databaseUrl: postgres.url, inbox: { offerTimeoutMs: 30_000, slaCheckIntervalMs: 60_000 } })
    const channel = new RecordingChannel()
    centre.server.inbox.registerChannel(channel)
    const agent1 = await agentSocket(centre.server.url, 'agent1', PASSWORD)
    try {
      await setReady(agent1)
      const { conversationId } = await centre.server.inbox.receive(inbound('10001', '你好'))
      await eventually(async () => (await inboxOf(agent1)).conversations.get(conversationId)?.status === 'offered', 'the offer')
      expect(await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))).toMatchObject({ status: 'applied' })
      expect(await pushOne(agent1, replyOp(conversationId, '您好'))).toMatchObject({ status: 'applied' })
      await eventually(async () => messagesOf(await inboxOf(agent1), conversationId).some((m) => m.delivery === 'sent'), 'the sent reply')
      // A new thread whose first messages arrive at once opens one conversation.
      const first = await Promise.all(['在吗', '有人吗', '你好'].map((text) => centre.server.inbox.receive(inbound('10009', text))))
      expect(new Set(first.map((r) => r.conversationId)).size).toBe(1)
      // Concurrent transactions on PostgreSQL: several deliveries of one message at once, filed once.
      const raced = inbound('10001', '并发送达')
      const results = await Promise.all(Array.from({ length: 4 }, () => centre.server.inbox.receive({ ...raced })))
      expect(results.filter((r) => r.created)).toHaveLength(1)
      expect(new Set(results.map((r) => r.messageId)).size).toBe(1)
    } finally {
      agent1.disconnect()
      await centre.cleanup()
      await postgres.stop()
    }
  })
})
