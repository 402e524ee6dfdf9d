import { sql, type Kysely } from 'kysely'

/**
 * QQ groups through OneBot v11: the bot accounts a OneBot implementation (NapCat, Lagrange,
 * go-cqhttp) logs in as, and the groups whose members' messages become conversations, each
 * routed to a skill group. An administrator configures both.
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
    .createTable('qq_accounts')
    /** The bot's QQ number (OneBot `self_id`, the `X-Self-ID` of a reverse WebSocket). */
    .addColumn('self_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    /**
     * The OneBot access token, in clear: the server compares it with what a reverse WebSocket
     * presents and presents it itself on a forward WebSocket.
     */
    .addColumn('access_token', 'text', (c) => c.notNull())
    /** The implementation's forward WebSocket (ws://…), when the server should connect out to it. */
    .addColumn('forward_ws_url', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1).check(sql`enabled in (0, 1)`))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('qq_groups')
    .addColumn('self_id', 'text', (c) => c.notNull().references('qq_accounts.self_id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull())
    /** Shown as the conversation's subject. */
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('skill_group_id', 'text', (c) => c.notNull().references('skill_groups.id'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1).check(sql`enabled in (0, 1)`))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // One group may be watched by two bot accounts; each pair is its own configuration.
    .addPrimaryKeyConstraint('qq_groups_pk', ['self_id', 'group_id'])
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('qq_groups').ifExists().execute()
  await db.schema.dropTable('qq_accounts').ifExists().execute()
}
