/** The inbox in the cache: sync pages, tombstones, local replies and actions, the list's filters, sort and counts. */
import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'
import { beforeEach, describe, expect, it } from 'vitest'
import { CacheStore } from '../../src/main/services/cache/cache-store'
import { migrate } from '../../src/main/services/cache/migrations'
import { Sqlite } from '../../src/main/services/cache/sqlite'
import { tierPriority, type ConversationRecord, type MessageRecord } from '../../src/shared/domain/conversations'
import type { Operation } from '../../src/shared/protocol/sync'

const ME = { id: 'agent-me', name: '王小明' }
const OTHER = 'agent-other'
const T0 = 1_790_000_000_000

let store: CacheStore
let seq: number
let now: number

function conversation(id: string, overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  const tier = overrides.tier === undefined ? '银' : overrides.tier
  return {
    id,
    channel: 'chat',
    status: 'open',
    subject: `会话 ${id}`,
    identity: { kind: 'visitor', value: `v-${id}`, displayName: `访客${id}` },
    customerId: null,
    tier,
    priority: tierPriority(tier),
    skillGroupId: 'sg-1',
    assignedAgentId: ME.id,
    assignedAgentName: ME.name,
    offerExpiresAt: null,
    meta: {},
    createdAt: T0,
    lastMessageAt: T0,
    lastMessagePreview: '你好',
    unread: 0,
    firstResponseDueAt: T0 + 60_000,
    firstRespondedAt: null,
    resolutionDueAt: T0 + 3_600_000,
    snoozedUntil: null,
    resolvedAt: null,
    disposition: null,
    rating: null,
    version: 1,
    ...overrides,
  }
}

function message(id: string, conversationId: string, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id,
    conversationId,
    direction: 'in',
    authorName: '访客',
    agentId: null,
    text: `消息 ${id}`,
    html: null,
    attachments: [],
    replyToId: null,
    delivery: null,
    deliveryError: null,
    recalled: false,
    createdAt: T0,
    ...overrides,
  }
}

function change(entity: string, id: string, data: unknown) {
  return { seq: ++seq, entity, id, deleted: data === null, data }
}

function apply(...changes: unknown[]) {
  store.applyChanges(changes, seq)
}

function replyOp(conversationId: string, text: string, type: 'conversation.reply' | 'conversation.note' = 'conversation.reply') {
  return {
    id: randomUUID(),
    type,
    payload: { conversationId, messageId: randomUUID(), text, attachmentIds: [], replyToId: null },
    createdAt: now,
  } as Extract<Operation, { type: 'conversation.reply' | 'conversation.note' }>
}

function stateOp<T extends Operation['type']>(type: T, payload: Extract<Operation, { type: T }>['payload']) {
  return { id: randomUUID(), type, payload, createdAt: now } as never
}

const list = (filter: string, extra: Record<string, unknown> = {}) => store.inboxList({ filter, ...extra } as never, ME.id, now)

beforeEach(() => {
  const db = new Database(':memory:')
  migrate(db)
  now = T0 + 1_000
  store = new CacheStore(new Sqlite(db), () => now)
  seq = 0
})

