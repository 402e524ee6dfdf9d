import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely'
import type { Database, SyncedEntity } from '../db/schema'

/** Arbitrary but fixed: the PostgreSQL advisory lock that orders writers of the change log. */
const CHANGE_LOG_LOCK = 0x5c4a_0001
/** Well under SQLite's and PostgreSQL's bound-parameter limits (4 per row). */
const CHUNK_ROWS = 500

/**
 * Appends one change row for a synced record. Call it inside the transaction that writes the
 * record, and as its LAST write: on PostgreSQL it takes a lock that is held until commit.
 *
 * Why the lock: a desktop stores the highest seq it has seen as its cursor. On PostgreSQL two
 * transactions can draw seqs 10 and 11 and commit in the opposite order; a pull between the two
 * commits would see 11, move the cursor past 10 and never receive it. Holding one transaction-scoped
 * lock from drawing a seq until commit makes seqs become visible in order. Taking it last keeps
 * the held time short and means no lock holder waits on anything but its own commit (no
 * deadlocks). SQLite has a single writer, so its seqs are already committed in order.
 */
export async function recordChange(
  trx: Transaction<Database>,
  entity: SyncedEntity,
  id: string,
  deleted = false,
  at = Date.now(),
  scopes: readonly string[] = [EVERYONE],
): Promise<number> {
  await lockChangeLog(trx)
  let seq = 0
  // One row per audience, so each desktop finds the change through its own scopes.
  for (const scope of scopes) {
    const row = await trx
      .insertInto('changes')
      .values({ entity, entity_id: id, deleted: deleted ? 1 : 0, at, scope })
      .returning('seq')
      .executeTakeFirstOrThrow()
    seq = Number(row.seq)
  }
  return seq
}

/** The scope of changes every desktop pulls (KB, customers, reason codes). */
export const EVERYONE = '*'

/** The same for many records of one entity at once (seeding, imports), in the given order. */
export async function recordChanges(trx: Transaction<Database>, entity: SyncedEntity, ids: readonly string[], at = Date.now()): Promise<void> {
  if (ids.length === 0) return
  await lockChangeLog(trx)
  for (let i = 0; i < ids.length; i += CHUNK_ROWS) {
    const rows = ids.slice(i, i + CHUNK_ROWS).map((id) => ({ entity, entity_id: id, deleted: 0, at }))
    await trx.insertInto('changes').values(rows).execute()
  }
}

/** The newest seq handed out, 0 for an empty log. */
export async function latestSeq(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('changes').select((eb) => eb.fn.max('seq').as('latest')).executeTakeFirst()
  return Number(row?.latest ?? 0)
}

async function lockChangeLog(trx: Transaction<Database>): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(${CHANGE_LOG_LOCK})`.execute(trx)
}
