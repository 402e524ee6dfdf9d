/**
 * The call log in the cache: calls recorded on this desktop (each with the call.log operation that
 * carries it to the server) and calls synced down from the server (the agent's calls from their
 * other desktops; a lead's or admin's desktop gets everyone's).
 *
 * A call recorded here stays as recorded while its latest operation waits in the outbox: a synced
 * copy arriving meanwhile is kept beside it (synced_json) and shown once the operation is
 * answered, so sync never shows an older wrap-up than the one the agent just wrote.
 */
import { AppError } from '../../../shared/errors'
import type { CallRecord } from '../../../shared/domain/phone'
import type { CallLogRecord } from '../../../shared/domain/records'
import type { Operation } from '../../../shared/protocol/sync'
import type { Sqlite } from './sqlite'

export type CallLogOp = Extract<Operation, { type: 'call.log' }>

/** The cache's migration 004-calls. */
export const CALL_LOG_MIGRATION_SQL = `
CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  agent_name TEXT,
  direction TEXT NOT NULL,
  remote_number TEXT NOT NULL,
  customer_id TEXT,
  offered_at INTEGER NOT NULL,
  answered_at INTEGER,
  ended_at INTEGER NOT NULL,
  duration_sec INTEGER NOT NULL,
  missed INTEGER NOT NULL,
  end_cause TEXT NOT NULL,
  disposition TEXT,
  note TEXT,
  transferred_to TEXT,
  conversation_id TEXT,
  -- Delivery: the latest call.log operation of this call still in the outbox; null once the
  -- server has everything recorded here (or the call came from the server).
  pending_op_id TEXT,
  -- The server's copy as last synced (null: never synced), shown again if a local record is discarded.
  synced_json TEXT
);
CREATE INDEX calls_agent_recent ON calls (agent_id, offered_at DESC);
CREATE INDEX calls_pending ON calls (pending_op_id) WHERE pending_op_id IS NOT NULL;
`

interface CallRow {
  id: string
  agent_id: string
  direction: CallRecord['direction']
  remote_number: string
  customer_id: string | null
  offered_at: number
  answered_at: number | null
  ended_at: number
  duration_sec: number
  missed: number
  end_cause: string
  disposition: string | null
  note: string | null
  transferred_to: string | null
  pending_op_id: string | null
  synced_json: string | null
}

function recordOf(row: CallRow): CallRecord {
  return {
    id: row.id,
    direction: row.direction,
    remoteNumber: row.remote_number,
    customerId: row.customer_id,
    offeredAt: row.offered_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    durationSec: row.duration_sec,
    missed: row.missed !== 0,
    endCause: row.end_cause,
    disposition: row.disposition,
    note: row.note,
    transferredTo: row.transferred_to,
  }
}

function rowOf(sql: Sqlite, id: string): CallRow | undefined {
  return sql.get<CallRow>('SELECT * FROM calls WHERE id = ?', id)
}

const IDENTITY: ReadonlyArray<[keyof CallRecord, string]> = [
  ['direction', 'direction'],
  ['remoteNumber', 'number'],
  ['offeredAt', 'offer time'],
  ['answeredAt', 'answer time'],
  ['missed', 'missed flag'],
]

function sameRecord(a: CallRecord, b: CallRecord): boolean {
  return (Object.keys(a) as Array<keyof CallRecord>).every((key) => a[key] === b[key])
}

/** Writes every field of the call and marks it pending on `pendingOpId` (null: as the server has it). */
function writeCall(sql: Sqlite, call: CallRecord, agentId: string, pendingOpId: string | null, extra: { agentName: string | null; conversationId: string | null; syncedJson: string | null } | null): void {
  sql.run(
    `INSERT INTO calls (id, agent_id, agent_name, direction, remote_number, customer_id, offered_at, answered_at, ended_at, duration_sec,
       missed, end_cause, disposition, note, transferred_to, conversation_id, pending_op_id, synced_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET agent_id = excluded.agent_id, direction = excluded.direction, remote_number = excluded.remote_number,
       customer_id = excluded.customer_id, offered_at = excluded.offered_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at,
       duration_sec = excluded.duration_sec, missed = excluded.missed, end_cause = excluded.end_cause, disposition = excluded.disposition,
       note = excluded.note, transferred_to = excluded.transferred_to, pending_op_id = excluded.pending_op_id,
       agent_name = coalesce(excluded.agent_name, calls.agent_name), conversation_id = coalesce(excluded.conversation_id, calls.conversation_id),
       synced_json = coalesce(excluded.synced_json, calls.synced_json)`,
    call.id,
    agentId,
    extra?.agentName ?? null,
    call.direction,
    call.remoteNumber,
    call.customerId,
    call.offeredAt,
    call.answeredAt,
    call.endedAt,
    call.durationSec,
    call.missed ? 1 : 0,
    call.endCause,
    call.disposition,
    call.note,
    call.transferredTo,
    extra?.conversationId ?? null,
    pendingOpId,
    extra?.syncedJson ?? null,
  )
}

