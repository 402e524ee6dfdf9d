/**
 * Conversations and messages in the cache: synced records, and what the agent did here.
 *
 * The displayed conversation is the server's record (base) with the queued actions of this
 * desktop applied in outbox order (see inbox-schema.ts). A reply or note is a message row under
 * the id the operation carries, written in the same transaction as the operation; the server's
 * copy of that id replaces it when it arrives. Whether a local message is "queued" or "conflict"
 * is read from the outbox, so nothing has to be updated when the operation is answered.
 */
import {
  tierPriority,
  type AttachmentRef,
  type CannedResponseRecord,
  type ConversationRecord,
  type DispositionCodeRecord,
  type MessageRecord,
} from '../../../shared/domain/conversations'
import { AppError } from '../../../shared/errors'
import { slaOf } from '../../../shared/ipc/inbox-views'
import type { Operation } from '../../../shared/protocol/sync'
import { normalizeContact } from '../../../shared/domain/contact-normalize'
import type { CustomerRecord } from '../../../shared/domain/records'
import { deleteCustomer, upsertSyncedCustomer } from './customer-store'
import type { Sqlite } from './sqlite'

export type ConversationOp = Extract<Operation, { type: `conversation.${string}` }>
export type MessageOp = Extract<Operation, { type: 'conversation.reply' | 'conversation.note' }>
export type StateOp = Exclude<ConversationOp, MessageOp>
export type CustomerCreateOp = Extract<Operation, { type: 'customer.create' }>
/** Operations that change how a conversation is displayed until the server has them. */
export type LocalInboxOp = ConversationOp | CustomerCreateOp

export interface LocalAgent {
  id: string
  name: string
}

export function isConversationOp(op: Operation): op is ConversationOp {
  return op.type.startsWith('conversation.')
}

/** Whether delivering or discarding the operation concerns the inbox's local records. */
export function hasInboxEffect(op: Operation): op is LocalInboxOp {
  return isConversationOp(op) || op.type === 'customer.create'
}

const PREVIEW_CHARS = 200

function preview(text: string): string {
  return Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, PREVIEW_CHARS).join('')
}

// --- the displayed conversation ----------------------------------------------------------------

interface OutstandingOp {
  op: LocalInboxOp
}

/** Queued (not conflicting) actions on the conversation, in the order they will reach the server. */
function outstandingOps(sql: Sqlite, conversationId: string): OutstandingOp[] {
  return sql
    .all<{ op_json: string }>(
      `SELECT o.op_json FROM conversation_local_ops l JOIN outbox o ON o.op_id = l.op_id
       WHERE l.conversation_id = ? AND o.status = 'queued' ORDER BY o.position`,
      conversationId,
    )
    .map((row) => ({ op: JSON.parse(row.op_json) as LocalInboxOp }))
}

/**
 * What the server will most likely make of the action; the server's record replaces the guess.
 * `agentId` is the agent who took it (the desktop's agent).
 */
export function applyLocalOp(record: ConversationRecord, op: LocalInboxOp, agentId: string, customerTier?: string | null): ConversationRecord {
  switch (op.type) {
    case 'customer.create':
      return { ...record, customerId: op.payload.customerId, tier: op.payload.tier, priority: tierPriority(op.payload.tier) }
    case 'conversation.reply':
      return {
        ...record,
        lastMessageAt: Math.max(record.lastMessageAt, op.createdAt),
        lastMessagePreview: preview(op.payload.text) || record.lastMessagePreview,
        firstRespondedAt: record.firstRespondedAt ?? op.createdAt,
        snoozedUntil: null,
      }
    case 'conversation.note':
      return record
    case 'conversation.accept':
      return { ...record, status: 'open', assignedAgentId: agentId, offerExpiresAt: null }
    case 'conversation.decline':
      return { ...record, status: 'queued', assignedAgentId: null, assignedAgentName: null, offerExpiresAt: null }
    case 'conversation.resolve':
      return { ...record, status: 'resolved', resolvedAt: op.createdAt, disposition: op.payload.disposition, snoozedUntil: null }
    case 'conversation.reopen':
      return { ...record, status: 'open', resolvedAt: null, disposition: null, assignedAgentId: record.assignedAgentId ?? agentId }
    case 'conversation.transfer':
      return op.payload.toAgentId
        ? { ...record, status: 'open', assignedAgentId: op.payload.toAgentId, assignedAgentName: null, offerExpiresAt: null, unread: 0 }
        : { ...record, status: 'queued', skillGroupId: op.payload.toSkillGroupId ?? record.skillGroupId, assignedAgentId: null, assignedAgentName: null, offerExpiresAt: null }
    case 'conversation.read':
      return { ...record, unread: 0 }
    case 'conversation.snooze':
      return { ...record, snoozedUntil: op.payload.until }
    case 'conversation.linkCustomer': {
      const tier = customerTier === undefined ? record.tier : customerTier
      return { ...record, customerId: op.payload.customerId, tier, priority: tierPriority(tier) }
    }
  }
}

