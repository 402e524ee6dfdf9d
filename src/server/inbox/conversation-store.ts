import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type Transaction, type Updateable } from 'kysely'
import type { AttachmentRef } from '../../shared/domain/conversations'
import type { ConversationsTable, Database, MessagesTable } from '../db/schema'
import type { ChangeSet } from './change-set'

type Db = Kysely<Database> | Transaction<Database>
export type ConversationRow = ConversationsTable

/** What whoever opens a conversation decides; everything else starts at its opening value. */
export type ConversationOpening = Pick<
  ConversationRow,
  'channel' | 'status' | 'thread_key' | 'subject' | 'identity_kind' | 'identity_value' | 'identity_name' | 'customer_id' | 'tier' | 'priority' | 'skill_group_id' | 'assigned_agent_id' | 'meta'
>

/** A new conversation's row, opened now with these SLA deadlines. */
export function newConversationRow(opening: ConversationOpening, deadlines: { firstResponseDueAt: number | null; resolutionDueAt: number | null }, now: number): ConversationRow {
  return {
    id: randomUUID(),
    ...opening,
    offer_expires_at: null,
    created_at: now,
    queued_at: now,
    last_message_at: now,
    last_message_preview: '',
    unread: 0,
    first_response_due_at: deadlines.firstResponseDueAt,
    first_responded_at: null,
    resolution_due_at: deadlines.resolutionDueAt,
    sla_alarmed: '',
    snoozed_until: null,
    resolved_at: null,
    disposition: null,
    rating: null,
    version: 1,
    updated_at: now,
  }
}
export type MessageRow = MessagesTable

/** A resolved conversation whose customer writes again within this time is reopened, not replaced. */
export const REOPEN_WINDOW_MS = 24 * 60 * 60_000
const PREVIEW_CHARS = 120

export async function getConversation(db: Db, id: string): Promise<ConversationRow | undefined> {
  if (id.length > 64) return undefined
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The latest conversation of a thread, if any. */
export async function latestOfThread(db: Db, channel: ConversationRow['channel'], threadKey: string): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('channel', '=', channel)
    .where('thread_key', '=', threadKey)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** The conversation holding any of these channel message ids (email References). */
export async function conversationOfExternalIds(db: Db, channel: ConversationRow['channel'], externalIds: readonly string[]): Promise<ConversationRow | undefined> {
  if (externalIds.length === 0) return undefined
  return db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('conversations')
    .where('conversations.channel', '=', channel)
    .where('messages.external_id', 'in', externalIds.slice(0, 100))
    .orderBy('messages.created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export async function messageByExternalId(db: Db, conversationId: string, externalId: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('external_id', '=', externalId).executeTakeFirst()
}

/**
 * Updates a conversation, raising its version, and notes it for the change log. Every change of a
 * conversation goes through here so desktops always hear about it.
 */
export async function updateConversation(
  trx: Transaction<Database>,
  changes: ChangeSet,
  id: string,
  values: Omit<Updateable<ConversationsTable>, 'id' | 'version' | 'updated_at'>,
  now: number,
): Promise<void> {
  const before = await trx.selectFrom('conversations').select(['id', 'assigned_agent_id', 'status', 'skill_group_id']).where('id', '=', id).executeTakeFirst()
  if (before) changes.noteBefore(before)
  await trx
    .updateTable('conversations')
    .set({ ...values, version: sql<number>`version + 1`, updated_at: now })
    .where('id', '=', id)
    .execute()
  changes.add('conversation', id)
}

/**
 * Logs every message of a conversation again: after it changes hands, the new owner's desktop
 * must receive messages whose changes it skipped, and the old owner's gets them as tombstones.
 */
export async function relogMessages(trx: Transaction<Database>, changes: ChangeSet, conversationId: string): Promise<void> {
  const rows = await trx.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).orderBy('created_at').execute()
  for (const row of rows) changes.add('message', row.id, conversationId)
}

export function previewOf(text: string, attachments: readonly AttachmentRef[]): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat !== '') return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat
  const first = attachments[0]
  if (!first) return ''
  return first.mime.startsWith('image/') ? '[图片]' : `[文件] ${first.name}`.slice(0, PREVIEW_CHARS)
}

export function parseMeta(stored: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(stored)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
  } catch {
    return {}
  }
}

export function parseAttachments(stored: string): AttachmentRef[] {
  try {
    const value: unknown = JSON.parse(stored)
    return Array.isArray(value) ? (value as AttachmentRef[]) : []
  } catch {
    return []
  }
}

export async function logEvent(
  trx: Db,
  event: { conversationId: string; kind: string; agentId?: string | null; detail?: string; at: number },
): Promise<void> {
  await trx
    .insertInto('conversation_events')
    .values({ conversation_id: event.conversationId, kind: event.kind, agent_id: event.agentId ?? null, detail: event.detail ?? '', at: event.at })
    .execute()
}

/** Open conversations an agent holds per capacity kind (offers count too: they are promised work). */
export async function loadOf(db: Db, agentIds: readonly string[]): Promise<Map<string, { chat: number; email: number }>> {
  const load = new Map<string, { chat: number; email: number }>()
  if (agentIds.length === 0) return load
  const rows = await db
    .selectFrom('conversations')
    .select(['assigned_agent_id', 'channel', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['offered', 'open'])
    // A callback item (missed calls) is no chat: it does not take one of the agent's chat places.
    .where('channel', '!=', 'phone')
    .where('assigned_agent_id', 'in', agentIds)
    .groupBy(['assigned_agent_id', 'channel'])
    .execute()
  for (const row of rows) {
    if (!row.assigned_agent_id) continue
    const entry = load.get(row.assigned_agent_id) ?? { chat: 0, email: 0 }
    if (row.channel === 'email') entry.email += Number(row.n)
    else entry.chat += Number(row.n)
    load.set(row.assigned_agent_id, entry)
  }
  return load
}

/** Links a message to its files (see attachment-routes: downloads follow conversation visibility). */
export async function linkAttachments(trx: Db, messageId: string, attachments: readonly AttachmentRef[]): Promise<void> {
  if (attachments.length === 0) return
  await trx
    .insertInto('message_attachments')
    .values([...new Set(attachments.map((a) => a.id))].map((id) => ({ message_id: messageId, attachment_id: id })))
    .execute()
}
