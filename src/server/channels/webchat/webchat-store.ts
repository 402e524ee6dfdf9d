import { sql, type Kysely } from 'kysely'
import type { AttachmentRef } from '../../../shared/domain/conversations'
import type { VisitorHistory, VisitorMessage, VisitorProfile } from '../../../shared/protocol/visitor-socket'
import type { Database, MessagesTable } from '../../db/schema'

/** A chat page without `?site=` belongs to this site (seeded by migration 007). */
export const DEFAULT_SITE_KEY = 'demo'
const HISTORY_PAGE = 50
/** Left messages are stored with this prefix on their external id, so they stay apart from chat lines. */
export const LEFT_MESSAGE_PREFIX = 'leave:'

export interface WebchatSite {
  key: string
  name: string
  allowedOrigin: string
  skillGroupId: string
  welcome: string
}

export const threadKeyOf = (visitorId: string): string => `visitor:${visitorId}`
export const uploaderOf = (visitorId: string): string => `visitor:${visitorId}`

type MessageRow = Pick<MessagesTable, 'id' | 'conversation_id' | 'direction' | 'author_name' | 'text' | 'attachments' | 'external_id' | 'created_at'>

/** What the web-chat channel reads and writes besides the inbox's own tables. */
export class WebchatStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** An enabled site with the skill group its chats go to, or null. */
  async site(key: string): Promise<WebchatSite | null> {
    const row = await this.db.selectFrom('webchat_sites').selectAll().where('site_key', '=', key).where('enabled', '=', 1).executeTakeFirst()
    if (!row) return null
    const skillGroupId = row.skill_group_id ?? (await this.busiestSkillGroup())
    if (!skillGroupId) return null
    return { key: row.site_key, name: row.name, allowedOrigin: row.allowed_origin, skillGroupId, welcome: row.welcome_text }
  }

  /** The skill group with the most agents: where a site that names none sends its chats. */
  private async busiestSkillGroup(): Promise<string | null> {
    const row = await this.db
      .selectFrom('skill_groups')
      .leftJoin('agent_skills', 'agent_skills.skill_group_id', 'skill_groups.id')
      .select(['skill_groups.id', sql<number>`count(agent_skills.agent_id)`.as('agents')])
      .groupBy('skill_groups.id')
      .orderBy('agents', 'desc')
      .orderBy('skill_groups.id')
      .executeTakeFirst()
    return row?.id ?? null
  }

  async touchVisitor(visitorId: string, siteKey: string): Promise<VisitorProfile> {
    const now = this.now()
    await this.db
      .insertInto('webchat_visitors')
      .values({ visitor_id: visitorId, site_key: siteKey, name: null, phone: null, email: null, first_seen_at: now, last_seen_at: now })
      .onConflict((oc) => oc.column('visitor_id').doUpdateSet({ last_seen_at: now }))
      .execute()
    return this.profile(visitorId)
  }

  async profile(visitorId: string): Promise<VisitorProfile> {
    const row = await this.db.selectFrom('webchat_visitors').select(['name', 'phone', 'email']).where('visitor_id', '=', visitorId).executeTakeFirst()
    return { name: row?.name ?? null, phone: row?.phone ?? null, email: row?.email ?? null }
  }

  /** Keeps what the visitor told; fields not given stay as they were. */
  async identify(visitorId: string, given: Partial<VisitorProfile>): Promise<VisitorProfile> {
    const values = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined && v !== null))
    if (Object.keys(values).length > 0) {
      await this.db.updateTable('webchat_visitors').set(values).where('visitor_id', '=', visitorId).execute()
    }
    return this.profile(visitorId)
  }

  /** Is a ready, connected agent with this skill there to answer? */
  async agentsAvailable(skillGroupId: string, isOnline: (agentId: string) => boolean): Promise<boolean> {
    const ready = await this.db
      .selectFrom('agent_presence')
      .innerJoin('agents', 'agents.id', 'agent_presence.agent_id')
      .innerJoin('agent_skills', 'agent_skills.agent_id', 'agents.id')
      .select('agents.id')
      .where('agent_presence.state', '=', 'ready')
      .where('agents.disabled', '=', 0)
      .where('agent_skills.skill_group_id', '=', skillGroupId)
      .execute()
    return ready.some((a) => isOnline(a.id))
  }

  /** The visitor's latest conversation. */
  async latestConversation(visitorId: string) {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('channel', '=', 'chat')
      .where('thread_key', '=', threadKeyOf(visitorId))
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst()
  }

  /** A conversation of this visitor (never another visitor's). */
  async conversationOf(visitorId: string, conversationId: string) {
    if (conversationId.length > 64) return undefined
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', conversationId)
      .where('channel', '=', 'chat')
      .where('thread_key', '=', threadKeyOf(visitorId))
      .executeTakeFirst()
  }

  /** 1 = next in line; null when the visitor's latest conversation is not waiting in a queue. */
  async queuePosition(visitorId: string): Promise<number | null> {
    const mine = await this.latestConversation(visitorId)
    if (!mine || mine.status !== 'queued') return null
    const ahead = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'queued')
      .where('skill_group_id', '=', mine.skill_group_id)
      .where((eb) => eb.or([eb('priority', '<', mine.priority), eb.and([eb('priority', '=', mine.priority), eb('queued_at', '<', mine.queued_at)])]))
      .executeTakeFirstOrThrow()
    return Number(ahead.n) + 1
  }

  /** What the visitor sees of their conversations: their messages and the agents' replies, never notes. */
  async history(visitorId: string, before?: number): Promise<VisitorHistory> {
    let query = this.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.id', 'messages.conversation_id', 'messages.direction', 'messages.author_name', 'messages.text', 'messages.attachments', 'messages.external_id', 'messages.created_at'])
      .where('conversations.channel', '=', 'chat')
      .where('conversations.thread_key', '=', threadKeyOf(visitorId))
      .where('messages.direction', 'in', ['in', 'out'])
    if (before !== undefined) query = query.where('messages.created_at', '<', before)
    const rows = await query.orderBy('messages.created_at', 'desc').orderBy('messages.id', 'desc').limit(HISTORY_PAGE + 1).execute()
    const page = rows.slice(0, HISTORY_PAGE).reverse()
    return { messages: page.map(toVisitorMessage), hasMore: rows.length > HISTORY_PAGE, agentReadUpTo: await this.agentReadUpTo(visitorId) }
  }

  async message(messageId: string): Promise<VisitorMessage | null> {
    const row = await this.db
      .selectFrom('messages')
      .select(['id', 'conversation_id', 'direction', 'author_name', 'text', 'attachments', 'external_id', 'created_at'])
      .where('id', '=', messageId)
      .executeTakeFirst()
    return row ? toVisitorMessage(row) : null
  }

  /**
   * The last visitor message the agents have read: the owner's unread count says how many of the
   * latest ones they have not.
   */
  async agentReadUpTo(visitorId: string): Promise<string | null> {
    const conversation = await this.latestConversation(visitorId)
    if (!conversation || conversation.assigned_agent_id === null || conversation.status === 'offered') return null
    const row = await this.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .where('direction', '=', 'in')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(conversation.unread)
      .limit(1)
      .executeTakeFirst()
    return row?.id ?? null
  }

  /** Records that the visitor has seen the agents' replies up to this one (only forward). */
  async markRead(visitorId: string, messageId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.conversation_id', 'messages.created_at'])
      .where('messages.id', '=', messageId)
      .where('messages.direction', '=', 'out')
      .where('conversations.channel', '=', 'chat')
      .where('conversations.thread_key', '=', threadKeyOf(visitorId))
      .executeTakeFirst()
    if (!row) return false
    const current = await this.db
      .selectFrom('webchat_reads')
      .innerJoin('messages', 'messages.id', 'webchat_reads.up_to_message_id')
      .select('messages.created_at')
      .where('webchat_reads.conversation_id', '=', row.conversation_id)
      .executeTakeFirst()
    if (current && current.created_at > row.created_at) return true
    const values = { up_to_message_id: messageId, read_at: this.now() }
    await this.db
      .insertInto('webchat_reads')
      .values({ conversation_id: row.conversation_id, ...values })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
      .execute()
    return true
  }

  async saveFeedback(visitorId: string, conversationId: string, rating: number, comment: string): Promise<void> {
    const values = { visitor_id: visitorId, rating, comment, at: this.now() }
    await this.db
      .insertInto('webchat_feedback')
      .values({ conversation_id: conversationId, ...values })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
      .execute()
  }

  async hasFeedback(conversationId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('webchat_feedback').select('conversation_id').where('conversation_id', '=', conversationId).executeTakeFirst())
  }

  /** The visitor's own uploads, in the order asked; null if any is not theirs (or does not exist). */
  async ownUploads(visitorId: string, ids: readonly string[]): Promise<AttachmentRef[] | null> {
    if (ids.length === 0) return []
    const rows = await this.db
      .selectFrom('attachments')
      .select(['id', 'name', 'mime', 'size'])
      .where('id', 'in', [...ids])
      .where('uploaded_by', '=', uploaderOf(visitorId))
      .execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    const refs = ids.flatMap((id) => byId.get(id) ?? [])
    return refs.length === ids.length ? refs : null
  }

  /** A visitor may fetch what they uploaded and what was sent in their own conversations. */
  async maySeeAttachment(visitorId: string, attachmentId: string): Promise<boolean> {
    const own = await this.db
      .selectFrom('attachments')
      .select('id')
      .where('id', '=', attachmentId)
      .where('uploaded_by', '=', uploaderOf(visitorId))
      .executeTakeFirst()
    if (own) return true
    const carried = await this.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select('messages.id')
      .where('conversations.channel', '=', 'chat')
      .where('conversations.thread_key', '=', threadKeyOf(visitorId))
      .where('messages.direction', 'in', ['in', 'out'])
      // Attachment ids are checked to be [A-Za-z0-9-] before they get here.
      .where('messages.attachments', 'like', `%"${attachmentId}"%`)
      .executeTakeFirst()
    return !!carried
  }
}

export function toVisitorMessage(row: MessageRow): VisitorMessage {
  const fromVisitor = row.direction === 'in'
  const clientId = fromVisitor && row.external_id ? row.external_id.replace(LEFT_MESSAGE_PREFIX, '') : null
  return {
    id: row.id,
    conversationId: row.conversation_id,
    clientId,
    from: fromVisitor ? 'visitor' : row.direction === 'out' ? 'agent' : 'system',
    authorName: row.author_name,
    text: row.text,
    attachments: parseRefs(row.attachments),
    at: Number(row.created_at),
  }
}

function parseRefs(json: string): AttachmentRef[] {
  try {
    const value: unknown = JSON.parse(json)
    return Array.isArray(value) ? (value as AttachmentRef[]) : []
  } catch {
    return []
  }
}