describe('sync of conversations and messages', () => {
  it('stores a page of conversations with their messages, newest message last, and pages back', () => {
    const messages = Array.from({ length: 250 }, (_, i) => message(`m${String(i).padStart(3, '0')}`, 'c1', { createdAt: T0 + i }))
    apply(change('conversation', 'c1', conversation('c1')), ...messages.map((m) => change('message', m.id, m)))
    const first = store.inboxMessages({ conversationId: 'c1', limit: 100 })
    expect(first.total).toBe(250)
    expect(first.hasMore).toBe(true)
    expect(first.messages.map((m) => m.id).slice(-2)).toEqual(['m248', 'm249'])
    const oldest = first.messages[0]!
    const second = store.inboxMessages({ conversationId: 'c1', before: { createdAt: oldest.createdAt, id: oldest.id }, limit: 200 })
    expect(second.messages).toHaveLength(150)
    expect(second.hasMore).toBe(false)
    expect(second.messages[0]!.id).toBe('m000')
  })

  it('takes messages that arrive before their conversation', () => {
    apply(change('message', 'm1', message('m1', 'c1')))
    apply(change('conversation', 'c1', conversation('c1', { firstRespondedAt: T0 })))
    // The customer wrote last: waiting, even though the record says someone answered once.
    expect(list('waiting').items.map((c) => c.id)).toEqual(['c1'])
  })

  it('removes a conversation and its messages on a tombstone, and a message on its own', () => {
    apply(change('conversation', 'c1', conversation('c1')), change('message', 'm1', message('m1', 'c1')), change('message', 'm2', message('m2', 'c1', { createdAt: T0 + 5 })))
    apply(change('message', 'm2', null))
    expect(store.inboxMessages({ conversationId: 'c1' }).messages.map((m) => m.id)).toEqual(['m1'])
    apply(change('conversation', 'c1', null))
    expect(store.inboxConversation('c1', ME.id)).toBeNull()
    expect(store.inboxMessages({ conversationId: 'c1' }).total).toBe(0)
    expect(list('all').total).toBe(0)
  })

  it('stores canned responses and disposition codes, and drops them on tombstones', () => {
    apply(
      change('canned_response', 'r1', { id: 'r1', shortcut: 'hi', title: '问候', text: '您好{{customer.name}}', skillGroupId: null }),
      change('disposition_code', 'd2', { id: 'd2', labelZh: '已解决', labelEn: 'Solved', sort: 2 }),
      change('disposition_code', 'd1', { id: 'd1', labelZh: '咨询', labelEn: 'Enquiry', sort: 1 }),
    )
    expect(store.cannedResponses().map((r) => r.shortcut)).toEqual(['hi'])
    expect(store.dispositionCodes().map((d) => d.id)).toEqual(['d1', 'd2'])
    apply(change('canned_response', 'r1', null), change('disposition_code', 'd1', null))
    expect(store.cannedResponses()).toEqual([])
    expect(store.dispositionCodes().map((d) => d.id)).toEqual(['d2'])
  })

  it('refuses a page with a malformed conversation or message, storing nothing', () => {
    const bad = { ...conversation('c2'), channel: 'fax' }
    expect(() => apply(change('conversation', 'c1', conversation('c1')), change('conversation', 'c2', bad))).toThrow(/not a valid record/)
    expect(() => apply(change('message', 'm1', { ...message('m1', 'c1'), direction: 'sideways' }))).toThrow(/not a valid record/)
    expect(list('all').total).toBe(0)
    expect(store.getCursor()).toBe(0)
  })

  it('resetSyncedData drops synced conversations but keeps a reply still in the outbox', () => {
    apply(change('conversation', 'c1', conversation('c1')), change('message', 'm1', message('m1', 'c1')))
    const op = replyOp('c1', '稍等')
    store.inboxWrite(op, ME, [])
    store.resetSyncedData()
    expect(list('all').total).toBe(0)
    expect(store.inboxMessages({ conversationId: 'c1' }).messages.map((m) => m.id)).toEqual([op.payload.messageId])
    expect(store.nextOperations(10).map((q) => q.op.id)).toEqual([op.id])
  })
})