function customerTier(sql: Sqlite, customerId: string): string | null | undefined {
  const row = sql.get<{ tier: string }>('SELECT tier FROM customers WHERE id = ?', customerId)
  return row ? row.tier : undefined
}

function localAgentId(sql: Sqlite): string {
  return sql.get<{ value: string }>("SELECT value FROM meta WHERE key = 'inbox.agentId'")?.value ?? ''
}

/** The agent this cache belongs to, remembered so sync-time redisplays apply "accept" to the right person. */
export function rememberAgent(sql: Sqlite, agentId: string): void {
  sql.run("INSERT INTO meta (key, value) VALUES ('inbox.agentId', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", agentId)
}

function writeConversationRow(sql: Sqlite, record: ConversationRecord, base: ConversationRecord | null): void {
  const sla = slaOf(record)
  sql.run(
    `INSERT INTO conversations (id, channel, status, priority, assigned_agent_id, customer_id, sla_due_at, snoozed_until, unread,
       last_message_at, first_responded_at, record_json, base_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, status = excluded.status, priority = excluded.priority,
       assigned_agent_id = excluded.assigned_agent_id, customer_id = excluded.customer_id, sla_due_at = excluded.sla_due_at,
       snoozed_until = excluded.snoozed_until, unread = excluded.unread, last_message_at = excluded.last_message_at,
       first_responded_at = excluded.first_responded_at, record_json = excluded.record_json, base_json = excluded.base_json`,
    record.id,
    record.channel,
    record.status,
    record.priority,
    record.assignedAgentId,
    record.customerId,
    sla.dueAt,
    record.snoozedUntil,
    record.unread,
    record.lastMessageAt,
    record.firstRespondedAt,
    JSON.stringify(record),
    base ? JSON.stringify(base) : null,
  )
}

/** Shows `base` with the queued actions on top; forgets the base when there are none. */
function redisplay(sql: Sqlite, base: ConversationRecord): void {
  const ops = outstandingOps(sql, base.id)
  const agentId = localAgentId(sql)
  const shown = ops.reduce(
    (record, { op }) => applyLocalOp(record, op, agentId, op.type === 'conversation.linkCustomer' ? customerTier(sql, op.payload.customerId) : undefined),
    base,
  )
  writeConversationRow(sql, shown, ops.length > 0 ? base : null)
}

function baseOf(sql: Sqlite, id: string): ConversationRecord | null {
  const row = sql.get<{ record_json: string; base_json: string | null }>('SELECT record_json, base_json FROM conversations WHERE id = ?', id)
  if (!row) return null
  return JSON.parse(row.base_json ?? row.record_json) as ConversationRecord
}

export function conversationRecord(sql: Sqlite, id: string): ConversationRecord | null {
  const row = sql.get<{ record_json: string }>('SELECT record_json FROM conversations WHERE id = ?', id)
  return row ? (JSON.parse(row.record_json) as ConversationRecord) : null
}

