import type { Kysely } from 'kysely'
import type { CannedResponseRecord, ConversationRecord, DispositionCodeRecord, MessageRecord } from '../../shared/domain/conversations'
import type { Database } from '../db/schema'
import { parseAttachments, parseMeta } from '../inbox/conversation-store'
import { canSeeConversation, type SyncViewer } from './sync-viewer'

/**
 * The inbox's synced records in their wire shape, many ids per query (see record-readers.ts).
 * Conversations and messages the viewer may not see are left out, so they go down as tombstones.
 */
type Db = Kysely<Database>

interface Visible {
  record: ConversationRecord
}

export async function readConversations(db: Db, viewer: SyncViewer, ids: readonly string[]): Promise<Map<string, ConversationRecord>> {
  const visible = await visibleConversations(db, viewer, ids)
  return new Map([...visible].map(([id, v]) => [id, v.record]))
}

async function visibleConversations(db: Db, viewer: SyncViewer, ids: readonly string[]): Promise<Map<string, Visible>> {
  const rows = await db
    .selectFrom('conversations')
    .leftJoin('agents', 'agents.id', 'conversations.assigned_agent_id')
    .selectAll('conversations')
    .select(['agents.display_name as agent_name'])
    .where('conversations.id', 'in', ids)
    .execute()
  const out = new Map<string, Visible>()
  for (const r of rows) {
    const record: ConversationRecord = {
      id: r.id,
      channel: r.channel,
      status: r.status,
      subject: r.subject,
      identity: { kind: r.identity_kind, value: r.identity_value, displayName: r.identity_name },
      customerId: r.customer_id,
      tier: r.tier,
      priority: r.priority,
      skillGroupId: r.skill_group_id,
      assignedAgentId: r.assigned_agent_id,
      assignedAgentName: r.agent_name,
      offerExpiresAt: r.offer_expires_at === null ? null : Number(r.offer_expires_at),
      meta: parseMeta(r.meta),
      createdAt: Number(r.created_at),
      lastMessageAt: Number(r.last_message_at),
      lastMessagePreview: r.last_message_preview,
      unread: r.unread,
      firstResponseDueAt: nullableNumber(r.first_response_due_at),
      firstRespondedAt: nullableNumber(r.first_responded_at),
      resolutionDueAt: nullableNumber(r.resolution_due_at),
      snoozedUntil: nullableNumber(r.snoozed_until),
      resolvedAt: nullableNumber(r.resolved_at),
      disposition: r.disposition,
      rating: r.rating,
      version: r.version,
    }
    if (canSeeConversation(viewer, record)) out.set(r.id, { record })
  }
  return out
}

export async function readMessages(db: Db, viewer: SyncViewer, ids: readonly string[]): Promise<Map<string, MessageRecord>> {
  // Visibility needs only three columns of the conversation: joined here rather than reading the
  // whole conversations again (that second read was the costliest statement of a pull in
  // bench/inbox-load.ts).
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .select(['conversations.assigned_agent_id as conversation_agent_id', 'conversations.status as conversation_status', 'conversations.skill_group_id as conversation_skill_group_id'])
    .where('messages.id', 'in', ids)
    .execute()
  const out = new Map<string, MessageRecord>()
  for (const r of rows) {
    const conversation = { assignedAgentId: r.conversation_agent_id, status: r.conversation_status, skillGroupId: r.conversation_skill_group_id }
    if (!canSeeConversation(viewer, conversation)) continue
    out.set(r.id, {
      id: r.id,
      conversationId: r.conversation_id,
      direction: r.direction,
      authorName: r.author_name,
      agentId: r.agent_id,
      text: r.recalled ? '' : r.text,
      html: r.recalled ? null : r.html,
      attachments: r.recalled ? [] : parseAttachments(r.attachments),
      replyToId: r.reply_to_id,
      delivery: r.delivery,
      deliveryError: r.delivery_error,
      recalled: r.recalled !== 0,
      createdAt: Number(r.created_at),
    })
  }
  return out
}

/** Inactive ones, and those of other skill groups, go down as tombstones. */
export async function readCannedResponses(db: Db, viewer: SyncViewer, ids: readonly string[]): Promise<Map<string, CannedResponseRecord>> {
  const rows = await db.selectFrom('canned_responses').selectAll().where('id', 'in', ids).where('active', '=', 1).execute()
  return new Map(
    rows
      .filter((r) => r.skill_group_id === null || viewer.role !== 'agent' || viewer.skillGroupIds.has(r.skill_group_id))
      .map((r) => [r.id, { id: r.id, shortcut: r.shortcut, title: r.title, text: r.text, skillGroupId: r.skill_group_id }]),
  )
}

export async function readDispositionCodes(db: Db, ids: readonly string[]): Promise<Map<string, DispositionCodeRecord>> {
  const rows = await db.selectFrom('disposition_codes').selectAll().where('code', 'in', ids).where('active', '=', 1).execute()
  return new Map(rows.map((r) => [r.code, { id: r.code, labelZh: r.label_zh, labelEn: r.label_en, sort: r.sort }]))
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value)
}
