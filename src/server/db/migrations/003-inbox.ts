import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../dialect'

/**
 * The unified inbox: conversations and their messages across channels, uploaded attachments,
 * the routing audit trail, SLA policies per channel and tier, canned responses and disposition
 * codes, and customers tied to a dedicated agent.
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
  const pg = isPostgres(db)

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    // Kept in the database, so an attachment commits or rolls back with the message that carries it.
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    /** 'agent' (desktop upload), 'customer' (arrived on a channel), 'kb'. */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('chat', 'qq', 'email')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'offered', 'open', 'resolved')`))
    /** Finds the conversation a new inbound message belongs to (visitor id, QQ group + member, mailbox + thread root). */
    .addColumn('thread_key', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('identity_kind', 'text', (c) => c.notNull())
    .addColumn('identity_value', 'text', (c) => c.notNull())
    .addColumn('identity_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('customer_id', 'text', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('tier', 'text')
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('skill_group_id', 'text', (c) => c.notNull().references('skill_groups.id'))
    /** The owner when open; the agent it is offered to when offered. */
    .addColumn('assigned_agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('offer_expires_at', 'bigint')
    /** JSON object of strings: channel details shown to agents. */
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('queued_at', 'bigint', (c) => c.notNull())
    .addColumn('last_message_at', 'bigint', (c) => c.notNull())
    .addColumn('last_message_preview', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('unread', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_response_due_at', 'bigint')
    .addColumn('first_responded_at', 'bigint')
    .addColumn('resolution_due_at', 'bigint')
    /** When an SLA breach was last announced, so each breach alarms once. */
    .addColumn('sla_alarmed', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('snoozed_until', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('disposition', 'text')
    .addColumn('rating', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('conversations_thread').on('conversations').columns(['channel', 'thread_key']).execute()
  await db.schema.createIndex('conversations_queue').on('conversations').columns(['status', 'skill_group_id', 'priority', 'queued_at']).execute()
  await db.schema.createIndex('conversations_assigned').on('conversations').columns(['assigned_agent_id', 'status']).execute()

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out', 'note', 'system')`))
    .addColumn('author_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    /** JSON array of attachment refs {id, name, mime, size}. */
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reply_to_id', 'text')
    /** The channel's own id: OneBot message_id, email Message-ID, visitor's client id. */
    .addColumn('external_id', 'text')
    .addColumn('delivery', 'text')
    .addColumn('delivery_error', 'text')
    .addColumn('recalled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'created_at']).execute()
  await db.schema.createIndex('messages_external').on('messages').columns(['external_id']).execute()
  // A channel message is filed once per conversation even when two deliveries of it race (two
  // browser tabs resending, a OneBot event repeated over two connections). NULLs do not collide.
  await db.schema.createIndex('messages_conversation_external').on('messages').columns(['conversation_id', 'external_id']).unique().execute()

  // Which messages carry which files: who may download a file follows who may see its conversation.
  await db.schema
    .createTable('message_attachments')
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachments.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('message_attachments_pk', ['attachment_id', 'message_id'])
    .execute()

  await db.schema
    .createTable('conversation_events')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    /** offered, offer_timeout, declined, accepted, transferred, reassigned, resolved, reopened, sla_breach, rated. */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('conversation_events_conversation').on('conversation_events').columns(['conversation_id', 'at']).execute()

  await db.schema
    .createTable('sla_policies')
    .addColumn('channel', 'text', (c) => c.notNull())
    /** tierPriority(): 1 = 钻/1A … 5 = unknown customer. */
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('first_response_ms', 'bigint', (c) => c.notNull())
    .addColumn('resolution_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_policies_pk', ['channel', 'priority'])
    .execute()
  // Chat and QQ answer within a minute or two (tighter for VIPs); email within hours.
  const minutes = 60_000
  const policies: { channel: string; firstResponse: number[]; resolution: number[] }[] = [
    { channel: 'chat', firstResponse: [0.5, 1, 2, 3, 3], resolution: [20, 30, 45, 60, 60] },
    { channel: 'qq', firstResponse: [1, 2, 3, 5, 5], resolution: [30, 45, 60, 90, 90] },
    { channel: 'email', firstResponse: [60, 120, 240, 480, 480], resolution: [480, 1440, 1440, 2880, 2880] },
  ]
  await db
    .insertInto('sla_policies')
    .values(
      policies.flatMap((p) =>
        p.firstResponse.map((first, i) => ({
          channel: p.channel,
          priority: i + 1,
          first_response_ms: Math.round(first * minutes),
          resolution_ms: Math.round((p.resolution[i] as number) * minutes),
        })),
      ),
    )
    .execute()

  await db.schema
    .createTable('canned_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shortcut', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('skill_group_id', 'text', (c) => c.references('skill_groups.id').onDelete('cascade'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()

  await db.schema
    .createTable('disposition_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('label_zh', 'text', (c) => c.notNull())
    .addColumn('label_en', 'text', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  const dispositions = [
    ['solved', '已解决', 'Solved'],
    ['info', '咨询已答复', 'Question answered'],
    ['followup', '需后续跟进', 'Needs follow-up'],
    ['ticket', '已转工单', 'Ticket created'],
    ['complaint', '投诉已受理', 'Complaint registered'],
    ['spam', '无效/骚扰', 'Spam or invalid'],
  ]
  await db
    .insertInto('disposition_codes')
    .values(dispositions.map(([code, zh, en], sort) => ({ code, label_zh: zh, label_en: en, sort })))
    .execute()
  const now = Date.now()
  await db
    .insertInto('changes')
    .values(dispositions.map(([code]) => ({ entity: 'disposition_code', entity_id: code, deleted: 0, at: now })))
    .execute()

  // Who a change concerns: '*' everyone (KB, customers), or one audience of a conversation ('agent:<id>',
  // 'skill:<group id>', 'sup' for leads and admins). A desktop pulls only the scopes it belongs to, and
  // only those desktops are told, so one chat message does not make every desktop of the centre pull.
  await db.schema.alterTable('changes').addColumn('scope', 'text', (c) => c.notNull().defaultTo('*')).execute()
  await db.schema.createIndex('changes_scope').on('changes').columns(['scope', 'seq']).execute()

  // A VIP customer can have their own agent (VIP受理专席); VIP groups take VIP tiers first.
  await db.schema.alterTable('customers').addColumn('dedicated_agent_id', 'text').execute()
  await db.schema.alterTable('skill_groups').addColumn('vip', 'integer', (c) => c.notNull().defaultTo(0)).execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('changes_scope').execute()
  await db.schema.alterTable('changes').dropColumn('scope').execute()
  for (const table of ['disposition_codes', 'canned_responses', 'sla_policies', 'conversation_events', 'message_attachments', 'messages', 'conversations', 'attachments']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await db.schema.alterTable('customers').dropColumn('dedicated_agent_id').execute()
  await db.schema.alterTable('skill_groups').dropColumn('vip').execute()
}