describe('replies and notes written here', () => {
  beforeEach(() => apply(change('conversation', 'c1', conversation('c1')), change('message', 'm1', message('m1', 'c1'))))

  it('shows a reply at once as queued, with its operation in the outbox, and moves the conversation on', () => {
    now = T0 + 10_000
    const op = replyOp('c1', '您好，请问有什么可以帮您？')
    const view = store.inboxWrite(op, ME, [])
    expect(view).toMatchObject({ id: op.payload.messageId, direction: 'out', delivery: 'queued', authorName: ME.name, opId: op.id })
    expect(store.nextOperations(10).map((q) => q.op)).toEqual([op])
    const summary = list('mine').items[0]!
    expect(summary).toMatchObject({ lastMessagePreview: '您好，请问有什么可以帮您？', lastMessageAt: now, waiting: false, pendingOps: 1, slaKind: 'resolution' })
    expect(list('waiting').total).toBe(0)
  })

  it('a note does not count as an answer and has no delivery', () => {
    const view = store.inboxWrite(replyOp('c1', '客户脾气急', 'conversation.note'), ME, [])
    expect(view).toMatchObject({ direction: 'note', delivery: null })
    expect(list('waiting').total).toBe(1)
    expect(list('mine').items[0]!.slaKind).toBe('first_response')
  })

  it('the server copy of the reply replaces the local one; its delivery is the server’s', () => {
    const op = replyOp('c1', '好的')
    store.inboxWrite(op, ME, [])
    store.recordResults([{ id: op.id, status: 'applied' }])
    expect(store.inboxMessages({ conversationId: 'c1' }).messages.at(-1)!.delivery).toBe('pending')
    const server = message(op.payload.messageId, 'c1', { direction: 'out', text: '好的', agentId: ME.id, authorName: ME.name, delivery: 'failed', deliveryError: 'retcode 100', createdAt: now })
    apply(change('message', server.id, server), change('conversation', 'c1', conversation('c1', { version: 2, firstRespondedAt: now, lastMessagePreview: '好的' })))
    const messages = store.inboxMessages({ conversationId: 'c1' }).messages
    expect(messages).toHaveLength(2)
    expect(messages[1]).toMatchObject({ id: op.payload.messageId, delivery: 'failed', deliveryError: 'retcode 100' })
    expect(list('mine').items[0]!.pendingOps).toBe(0)
  })

  it('a server copy arriving before the push answer counts as delivered to the server', () => {
    const op = replyOp('c1', '好的')
    store.inboxWrite(op, ME, [])
    apply(change('message', op.payload.messageId, message(op.payload.messageId, 'c1', { direction: 'out', delivery: 'sent', createdAt: now })))
    expect(store.inboxMessages({ conversationId: 'c1' }).messages.at(-1)!.delivery).toBe('sent')
  })

  it('a refused reply shows as a conflict; discarding it removes it', () => {
    const op = replyOp('c1', '好的')
    store.inboxWrite(op, ME, [])
    store.recordResults([{ id: op.id, status: 'rejected', error: { code: 'conflict', message: 'closed' } }])
    expect(store.inboxMessages({ conversationId: 'c1' }).messages.at(-1)!.delivery).toBe('conflict')
    expect(store.outboxStatus().conflicts[0]!.summary).toContain('回复「会话 c1」：好的')
    store.resolveConflict(op.id, 'discard')
    expect(store.inboxMessages({ conversationId: 'c1' }).messages.map((m) => m.id)).toEqual(['m1'])
    expect(list('waiting').total).toBe(1)
  })

  it('refuses a reply to a conversation the cache does not have, and an empty reply, queuing nothing', () => {
    expect(() => store.inboxWrite(replyOp('nope', '好的'), ME, [])).toThrow(/No such conversation/)
    expect(() => store.inboxWrite(replyOp('c1', '   '), ME, [])).toThrow()
    expect(() => store.inboxWrite({ ...replyOp('c1', 'x'), type: 'customer.note' } as never, ME, [])).toThrow()
    expect(() => store.inboxWrite(replyOp('c1', 'x'), ME, [{ id: 'a1', name: 'a.png', mime: 'image/png', size: 1 }])).toThrow(/attachments/)
    expect(store.nextOperations(10)).toEqual([])
  })

  it('a tombstone of the conversation keeps a reply still waiting in the outbox', () => {
    const op = replyOp('c1', '好的')
    store.inboxWrite(op, ME, [])
    apply(change('conversation', 'c1', null))
    expect(store.inboxMessages({ conversationId: 'c1' }).messages.map((m) => m.id)).toEqual([op.payload.messageId])
  })
})

