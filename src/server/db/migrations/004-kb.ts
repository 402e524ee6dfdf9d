import { sql, type Kysely } from 'kysely'

/**
 * The knowledge base's attachments and version history, and settings that sync to desktops:
 * centre-wide values (set by an administrator) and each agent's own preferences.
 *
 * Self-contained on purpose (no imports from the running code), like every migration.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (db.isTransaction) await build(db)
  else await db.transaction().execute((trx) => build(trx))
}

/** The defaults every centre starts with (JSON values). */
const CENTRE_DEFAULTS: readonly (readonly [key: string, value: unknown])[] = [
  ['inbox.offerTimeoutSec', 30],
  ['acw.durationSec', 60],
  ['recording.policy', 'all'],
]

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function build(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kb_article_attachments')
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id').onDelete('cascade'))
    .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachments.id'))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('kb_article_attachments_pk', ['article_id', 'attachment_id'])
    .execute()
  await db.schema.createIndex('kb_article_attachments_attachment').on('kb_article_attachments').column('attachment_id').execute()

  await db.schema
    .createTable('kb_article_versions')
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo(''))
    // Kept when the editor's account goes: the history stays, the name is looked up while it exists.
    .addColumn('edited_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kb_article_versions_pk', ['article_id', 'version'])
    .execute()
  // Each article's current version is its first recorded one; who wrote the earlier ones is unknown.
  await db
    .insertInto('kb_article_versions')
    .columns(['article_id', 'version', 'title', 'body', 'tags', 'edited_by', 'at'])
    .expression(db.selectFrom('kb_articles').select(['id', 'version', 'title', 'body', 'tags', sql.lit(null).as('edited_by'), 'updated_at']))
    .execute()

  await db.schema
    .createTable('centre_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    /** JSON */
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('agent_settings')
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    /** JSON */
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_settings_pk', ['agent_id', 'key'])
    .execute()

  const now = Date.now()
  await db
    .insertInto('centre_settings')
    .values(CENTRE_DEFAULTS.map(([key, value]) => ({ key, value: JSON.stringify(value), updated_by: null, updated_at: now })))
    .execute()
  await db
    .insertInto('changes')
    .values(CENTRE_DEFAULTS.map(([key]) => ({ entity: 'setting', entity_id: `centre:${key}`, deleted: 0, at: now })))
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['agent_settings', 'centre_settings', 'kb_article_versions', 'kb_article_attachments']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
