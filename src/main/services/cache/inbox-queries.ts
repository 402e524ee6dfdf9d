/** Reading the inbox from the cache: the filtered, sorted list with counts, a conversation, its messages. */
import type { CannedResponseRecord, ConversationRecord, DispositionCodeRecord, MessageRecord } from '../../../shared/domain/conversations'
import {
  inboxFilters,
  type ConversationSummary,
  type ConversationView,
  type InboxCounts,
  type InboxFilter,
  type InboxListResult,
  type InboxQueryParsed,
  type MessageCursor,
  type MessageDeliveryView,
  type MessagePage,
  type MessageView,
  slaOf,
} from '../../../shared/ipc/inbox-views'
import type { Sqlite } from './sqlite'

/**
 * Each filter as SQL over the conversations table (alias c). Parameters by name: $me (the agent),
 * $now (snoozes end by the clock, not by a sync).
 */
const NOT_SNOOZED = '(c.snoozed_until IS NULL OR c.snoozed_until <= $now)'
const MINE = `(c.status = 'open' AND c.assigned_agent_id = $me AND ${NOT_SNOOZED})`
/** The customer wrote last; with no messages cached yet, nobody has answered. */
const WAITING = `(CASE WHEN c.last_in_at IS NULL AND c.last_out_at IS NULL THEN c.first_responded_at IS NULL
  ELSE coalesce(c.last_in_at, 0) > coalesce(c.last_out_at, 0) END)`

const FILTER_SQL: Record<InboxFilter, string> = {
  all: `(c.status <> 'resolved' AND ${NOT_SNOOZED})`,
  mine: MINE,
  offered: `(c.status = 'offered' AND c.assigned_agent_id = $me)`,
  queued: `(c.status = 'queued')`,
  waiting: `(${MINE} AND ${WAITING})`,
  snoozed: `(c.status = 'open' AND c.assigned_agent_id = $me AND c.snoozed_until > $now)`,
  resolved: `(c.status = 'resolved')`,
}

const SORT_SQL = {
  // Tier first; then the SLA due soonest (none last); then the newest.
  priority: 'c.priority ASC, c.sla_due_at IS NULL, c.sla_due_at ASC, c.last_message_at DESC, c.id',
  newest: 'c.last_message_at DESC, c.id',
}

const CHANNEL_SQL = '($channel IS NULL OR c.channel = $channel)'

interface ListRow {
  record_json: string
  waiting: number
  customer_name: string | null
  pending_ops: number
}

function summary(row: ListRow): ConversationSummary {
  const record = JSON.parse(row.record_json) as ConversationRecord
  const sla = slaOf(record)
  return {
    id: record.id,
    channel: record.channel,
    status: record.status,
    subject: record.subject,
    displayName: row.customer_name ?? record.identity.displayName ?? record.identity.value,
    customerId: record.customerId,
    tier: record.tier,
    priority: record.priority,
    assignedAgentId: record.assignedAgentId,
    assignedAgentName: record.assignedAgentName,
    offerExpiresAt: record.offerExpiresAt,
    lastMessageAt: record.lastMessageAt,
    lastMessagePreview: record.lastMessagePreview,
    unread: record.unread,
    slaDueAt: sla.dueAt,
    slaKind: sla.kind,
    snoozedUntil: record.snoozedUntil,
    waiting: row.waiting === 1,
    pendingOps: row.pending_ops,
  }
}

const PENDING_OPS = `(SELECT count(*) FROM conversation_local_ops l JOIN outbox o ON o.op_id = l.op_id WHERE l.conversation_id = c.id)`

export function inboxList(sql: Sqlite, query: InboxQueryParsed, me: string, now: number): InboxListResult {
  const params = { me, now, channel: query.channel }
  const where = `${FILTER_SQL[query.filter]} AND ${CHANNEL_SQL}`
  const items = sql
    .statement(
      // The page first (sorting narrow rows), then the per-row extras for its rows only.
      `SELECT c.record_json, ${WAITING} AS waiting, cu.name AS customer_name, ${PENDING_OPS} AS pending_ops
       FROM (SELECT * FROM conversations c WHERE ${where} ORDER BY ${SORT_SQL[query.sort]} LIMIT $limit OFFSET $offset) c
       LEFT JOIN customers cu ON cu.id = c.customer_id
       ORDER BY ${SORT_SQL[query.sort]}`,
    )
    .all({ ...params, limit: query.limit, offset: query.offset }) as ListRow[]
  const counted = sql
    .statement(
      `SELECT ${inboxFilters.map((f) => `sum(CASE WHEN ${FILTER_SQL[f]} THEN 1 ELSE 0 END) AS "${f}"`).join(', ')},
         sum(CASE WHEN ${MINE} OR ${FILTER_SQL.offered} THEN c.unread ELSE 0 END) AS unread
       FROM conversations c WHERE ${CHANNEL_SQL}`,
    )
    .get(params) as Record<InboxFilter | 'unread', number | null>
  const counts = Object.fromEntries(inboxFilters.map((f) => [f, counted[f] ?? 0])) as InboxCounts
  return { items: items.map(summary), total: counts[query.filter], counts, unread: counted.unread ?? 0 }
}

