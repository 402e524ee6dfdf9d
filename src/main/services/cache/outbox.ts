/**
 * The outbox: every local action as an operation, in the order it was taken. An operation leaves
 * only when the server has answered applied (or duplicate: it had it already); a rejected one
 * stays as a conflict until the agent discards or retries it.
 */
import { AppError, type ErrorInfo } from '../../../shared/errors'
import type { Conflict, OutboxStatus } from '../../../shared/ipc/views'
import type { Operation, OperationResult } from '../../../shared/protocol/sync'
import type { QueuedOperation } from './local-cache'
import type { Sqlite } from './sqlite'

interface OutboxRow {
  position: number
  op_id: string
  op_json: string
  created_at: number
  status: 'queued' | 'conflict'
  error_json: string | null
}

/** What an operation did locally, so delivery and discarding can follow it up. */
export interface LocalEffects {
  delivered(op: Operation): void
  discarded(op: Operation): void
  /** Queued again at the end: edits applied in outbox order may now apply in another order. */
  requeued(op: Operation): void
  /** Words for the conflict list, e.g. 签收《…》. */
  describe(op: Operation): string
}

const LAST_DELIVERED_KEY = 'outbox.lastDeliveredAt'

export function insertOperation(sql: Sqlite, op: Operation): void {
  if (sql.get('SELECT 1 FROM outbox WHERE op_id = ?', op.id)) throw new AppError('conflict', 'This operation is already in the outbox')
  sql.run("INSERT INTO outbox (op_id, type, op_json, created_at, status) VALUES (?, ?, ?, ?, 'queued')", op.id, op.type, JSON.stringify(op), op.createdAt)
}

export function nextOperations(sql: Sqlite, limit: number): QueuedOperation[] {
  return sql
    .all<OutboxRow>("SELECT position, op_json FROM outbox WHERE status = 'queued' ORDER BY position LIMIT ?", Math.max(0, Math.floor(limit)))
    .map((row) => ({ position: row.position, op: JSON.parse(row.op_json) as Operation }))
}

function rowOf(sql: Sqlite, opId: string): OutboxRow | undefined {
  return sql.get<OutboxRow>('SELECT * FROM outbox WHERE op_id = ?', opId)
}

const REJECTED_WITHOUT_REASON: ErrorInfo = { code: 'conflict', message: '服务器拒绝了此操作' }

/** Answers for operations no longer queued (resolved meanwhile, or answered twice) are ignored. */
export function recordResults(sql: Sqlite, results: readonly OperationResult[], effects: LocalEffects, now: number): void {
  let delivered = false
  for (const result of results) {
    const row = rowOf(sql, result.id)
    if (!row || row.status !== 'queued') continue
    // A duplicate carries the first outcome: with an error, the first attempt was rejected.
    const rejected = result.status === 'rejected' || (result.status === 'duplicate' && result.error !== undefined)
    if (rejected) {
      const error = result.error ? { code: result.error.code, message: result.error.message } : REJECTED_WITHOUT_REASON
      sql.run("UPDATE outbox SET status = 'conflict', error_json = ? WHERE op_id = ?", JSON.stringify(error), result.id)
    } else {
      sql.run('DELETE FROM outbox WHERE op_id = ?', result.id)
      effects.delivered(JSON.parse(row.op_json) as Operation)
      delivered = true
    }
  }
  if (delivered) {
    sql.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', LAST_DELIVERED_KEY, String(now))
  }
}

export function outboxStatus(sql: Sqlite, effects: LocalEffects): OutboxStatus {
  const pending = sql.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'queued'")?.n ?? 0
  const conflicts: Conflict[] = sql.all<OutboxRow>("SELECT * FROM outbox WHERE status = 'conflict' ORDER BY position").map((row) => {
    const op = JSON.parse(row.op_json) as Operation
    return {
      opId: row.op_id,
      type: op.type,
      summary: effects.describe(op),
      createdAt: row.created_at,
      error: row.error_json ? (JSON.parse(row.error_json) as Conflict['error']) : REJECTED_WITHOUT_REASON,
    }
  })
  const last = sql.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', LAST_DELIVERED_KEY)
  return { pending, conflicts, lastDeliveredAt: last ? Number(last.value) : null }
}

export function resolveConflict(sql: Sqlite, opId: string, resolution: 'discard' | 'retry', effects: LocalEffects): void {
  const row = rowOf(sql, opId)
  if (!row) throw new AppError('not_found', 'No such operation in the outbox')
  if (row.status !== 'conflict') throw new AppError('invalid_argument', 'The operation is still queued, not a conflict')
  sql.run('DELETE FROM outbox WHERE op_id = ?', opId)
  const op = JSON.parse(row.op_json) as Operation
  if (resolution === 'discard') {
    effects.discarded(op)
  } else {
    // A new row: AUTOINCREMENT puts it after everything ever queued.
    sql.run("INSERT INTO outbox (op_id, type, op_json, created_at, status) VALUES (?, ?, ?, ?, 'queued')", op.id, op.type, row.op_json, row.created_at)
    effects.requeued(op)
  }
}