describe('actions on a conversation', () => {
  it('accept turns an offer into mine at once; the server record then replaces the guess', () => {
    apply(change('conversation', 'c1', conversation('c1', { status: 'offered', offerExpiresAt: T0 + 30_000 })))
    expect(list('offered').total).toBe(1)
    const view = store.inboxAct(stateOp('conversation.accept', { conversationId: 'c1' }), ME)
    expect(view).toMatchObject({ mine: true, offeredToMe: false, pendingOps: 1 })
    expect(list('offered').total).toBe(0)
    expect(list('mine').total).toBe(1)
    // A sync of the older server record (still offered) does not undo the queued accept.
    apply(change('conversation', 'c1', conversation('c1', { status: 'offered', offerExpiresAt: T0 + 30_000, version: 1 })))
    expect(list('mine').total).toBe(1)
    const [queued] = store.nextOperations(1)
    store.recordResults([{ id: queued!.op.id, status: 'applied' }])
    expect(list('mine').total).toBe(1)
    apply(change('conversation', 'c1', conversation('c1', { status: 'open', version: 2 })))
    expect(store.inboxConversation('c1', ME.id)!.pendingOps).toBe(0)
  })

  it('a refused accept no longer shows: the conversation is what the server has', () => {
    apply(change('conversation', 'c1', conversation('c1', { status: 'offered' })))
    store.inboxAct(stateOp('conversation.accept', { conversationId: 'c1' }), ME)
    const [queued] = store.nextOperations(1)
    store.recordResults([{ id: queued!.op.id, status: 'rejected', error: { code: 'conflict', message: 'offer expired' } }])
    expect(list('offered').total).toBe(1)
    expect(list('mine').total).toBe(0)
  })

  it('refuses actions that make no sense here, queuing nothing', () => {
    apply(change('conversation', 'c1', conversation('c1')), change('conversation', 'c2', conversation('c2', { status: 'offered', assignedAgentId: OTHER })))
    expect(() => store.inboxAct(stateOp('conversation.accept', { conversationId: 'c1' }), ME)).toThrow(/not offered to you/)
    expect(() => store.inboxAct(stateOp('conversation.accept', { conversationId: 'c2' }), ME)).toThrow(/not offered to you/)
    expect(() => store.inboxAct(stateOp('conversation.reopen', { conversationId: 'c1' }), ME)).toThrow(/resolved/)
    expect(() => store.inboxAct(stateOp('conversation.read', { conversationId: 'missing' }), ME)).toThrow(/No such conversation/)
    expect(() => store.inboxAct(stateOp('conversation.transfer', { conversationId: 'c1', toAgentId: ME.id, toSkillGroupId: null, note: '' }), ME)).toThrow(/yourself/)
    expect(store.nextOperations(10)).toEqual([])
  })

  it('resolve, reopen, snooze, read, transfer and link apply at once', () => {
    apply(
      change('conversation', 'c1', conversation('c1', { unread: 3 })),
      change('conversation', 'c2', conversation('c2')),
      change('conversation', 'c3', conversation('c3', { tier: null })),
      change('customer', 'cu1', { id: 'cu1', name: '李四', tier: '钻', kind: 'person', company: null, city: null, notes: '', tags: [], contacts: [], version: 1, updatedAt: T0 }),
    )
    expect(list('mine').unread).toBe(3)
    store.inboxAct(stateOp('conversation.read', { conversationId: 'c1' }), ME)
    expect(list('mine').unread).toBe(0)
    store.inboxAct(stateOp('conversation.resolve', { conversationId: 'c1', disposition: 'solved', note: '' }), ME)
    expect(list('resolved').items.map((c) => c.id)).toEqual(['c1'])
    store.inboxAct(stateOp('conversation.reopen', { conversationId: 'c1' }), ME)
    expect(list('resolved').total).toBe(0)
    store.inboxAct(stateOp('conversation.snooze', { conversationId: 'c2', until: now + 60_000 }), ME)
    expect(list('snoozed').items.map((c) => c.id)).toEqual(['c2'])
    expect(list('mine').items.map((c) => c.id)).not.toContain('c2')
    now += 120_000 // the snooze ends by the clock
    expect(list('snoozed').total).toBe(0)
    store.inboxAct(stateOp('conversation.transfer', { conversationId: 'c2', toAgentId: null, toSkillGroupId: 'sg-2', note: '请协助' }), ME)
    expect(list('queued').items.map((c) => c.id)).toEqual(['c2'])
    store.inboxAct(stateOp('conversation.linkCustomer', { conversationId: 'c3', customerId: 'cu1' }), ME)
    const linked = list('mine').items.find((c) => c.id === 'c3')!
    expect(linked).toMatchObject({ customerId: 'cu1', displayName: '李四', tier: '钻', priority: 1 })
    expect(store.nextOperations(20)).toHaveLength(6)
  })
})