/** Newest customer and agent message times, from the messages the cache holds. */
function refreshActivity(sql: Sqlite, conversationId: string): void {
  sql.run(
    `UPDATE conversations SET
       last_in_at = (SELECT max(created_at) FROM messages WHERE conversation_id = ? AND direction = 'in'),
       last_out_at = (SELECT max(created_at) FROM messages WHERE conversation_id = ? AND direction = 'out')
     WHERE id = ?`,
    conversationId,
    conversationId,
    conversationId,
  )
}

/** One message more: cheaper than a recount, and pages of thousands of messages stay linear. */
function bumpActivity(sql: Sqlite, conversationId: string, direction: MessageRecord['direction'], at: number): void {
  if (direction === 'in') sql.run('UPDATE conversations SET last_in_at = max(coalesce(last_in_at, 0), ?) WHERE id = ?', at, conversationId)
  else if (direction === 'out') sql.run('UPDATE conversations SET last_out_at = max(coalesce(last_out_at, 0), ?) WHERE id = ?', at, conversationId)
}

// --- sync --------------------------------------------------------------------------------------

export function upsertSyncedConversation(sql: Sqlite, record: ConversationRecord): void {
  const existed = sql.get('SELECT 1 FROM conversations WHERE id = ?', record.id) !== undefined
  redisplay(sql, record)
  // Messages may have come first (any order within the server's sequence).
  if (!existed) refreshActivity(sql, record.id)
}

/** The agent may no longer see it: it goes with its messages, except messages still waiting in the outbox. */
export function deleteSyncedConversation(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM conversations WHERE id = ?', id)
  sql.run('DELETE FROM messages WHERE conversation_id = ? AND (op_id IS NULL OR op_id NOT IN (SELECT op_id FROM outbox))', id)
}

export function upsertSyncedMessage(sql: Sqlite, record: MessageRecord): void {
  sql.run(
    `INSERT INTO messages (id, conversation_id, direction, created_at, record_json, synced, op_id) VALUES (?, ?, ?, ?, ?, 1, NULL)
     ON CONFLICT (id) DO UPDATE SET conversation_id = excluded.conversation_id, direction = excluded.direction,
       created_at = excluded.created_at, record_json = excluded.record_json, synced = 1`,
    record.id,
    record.conversationId,
    record.direction,
    record.createdAt,
    JSON.stringify(record),
  )
  bumpActivity(sql, record.conversationId, record.direction, record.createdAt)
}

/** A tombstone removes the message, except one of ours still waiting for its answer. */
export function deleteSyncedMessage(sql: Sqlite, id: string): void {
  const row = sql.get<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE id = ?', id)
  if (!row) return
  sql.run('DELETE FROM messages WHERE id = ? AND (op_id IS NULL OR op_id NOT IN (SELECT op_id FROM outbox))', id)
  refreshActivity(sql, row.conversation_id)
}

export function upsertCannedResponse(sql: Sqlite, record: CannedResponseRecord): void {
  sql.run(
    `INSERT INTO canned_responses (id, shortcut, title, text, skill_group_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, title = excluded.title, text = excluded.text, skill_group_id = excluded.skill_group_id`,
    record.id,
    record.shortcut,
    record.title,
    record.text,
    record.skillGroupId,
  )
}

export function deleteCannedResponse(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM canned_responses WHERE id = ?', id)
}

export function upsertDispositionCode(sql: Sqlite, record: DispositionCodeRecord): void {
  sql.run(
    `INSERT INTO disposition_codes (id, label_zh, label_en, sort) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET label_zh = excluded.label_zh, label_en = excluded.label_en, sort = excluded.sort`,
    record.id,
    record.labelZh,
    record.labelEn,
    record.sort,
  )
}

export function deleteDispositionCode(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM disposition_codes WHERE id = ?', id)
}

/** Synced inbox data goes; replies and notes still in the outbox (and their actions) stay. */
export function clearInbox(sql: Sqlite): void {
  sql.run('DELETE FROM conversations')
  sql.run('DELETE FROM messages WHERE op_id IS NULL OR op_id NOT IN (SELECT op_id FROM outbox)')
  sql.run('UPDATE messages SET synced = 0')
  sql.run('DELETE FROM canned_responses')
  sql.run('DELETE FROM disposition_codes')
}

