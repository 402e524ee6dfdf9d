import type { CustomersTable } from '../../db/schema'
import type { Updateable } from 'kysely'
import { recordChange } from '../change-log'
import { applied, rejected, type OpContext, type OpOutcome, type PayloadOf } from './op-outcome'

/** Tags are stored comma-separated, so a comma inside one tag would split it on the way back. */
const TAG_SEPARATOR = ','

/**
 * An edit made against `baseVersion` of the customer. Anyone else's edit since then makes it a
 * conflict for the agent to resolve; the server never merges silently.
 */
export async function applyCustomerUpdate({ trx, now }: OpContext, payload: PayloadOf<'customer.update'>): Promise<OpOutcome> {
  const { customerId, baseVersion, changes } = payload
  if (changes.tags?.some((tag) => tag.includes(TAG_SEPARATOR))) return rejected('invalid_argument', 'A tag must not contain a comma')
  const current = await trx.selectFrom('customers').select('version').where('id', '=', customerId).executeTakeFirst()
  if (!current) return rejected('not_found', 'No such customer')
  if (current.version !== baseVersion) return conflict(current.version, baseVersion)

  const set: Updateable<CustomersTable> = {}
  if (changes.name !== undefined) set.name = changes.name
  if (changes.city !== undefined) set.city = changes.city === '' ? null : changes.city
  if (changes.notes !== undefined) set.notes = changes.notes
  if (changes.tags !== undefined) set.tags = [...new Set(changes.tags)].join(TAG_SEPARATOR)
  // Nothing to change: acknowledged without a new version, so no other desktop has to re-pull.
  if (Object.keys(set).length === 0) return applied(false)

  // Compare-and-set on the version: on PostgreSQL a concurrent edit that read the same version
  // waits for this row lock, then matches no row and becomes a conflict instead of a lost update.
  const result = await trx
    .updateTable('customers')
    .set({ ...set, version: baseVersion + 1, updated_at: now })
    .where('id', '=', customerId)
    .where('version', '=', baseVersion)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) {
    const latest = await trx.selectFrom('customers').select('version').where('id', '=', customerId).executeTakeFirst()
    return conflict(latest?.version ?? baseVersion, baseVersion)
  }
  await recordChange(trx, 'customer', customerId, false, now)
  return applied()
}

function conflict(current: number, base: number): OpOutcome {
  return rejected('conflict', `The customer was changed by someone else (now version ${current}, edited version ${base}); review the current record and edit again`)
}