describe('a customer created for an unknown sender', () => {
  function createOp(overrides: Record<string, unknown> = {}) {
    return {
      id: randomUUID(),
      type: 'customer.create',
      payload: { customerId: randomUUID(), name: '孙新客', tier: '金', kind: 'person', company: null, city: null, contacts: [{ kind: 'qq', value: ' 10009 ' }], linkConversationId: 'c1', ...overrides },
      createdAt: now,
    } as Extract<Operation, { type: 'customer.create' }>
  }

  beforeEach(() => apply(change('conversation', 'c1', conversation('c1', { tier: null }))))

  it('shows the customer and links the conversation at once, in one transaction with its operation', () => {
    const op = createOp()
    const card = store.inboxCreateCustomer(op, ME)
    expect(card.customer).toMatchObject({ id: op.payload.customerId, name: '孙新客', tier: '金' })
    expect(card.customer.contacts).toEqual([{ id: `${op.payload.customerId}-1`, kind: 'qq', value: '10009', normalized: '10009' }])
    expect(store.lookupCustomers('qq', '10009').map((c) => c.id)).toEqual([op.payload.customerId])
    expect(list('mine').items[0]).toMatchObject({ customerId: op.payload.customerId, displayName: '孙新客', tier: '金', priority: 2, pendingOps: 1 })
    expect(store.outboxStatus().pending).toBe(1)
  })

  it('a refused creation, once discarded, takes the customer and the link away', () => {
    const op = createOp()
    store.inboxCreateCustomer(op, ME)
    store.recordResults([{ id: op.id, status: 'rejected', error: { code: 'conflict', message: 'taken' } }])
    expect(store.outboxStatus().conflicts[0]!.summary).toBe('新建客户：孙新客')
    store.resolveConflict(op.id, 'discard')
    expect(store.getCustomer(op.payload.customerId)).toBeNull()
    expect(list('mine').items[0]).toMatchObject({ customerId: null, tier: null })
  })

  it('refuses a bad contact or an unknown conversation, storing nothing', () => {
    expect(() => store.inboxCreateCustomer(createOp({ contacts: [{ kind: 'email', value: 'not-an-email' }] }), ME)).toThrow(/Not a valid email/)
    expect(() => store.inboxCreateCustomer(createOp({ linkConversationId: 'nope' }), ME)).toThrow(/No such conversation/)
    expect(() => store.inboxCreateCustomer(createOp({ name: '' }), ME)).toThrow()
    expect(store.outboxStatus().pending).toBe(0)
    expect(store.searchCustomers('孙新客', 10)).toEqual([])
  })
})

describe('the list', () => {
  beforeEach(() => {
    apply(
      change('conversation', 'gold-late', conversation('gold-late', { tier: '金', firstResponseDueAt: T0 + 90_000, lastMessageAt: T0 + 1 })),
      change('conversation', 'gold-soon', conversation('gold-soon', { tier: '金', firstResponseDueAt: T0 + 30_000, lastMessageAt: T0 + 2 })),
      change('conversation', 'diamond', conversation('diamond', { tier: '钻', lastMessageAt: T0 + 3 })),
      change('conversation', 'unknown', conversation('unknown', { tier: null, channel: 'email', lastMessageAt: T0 + 9, unread: 2 })),
      change('conversation', 'offer', conversation('offer', { status: 'offered', channel: 'qq', unread: 1, lastMessageAt: T0 + 5 })),
      change('conversation', 'queue', conversation('queue', { status: 'queued', assignedAgentId: null, lastMessageAt: T0 + 6 })),
      change('conversation', 'theirs', conversation('theirs', { assignedAgentId: OTHER, lastMessageAt: T0 + 7 })),
      change('conversation', 'done', conversation('done', { status: 'resolved', resolvedAt: T0, lastMessageAt: T0 + 8 })),
      change('message', 'm-answered', message('m-answered', 'diamond', { direction: 'out' })),
    )
  })

  it('sorts by tier, then the SLA due soonest, or by the newest message', () => {
    expect(list('mine').items.map((c) => c.id)).toEqual(['diamond', 'gold-soon', 'gold-late', 'unknown'])
    expect(list('mine', { sort: 'newest' }).items.map((c) => c.id)).toEqual(['unknown', 'diamond', 'gold-soon', 'gold-late'])
  })

  it('counts every filter, with the channel applied, and the unread of my work', () => {
    const all = list('all')
    expect(all.counts).toEqual({ all: 7, mine: 4, offered: 1, queued: 1, waiting: 3, snoozed: 0, resolved: 1 })
    expect(all.unread).toBe(3)
    expect(list('waiting').items.map((c) => c.id)).toEqual(['gold-soon', 'gold-late', 'unknown'])
    const email = list('all', { channel: 'email' })
    expect(email.items.map((c) => c.id)).toEqual(['unknown'])
    expect(email.counts.mine).toBe(1)
    expect(email.counts.offered).toBe(0)
  })

  it('pages with offset and limit; total is the whole filter', () => {
    const page = list('all', { offset: 2, limit: 3, sort: 'newest' })
    expect(page.total).toBe(7)
    expect(page.items.map((c) => c.id)).toEqual(['queue', 'offer', 'diamond'])
  })

  it('refuses a bad query', () => {
    expect(() => list('everything')).toThrow()
    expect(() => list('all', { limit: 100_000 })).toThrow()
    expect(() => list('all', { channel: 'fax' })).toThrow()
  })
})