// --- local actions -----------------------------------------------------------------------------

function requireConversation(sql: Sqlite, id: string): ConversationRecord {
  const record = conversationRecord(sql, id)
  if (!record) throw new AppError('not_found', 'No such conversation in the local cache')
  return record
}

/** Refuses what cannot make sense from here; the server has the last word on the rest. */
function checkAllowed(record: ConversationRecord, op: StateOp, agentId: string): void {
  const refuse = (message: string) => {
    throw new AppError('invalid_argument', message)
  }
  switch (op.type) {
    case 'conversation.accept':
    case 'conversation.decline':
      if (record.status !== 'offered' || record.assignedAgentId !== agentId) refuse('This conversation is not offered to you')
      return
    case 'conversation.resolve':
      if (record.status === 'resolved') refuse('The conversation is resolved already')
      if (record.status !== 'open') refuse('Accept the conversation before resolving it')
      return
    case 'conversation.reopen':
      if (record.status !== 'resolved') refuse('Only a resolved conversation can be reopened')
      return
    case 'conversation.transfer':
      if (record.status === 'resolved') refuse('Reopen the conversation before transferring it')
      if (op.payload.toAgentId === agentId) refuse('The conversation cannot be transferred to yourself')
      return
    default:
      return
  }
}

/** Writes the action's operation (already in the outbox) into the displayed conversation. */
export function recordLocalAction(sql: Sqlite, op: StateOp, agent: LocalAgent): void {
  const current = requireConversation(sql, op.payload.conversationId)
  checkAllowed(current, op, agent.id)
  rememberAgent(sql, agent.id)
  const base = baseOf(sql, op.payload.conversationId)!
  sql.run('INSERT INTO conversation_local_ops (op_id, conversation_id) VALUES (?, ?)', op.id, op.payload.conversationId)
  redisplay(sql, base)
}

/** The reply or note as a message row, shown at once (offline too), and its effect on the conversation. */
export function recordLocalMessage(sql: Sqlite, op: MessageOp, agent: LocalAgent, attachments: AttachmentRef[]): void {
  const conversation = requireConversation(sql, op.payload.conversationId)
  // A callback item (missed calls) is answered by calling back; notes are still written.
  if (op.type === 'conversation.reply' && conversation.channel === 'phone') throw new AppError('invalid_argument', 'A missed-call item is answered by calling back, not by a message')
  if (sql.get('SELECT 1 FROM messages WHERE id = ?', op.payload.messageId)) throw new AppError('conflict', 'A message with this id exists already')
  rememberAgent(sql, agent.id)
  const reply = op.type === 'conversation.reply'
  const message: MessageRecord = {
    id: op.payload.messageId,
    conversationId: op.payload.conversationId,
    direction: reply ? 'out' : 'note',
    authorName: agent.name,
    agentId: agent.id,
    text: op.payload.text,
    html: null,
    attachments,
    replyToId: op.payload.replyToId,
    delivery: reply ? 'pending' : null,
    deliveryError: null,
    recalled: false,
    createdAt: op.createdAt,
  }
  sql.run(
    'INSERT INTO messages (id, conversation_id, direction, created_at, record_json, synced, op_id) VALUES (?, ?, ?, ?, ?, 0, ?)',
    message.id,
    message.conversationId,
    message.direction,
    message.createdAt,
    JSON.stringify(message),
    op.id,
  )
  if (reply) {
    const base = baseOf(sql, op.payload.conversationId)!
    sql.run('INSERT INTO conversation_local_ops (op_id, conversation_id) VALUES (?, ?)', op.id, op.payload.conversationId)
    redisplay(sql, base)
    bumpActivity(sql, message.conversationId, 'out', message.createdAt)
  }
}

function conversationOfOp(sql: Sqlite, opId: string): string | null {
  return sql.get<{ conversation_id: string }>('SELECT conversation_id FROM conversation_local_ops WHERE op_id = ?', opId)?.conversation_id ?? null
}

