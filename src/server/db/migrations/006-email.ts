import type { Kysely } from 'kysely'

/**
 * The email channel: support mailboxes configured by an administrator (IMAP to receive, SMTP to
 * send, the skill group whose queue gets new threads), and per mailbox where receiving stopped
 * (UIDVALIDITY and the last UID filed), so a restart neither loses nor repeats a message.
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
    .createTable('email_mailboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('imap_host', 'text', (c) => c.notNull())
    .addColumn('imap_port', 'integer', (c) => c.notNull())
    .addColumn('imap_secure', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('imap_user', 'text', (c) => c.notNull())
    // Kept as given: the server must log in with it. Never sent back by the admin API.
    .addColumn('imap_password', 'text', (c) => c.notNull())
    .addColumn('smtp_host', 'text', (c) => c.notNull())
    .addColumn('smtp_port', 'integer', (c) => c.notNull())
    .addColumn('smtp_secure', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('smtp_user', 'text', (c) => c.notNull())
    .addColumn('smtp_password', 'text', (c) => c.notNull())
    .addColumn('skill_group_id', 'text', (c) => c.notNull().references('skill_groups.id'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    /** How often INBOX is checked when IDLE is not offered or is quiet. */
    .addColumn('poll_interval_ms', 'integer', (c) => c.notNull().defaultTo(60_000))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('email_sync_state')
    .addColumn('mailbox_id', 'text', (c) => c.primaryKey().references('email_mailboxes.id').onDelete('cascade'))
    /** UIDVALIDITY of INBOX when `last_uid` was read (a bigint kept as text). */
    .addColumn('uid_validity', 'text', (c) => c.notNull())
    /** Every message up to this UID has been filed (or dropped as an auto-reply). */
    .addColumn('last_uid', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_sync_state').ifExists().execute()
  await db.schema.dropTable('email_mailboxes').ifExists().execute()
}
