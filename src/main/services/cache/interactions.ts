/**
 * A customer's interaction history: synced records, and notes written on this desktop. A local
 * note keeps its operation id for good; whether it is "pending", "conflict" or "sent" is read
 * from the outbox, so a server copy of the same note arriving first cannot make it look sent.
 */
import type { InteractionRecord } from '../../../shared/domain/records'
import type { CustomerCard, Delivery, InteractionView } from '../../../shared/ipc/views'
import type { Operation } from '../../../shared/protocol/sync'
import { customerRecord } from './customer-store'
import type { Sqlite } from './sqlite'

/** Newest interactions shown on the customer card. */
export const CARD_INTERACTIONS = 50

interface InteractionRow {
  id: string
  customer_id: string
  channel: InteractionView['channel']
  direction: InteractionView['direction']
  summary: string
  agent_name: string | null
  at: number
  status: 'queued' | 'conflict' | null
}

function deliveryOf(status: 'queued' | 'conflict' | null): Delivery {
  return status === 'queued' ? 'pending' : status === 'conflict' ? 'conflict' : 'sent'
}

function view(row: InteractionRow): InteractionView {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    direction: row.direction,
    summary: row.summary,
    agentName: row.agent_name,
    at: row.at,
    delivery: deliveryOf(row.status),
  }
}

export function upsertSyncedInteraction(sql: Sqlite, record: InteractionRecord): void {
  sql.run(
    `INSERT INTO interactions (id, customer_id, channel, direction, summary, agent_id, agent_name, at, op_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
     ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, channel = excluded.channel, direction = excluded.direction,
       summary = excluded.summary, agent_id = excluded.agent_id, agent_name = excluded.agent_name, at = excluded.at`,
    record.id,
    record.customerId,
    record.channel,
    record.direction,
    record.summary,
    record.agentId,
    record.agentName,
    record.at,
  )
}

/** A tombstone removes the record, except a note of ours still waiting for its answer. */
export function deleteSyncedInteraction(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM interactions WHERE id = ? AND (op_id IS NULL OR op_id NOT IN (SELECT op_id FROM outbox))', id)
}

export function recordLocalNote(sql: Sqlite, op: Extract<Operation, { type: 'customer.note' }>, agent: { id: string; name: string }): void {
  sql.run(
    `INSERT INTO interactions (id, customer_id, channel, direction, summary, agent_id, agent_name, at, op_id)
     VALUES (?, ?, 'note', 'internal', ?, ?, ?, ?, ?)`,
    op.payload.noteId,
    op.payload.customerId,
    op.payload.text,
    agent.id,
    agent.name,
    op.createdAt,
    op.id,
  )
}

export function discardLocalNote(sql: Sqlite, opId: string): void {
  sql.run('DELETE FROM interactions WHERE op_id = ?', opId)
}

const SELECT_VIEW = `SELECT i.id, i.customer_id, i.channel, i.direction, i.summary, i.agent_name, i.at, o.status
  FROM interactions i LEFT JOIN outbox o ON o.op_id = i.op_id`

export function interactionView(sql: Sqlite, id: string): InteractionView | null {
  const row = sql.get<InteractionRow>(`${SELECT_VIEW} WHERE i.id = ?`, id)
  return row ? view(row) : null
}

export function customerCard(sql: Sqlite, id: string): CustomerCard | null {
  const customer = customerRecord(sql, id)
  if (!customer) return null
  const interactions = sql.all<InteractionRow>(`${SELECT_VIEW} WHERE i.customer_id = ? ORDER BY i.at DESC, i.id DESC LIMIT ?`, id, CARD_INTERACTIONS).map(view)
  const edits = sql.all<{ status: 'queued' | 'conflict' }>(
    'SELECT o.status FROM customer_local_updates u JOIN outbox o ON o.op_id = u.op_id WHERE u.customer_id = ?',
    id,
  )
  const pendingUpdate: Delivery | null = edits.some((e) => e.status === 'conflict') ? 'conflict' : edits.length > 0 ? 'pending' : null
  return { customer, interactions, pendingUpdate }
}