export function conversationView(sql: Sqlite, id: string, me: string): ConversationView | null {
  const row = sql.get<{ record_json: string; customer_name: string | null; pending_ops: number }>(
    `SELECT c.record_json, cu.name AS customer_name, ${PENDING_OPS} AS pending_ops
     FROM conversations c LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?`,
    id,
  )
  if (!row) return null
  const conversation = JSON.parse(row.record_json) as ConversationRecord
  return {
    conversation,
    customerName: row.customer_name,
    pendingOps: row.pending_ops,
    offeredToMe: conversation.status === 'offered' && conversation.assignedAgentId === me,
    mine: conversation.status !== 'offered' && conversation.assignedAgentId === me,
  }
}

interface MessageRow {
  record_json: string
  synced: number
  op_id: string | null
  status: 'queued' | 'conflict' | null
}

function deliveryOf(record: MessageRecord, row: MessageRow): MessageDeliveryView | null {
  if (record.direction !== 'out') return null
  // The server's copy is here: the server has it, whatever our outbox still thinks.
  if (row.synced === 1) return record.delivery
  if (row.status === 'queued') return 'queued'
  if (row.status === 'conflict') return 'conflict'
  return 'pending'
}

function messageView(row: MessageRow): MessageView {
  const record = JSON.parse(row.record_json) as MessageRecord
  return { ...record, delivery: deliveryOf(record, row), opId: row.op_id }
}

const SELECT_MESSAGE = `SELECT m.record_json, m.synced, m.op_id, o.status FROM messages m LEFT JOIN outbox o ON o.op_id = m.op_id`

export function messageById(sql: Sqlite, id: string): MessageView | null {
  const row = sql.get<MessageRow>(`${SELECT_MESSAGE} WHERE m.id = ?`, id)
  return row ? messageView(row) : null
}

/** Newest last; `before` pages back through older ones. */
export function messagePage(sql: Sqlite, conversationId: string, before: MessageCursor | null, limit: number): MessagePage {
  const rows = before
    ? sql.all<MessageRow>(
        `${SELECT_MESSAGE} WHERE m.conversation_id = ? AND (m.created_at < ? OR (m.created_at = ? AND m.id < ?))
         ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
        conversationId,
        before.createdAt,
        before.createdAt,
        before.id,
        limit + 1,
      )
    : sql.all<MessageRow>(`${SELECT_MESSAGE} WHERE m.conversation_id = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?`, conversationId, limit + 1)
  const hasMore = rows.length > limit
  const total = sql.get<{ n: number }>('SELECT count(*) AS n FROM messages WHERE conversation_id = ?', conversationId)?.n ?? 0
  return { messages: rows.slice(0, limit).reverse().map(messageView), hasMore, total }
}

export function cannedResponses(sql: Sqlite): CannedResponseRecord[] {
  return sql
    .all<{ id: string; shortcut: string; title: string; text: string; skill_group_id: string | null }>(
      'SELECT id, shortcut, title, text, skill_group_id FROM canned_responses ORDER BY shortcut, id',
    )
    .map((r) => ({ id: r.id, shortcut: r.shortcut, title: r.title, text: r.text, skillGroupId: r.skill_group_id }))
}

export function dispositionCodes(sql: Sqlite): DispositionCodeRecord[] {
  return sql
    .all<{ id: string; label_zh: string; label_en: string; sort: number }>('SELECT id, label_zh, label_en, sort FROM disposition_codes ORDER BY sort, id')
    .map((r) => ({ id: r.id, labelZh: r.label_zh, labelEn: r.label_en, sort: r.sort }))
}