/** The server took the action: it becomes part of the base until the server's record arrives. */
export function localActionDelivered(sql: Sqlite, op: LocalInboxOp): void {
  const conversationId = conversationOfOp(sql, op.id)
  if (conversationId === null) return
  const base = baseOf(sql, conversationId)
  sql.run('DELETE FROM conversation_local_ops WHERE op_id = ?', op.id)
  if (!base) return
  const tier = op.type === 'conversation.linkCustomer' ? customerTier(sql, op.payload.customerId) : undefined
  redisplay(sql, applyLocalOp(base, op, localAgentId(sql), tier))
}

/** The server refused it: the conversation shows what the server has (the op waits as a conflict). */
export function localActionRejected(sql: Sqlite, opId: string): void {
  const conversationId = conversationOfOp(sql, opId)
  if (conversationId === null) return
  const base = baseOf(sql, conversationId)
  if (base) redisplay(sql, base)
}

/** The agent gave it up: the action is forgotten; an unsent reply or note, or a customer the server refused, disappears. */
export function discardLocalAction(sql: Sqlite, op: LocalInboxOp): void {
  sql.run('DELETE FROM messages WHERE op_id = ? AND synced = 0', op.id)
  if (op.type === 'customer.create') deleteCustomer(sql, op.payload.customerId)
  const conversationId = conversationOfOp(sql, op.id) ?? (op.type === 'customer.create' ? op.payload.linkConversationId : op.payload.conversationId)
  if (conversationId === null) return
  sql.run('DELETE FROM conversation_local_ops WHERE op_id = ?', op.id)
  const base = baseOf(sql, conversationId)
  if (base) {
    redisplay(sql, base)
    refreshActivity(sql, conversationId)
  }
}

/** Retried: it applies again, now at the end of the queue. */
export function refreshConversationOf(sql: Sqlite, opId: string): void {
  const conversationId = conversationOfOp(sql, opId)
  const base = conversationId === null ? null : baseOf(sql, conversationId)
  if (base) redisplay(sql, base)
}

export function conversationSubject(sql: Sqlite, id: string): string | null {
  return conversationRecord(sql, id)?.subject ?? null
}

/**
 * A customer created here for an unknown sender: shown at once (as a customer of the cache, until
 * the server's record of the same id replaces it) and, when a conversation is named, linked to it.
 */
export function recordLocalCustomer(sql: Sqlite, op: CustomerCreateOp, agent: LocalAgent): void {
  const { customerId, linkConversationId } = op.payload
  if (sql.get('SELECT 1 FROM customers WHERE id = ?', customerId)) throw new AppError('conflict', 'A customer with this id exists already')
  const contacts: CustomerRecord['contacts'] = []
  for (const contact of op.payload.contacts) {
    const normalized = normalizeContact(contact.kind, contact.value)
    if (!normalized) throw new AppError('invalid_argument', `Not a valid ${contact.kind}: ${contact.value.slice(0, 60)}`)
    if (!contacts.some((c) => c.kind === contact.kind && c.normalized === normalized)) {
      contacts.push({ id: `${customerId}-${contacts.length + 1}`, kind: contact.kind, value: contact.value, normalized })
    }
  }
  const base = linkConversationId === null ? null : baseOf(sql, linkConversationId)
  if (linkConversationId !== null && !base) throw new AppError('not_found', 'No such conversation in the local cache')
  upsertSyncedCustomer(sql, {
    id: customerId,
    name: op.payload.name,
    tier: op.payload.tier,
    kind: op.payload.kind,
    company: op.payload.company,
    city: op.payload.city,
    notes: '',
    tags: [],
    contacts,
    version: 1,
    updatedAt: op.createdAt,
  })
  if (base && linkConversationId !== null) {
    rememberAgent(sql, agent.id)
    sql.run('INSERT INTO conversation_local_ops (op_id, conversation_id) VALUES (?, ?)', op.id, linkConversationId)
    redisplay(sql, base)
  }
}
