import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect'

/**
 * The softphone's call log: one row per call, written by the desktop of the agent who made or
 * missed it. Missed calls become callback items in the unified inbox, so conversations get a
 * fourth channel, 'phone'.
 *
 * Self-contained on purpose (no imports from the running code), like every migration.
 */
const OLD_CHANNEL_CHECK = "channel in ('chat', 'qq', 'email')"
const NEW_CHANNEL_CHECK = "channel in ('chat', 'qq', 'email', 'phone')"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    if (db.isTransaction) await buildPostgres(db)
    else await db.transaction().execute((trx) => buildPostgres(trx))
    return
  }
  await buildSqlite(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function buildPostgres(db: Kysely<any>): Promise<void> {
  const checks = await sql<{ conname: string }>`
    select conname from pg_constraint
    where conrelid = 'conversations'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%channel%'`.execute(db)
  for (const { conname } of checks.rows) await sql`alter table conversations drop constraint ${sql.id(conname)}`.execute(db)
  await sql`alter table conversations add constraint conversations_channel_check check (${sql.raw(NEW_CHANNEL_CHECK)})`.execute(db)
  await createCalls(db)
}

/**
 * SQLite cannot alter a CHECK constraint: the conversations table is rebuilt under the new check
 * (SQLite's documented 12-step procedure). With foreign keys on, dropping the old table would
 * delete every message through ON DELETE CASCADE, so they are switched off first, which SQLite
 * allows only outside a transaction (Kysely runs SQLite migrations outside one). If they cannot be
 * switched off, the migration stops rather than lose a message.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function buildSqlite(db: Kysely<any>): Promise<void> {
  if (db.isTransaction) throw new Error('008-calls must run outside a transaction on SQLite (it rebuilds the conversations table)')
  await sql`pragma foreign_keys = off`.execute(db)
  try {
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)
    if (Number(fk.rows[0]?.foreign_keys ?? 1) !== 0) throw new Error('008-calls could not switch foreign keys off to rebuild the conversations table')
    await db.transaction().execute(async (trx) => {
      await rebuildConversations(trx)
      await createCalls(trx)
      const broken = await sql`pragma foreign_key_check`.execute(trx)
      if (broken.rows.length > 0) throw new Error(`008-calls: ${broken.rows.length} foreign key violations after rebuilding conversations`)
    })
  } finally {
    await sql`pragma foreign_keys = on`.execute(db)
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function rebuildConversations(trx: Kysely<any>): Promise<void> {
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'conversations'`.execute(trx)
  const created = table.rows[0]?.sql
  if (!created || !created.includes(OLD_CHANNEL_CHECK)) throw new Error('008-calls: the conversations table does not have the expected channel check')
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'conversations' and sql is not null`.execute(trx)
  const renamed = created.replace(/^CREATE TABLE\s+("conversations"|conversations)/i, 'create table "conversations_new"')
  if (renamed === created) throw new Error('008-calls: cannot read the conversations table definition')
  await sql.raw(renamed.replace(OLD_CHANNEL_CHECK, NEW_CHANNEL_CHECK)).execute(trx)
  // Same definition, so the same column order.
  await sql`insert into conversations_new select * from conversations`.execute(trx)
  await sql`drop table conversations`.execute(trx)
  await sql`alter table conversations_new rename to conversations`.execute(trx)
  for (const index of indexes.rows) await sql.raw(index.sql).execute(trx)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createCalls(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calls')
    /** The phone's id for the call; recording it again updates the row. */
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('inbound', 'outbound')`))
    .addColumn('remote_number', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('offered_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_sec', 'integer', (c) => c.notNull())
    .addColumn('missed', 'integer', (c) => c.notNull())
    .addColumn('end_cause', 'text', (c) => c.notNull())
    .addColumn('disposition', 'text')
    .addColumn('note', 'text')
    .addColumn('transferred_to', 'text')
    .addColumn('conversation_id', 'text', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('interaction_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('calls_agent').on('calls').columns(['agent_id', 'offered_at']).execute()
  await db.schema.createIndex('calls_customer').on('calls').columns(['customer_id']).execute()
}

/** Conversations keep the wider channel check: narrowing it needs another rebuild, and phone conversations may exist by then. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calls').ifExists().execute()
}