/**
 * Records the call as the phone has it now, queuing `op` with it (call it inside the transaction
 * that inserts `op` into the outbox). Returns false, queuing nothing, when the log already holds
 * exactly this record. What identifies a call cannot change; only its wrap-up can.
 */
export function recordLocalCall(sql: Sqlite, op: CallLogOp, agentId: string, insertOperation: () => void): boolean {
  const call = op.payload
  const existing = rowOf(sql, call.id)
  if (existing) {
    if (existing.agent_id !== agentId) throw new AppError('conflict', 'Another agent’s call already uses this call id')
    const before = recordOf(existing)
    const changed = IDENTITY.find(([key]) => before[key] !== call[key])
    if (changed) throw new AppError('invalid_argument', `This call was recorded with another ${changed[1]}; only its wrap-up can change`)
    if (sameRecord(before, call)) return false
  }
  insertOperation()
  writeCall(sql, call, agentId, op.id, null)
  return true
}

/** The newest calls of this agent first. */
export function callLog(sql: Sqlite, agentId: string, limit: number): CallRecord[] {
  return sql.all<CallRow>('SELECT * FROM calls WHERE agent_id = ? ORDER BY offered_at DESC, id DESC LIMIT ?', agentId, limit).map(recordOf)
}

/**
 * The server has the call as recorded here (unless a later record of it is still queued). Its own
 * copy is shown from now on: it may differ (a customer it does not know is dropped), and when sync
 * brought it before this answer, no later change of the call will bring it again.
 */
export function localCallDelivered(sql: Sqlite, opId: string): void {
  const row = sql.get<CallRow>('SELECT * FROM calls WHERE pending_op_id = ?', opId)
  if (!row) return
  const synced = row.synced_json ? (JSON.parse(row.synced_json) as CallLogRecord) : null
  if (synced) writeCall(sql, synced, synced.agentId, null, null)
  else sql.run('UPDATE calls SET pending_op_id = NULL WHERE id = ?', row.id)
}

/** The agent dropped the latest record of a call: the server's copy is shown again, or nothing if it has none. */
export function discardLocalCall(sql: Sqlite, op: CallLogOp): void {
  const row = rowOf(sql, op.payload.id)
  if (!row || row.pending_op_id !== op.id) return
  const synced = row.synced_json ? (JSON.parse(row.synced_json) as CallLogRecord) : null
  if (synced) writeCall(sql, synced, synced.agentId, null, null)
  else sql.run('DELETE FROM calls WHERE id = ?', row.id)
}

export function upsertSyncedCall(sql: Sqlite, record: CallLogRecord): void {
  const row = rowOf(sql, record.id)
  const extra = { agentName: record.agentName, conversationId: record.conversationId, syncedJson: JSON.stringify(record) }
  if (row?.pending_op_id) {
    sql.run('UPDATE calls SET agent_name = ?, conversation_id = ?, synced_json = ? WHERE id = ?', extra.agentName, extra.conversationId, extra.syncedJson, record.id)
    return
  }
  writeCall(sql, record, record.agentId, null, extra)
}

/** A tombstone removes the call, except one recorded here still waiting for its answer. */
export function deleteSyncedCall(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM calls WHERE id = ? AND pending_op_id IS NULL', id)
  sql.run('UPDATE calls SET synced_json = NULL WHERE id = ?', id)
}

/** Before a sync from scratch: synced calls go, calls still waiting to be sent stay. */
export function clearSyncedCalls(sql: Sqlite): void {
  sql.run('DELETE FROM calls WHERE pending_op_id IS NULL')
  sql.run('UPDATE calls SET synced_json = NULL')
}

function talkTime(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  return m > 0 ? `${m}分${s}秒` : `${s}秒`
}

/** Words for the conflict list: 通话记录：呼入 13800138000（3分12秒，咨询）. */
export function describeCallOp(op: CallLogOp): string {
  const call = op.payload
  const what = call.missed ? '未接来电' : `${call.direction === 'inbound' ? '呼入' : '呼出'}`
  const details = [call.answeredAt === null ? (call.missed ? null : '未接通') : talkTime(call.durationSec), call.disposition].filter((d): d is string => !!d)
  return `通话记录：${what} ${call.remoteNumber}${details.length ? `（${details.join('，')}）` : ''}`
}
