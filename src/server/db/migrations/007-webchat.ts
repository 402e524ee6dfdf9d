import type { Kysely } from 'kysely'

/**
 * The web-chat channel: the chat widgets a centre runs (one per website, each routed to a skill
 * group), the visitors who wrote (what they told us about themselves), how far a visitor has read
 * the agents' replies, and the comment a visitor left with a rating.
 *
 * Self-contained on purpose (no imports from the running code), like every migration.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (db.isTransaction) await build(db)
  else await db.transaction().execute((trx) => build(trx))
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function build(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webchat_sites')
    /** What the embed snippet and the chat page URL name (`/chat?site=<key>`). */
    .addColumn('site_key', 'text', (c) => c.primaryKey())
    /** Shown as the conversation's subject and the page title. */
    .addColumn('name', 'text', (c) => c.notNull())
    /** The website that may frame the chat page (CSP frame-ancestors), e.g. https://www.example.com; '*' any. */
    .addColumn('allowed_origin', 'text', (c) => c.notNull().defaultTo('*'))
    /**
     * The queue new chats go to. Null: the skill group with the most agents (the demo site is made
     * before the demo's skill groups exist).
     */
    .addColumn('skill_group_id', 'text')
    .addColumn('welcome_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('webchat_visitors')
    .addColumn('visitor_id', 'text', (c) => c.primaryKey())
    .addColumn('site_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('webchat_reads')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    /** The last agent message the visitor has seen. */
    .addColumn('up_to_message_id', 'text', (c) => c.notNull())
    .addColumn('read_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('webchat_feedback')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('rating', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute()

  const now = Date.now()
  await db
    .insertInto('webchat_sites')
    .values({
      site_key: 'demo',
      name: '官网在线客服',
      allowed_origin: '*',
      skill_group_id: null,
      welcome_text: '您好，欢迎咨询！请问有什么可以帮您？',
      enabled: 1,
      created_at: now,
      updated_at: now,
    })
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webchat_feedback', 'webchat_reads', 'webchat_visitors', 'webchat_sites']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
