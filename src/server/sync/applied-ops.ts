import type { Kysely, Transaction } from 'kysely'
import type { ErrorInfo } from '../../shared/errors'
import { ErrorCodeSchema } from '../../shared/error-schema'
import type { OperationResult } from '../../shared/protocol/sync'
import type { AppliedOpRow, Database } from '../db/schema'

/**
 * The record of every operation id the server has taken. Its primary key is what makes an
 * operation happen once: the row is written in the transaction of the operation's effect.
 */
export interface OpClaim {
  opId: string
  agentId: string
  type: string
  at: number
}

/**
 * Inserts the op's row as applied, before its effect. Returns false when the id is already taken.
 * ON CONFLICT DO NOTHING instead of catching the key violation: on PostgreSQL a failed statement
 * poisons the transaction, and a concurrent insert of the same id waits here for the other
 * transaction to finish, then sees its row.
 */
export async function claimOp(trx: Transaction<Database>, claim: OpClaim): Promise<boolean> {
  const inserted = await trx
    .insertInto('applied_ops')
    .values({ op_id: claim.opId, agent_id: claim.agentId, type: claim.type, status: 'applied', error_code: null, error_message: null, applied_at: claim.at })
    .onConflict((oc) => oc.column('op_id').doNothing())
    .returning('op_id')
    .executeTakeFirst()
  return inserted !== undefined
}

/** Turns a claimed op into a rejected one, in the same transaction that found the reason. */
export async function markRejected(trx: Transaction<Database>, opId: string, error: ErrorInfo): Promise<void> {
  await trx.updateTable('applied_ops').set({ status: 'rejected', error_code: error.code, error_message: error.message }).where('op_id', '=', opId).execute()
}

export async function findOp(db: Kysely<Database>, opId: string): Promise<AppliedOpRow | undefined> {
  return db.selectFrom('applied_ops').selectAll().where('op_id', '=', opId).executeTakeFirst()
}

/** The answer to an id seen before: `duplicate`, carrying the first outcome's error if it was refused. */
export function duplicateOf(row: AppliedOpRow): OperationResult {
  if (row.status === 'applied') return { id: row.op_id, status: 'duplicate' }
  const code = ErrorCodeSchema.safeParse(row.error_code)
  return { id: row.op_id, status: 'duplicate', error: { code: code.success ? code.data : 'internal', message: row.error_message ?? '' } }
}
