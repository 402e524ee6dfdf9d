import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect'

/**
 * Offline-first sync: the global change log, the record of applied desktop operations, customer
 * interaction history, KB sign-offs, customer versions, and KB bodies as restricted HTML.
 *
 * Self-contained on purpose (no imports from the running code): a migration must keep doing
 * exactly what it did when it shipped, whatever later happens to the helpers.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Kysely wraps migrations in a transaction only where DDL is transactional by its reckoning
  // (PostgreSQL). SQLite's DDL is transactional too, so a crash halfway leaves nothing behind.
  if (db.isTransaction) await build(db)
  else await db.transaction().execute((trx) => build(trx))
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function build(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db)

  await db.schema
    .createTable('changes')
    // AUTOINCREMENT on SQLite: a seq is never handed out twice, even if the newest rows are ever
    // deleted, because desktops keep seqs as cursors.
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('changes_entity').on('changes').columns(['entity', 'entity_id']).execute()

  await db.schema
    .createTable('applied_ops')
    .addColumn('op_id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('applied', 'rejected')`))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('interactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('phone', 'chat', 'qq', 'email', 'note')`))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out', 'internal')`))
    .addColumn('summary', 'text', (c) => c.notNull())
    // Kept when an agent leaves: the history stays, the name is looked up while it exists.
    .addColumn('agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('interactions_customer_at').on('interactions').columns(['customer_id', 'at']).execute()

  await db.schema
    .createTable('kb_signoffs')
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('signed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kb_signoffs_pk', ['agent_id', 'article_id'])
    .execute()

  await db.schema.alterTable('customers').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute()

  await convertKbBodiesToHtml(db)
  await backfillChanges(db)
}

/** Bodies written before 002 are plain text: blank-line paragraphs, single newlines inside. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function convertKbBodiesToHtml(db: Kysely<any>): Promise<void> {
  const rows = (await db.selectFrom('kb_articles').select(['id', 'body']).execute()) as { id: string; body: string }[]
  for (const row of rows) {
    if (row.body.trimStart().startsWith('<')) continue
    await db.updateTable('kb_articles').set({ body: plainTextToHtml(row.body) }).where('id', '=', row.id).execute()
  }
}

function plainTextToHtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.split('\n').map(escape).join('<br>')}</p>`)
    .join('\n\n')
}

/**
 * Every record that existed before the change log gets one change row, so a desktop pulling from
 * 0 receives it. Parents first (categories before articles, customers before their history).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function backfillChanges(db: Kysely<any>): Promise<void> {
  const now = Date.now()
  const sources: readonly (readonly [entity: string, table: string, idColumn: string])[] = [
    ['kb_category', 'kb_categories', 'id'],
    ['kb_article', 'kb_articles', 'id'],
    ['customer', 'customers', 'id'],
    ['reason_code', 'reason_codes', 'code'],
  ]
  for (const [entity, table, idColumn] of sources) {
    await db
      .insertInto('changes')
      .columns(['entity', 'entity_id', 'deleted', 'at'])
      .expression(
        db
          .selectFrom(table)
          .select([sql.lit(entity).as('entity'), sql.ref(idColumn).as('entity_id'), sql.lit(0).as('deleted'), sql.lit(now).as('at')])
          .orderBy(idColumn),
      )
      .execute()
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['kb_signoffs', 'interactions', 'applied_ops', 'changes']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await db.schema.alterTable('customers').dropColumn('version').execute()
}
