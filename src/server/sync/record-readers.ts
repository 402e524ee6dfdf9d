import type { Kysely } from 'kysely'
import type {
  ContactRecord,
  CustomerRecord,
  InteractionRecord,
  KbArticleRecord,
  KbCategoryRecord,
  KbSignoffRecord,
  ReasonCodeRecord,
} from '../../shared/domain/records'
import type { Database } from '../db/schema'
import type { AttachmentRef } from '../../shared/domain/conversations'

/**
 * Reads the current state of synced records in their wire shape (records.ts), many ids per query,
 * so a page of a thousand changes costs one query per entity, not one per change. A missing id
 * is simply absent from the map (the record was deleted after the change was logged).
 */
type Db = Kysely<Database>

/** Tags are stored comma-separated; an empty string is no tags. */
export function splitTags(stored: string): string[] {
  return stored.split(',').map((t) => t.trim()).filter((t) => t !== '')
}

export async function readKbCategories(db: Db, ids: readonly string[]): Promise<Map<string, KbCategoryRecord>> {
  const rows = await db.selectFrom('kb_categories').selectAll().where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, parentId: r.parent_id, sort: r.sort }]))
}

export async function readKbArticles(db: Db, ids: readonly string[]): Promise<Map<string, KbArticleRecord>> {
  const [rows, attachments] = await Promise.all([db.selectFrom('kb_articles').selectAll().where('id', 'in', ids).execute(), readKbArticleAttachments(db, ids)])
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        categoryId: r.category_id,
        title: r.title,
        body: r.body,
        tags: splitTags(r.tags),
        mandatory: r.mandatory !== 0,
        skillGroupId: r.skill_group_id,
        version: r.version,
        updatedAt: r.updated_at,
        attachments: attachments.get(r.id) ?? [],
      },
    ]),
  )
}

/** The files of many articles in one query, each article's in display order. */
async function readKbArticleAttachments(db: Db, ids: readonly string[]): Promise<Map<string, AttachmentRef[]>> {
  const rows = await db
    .selectFrom('kb_article_attachments')
    .innerJoin('attachments', 'attachments.id', 'kb_article_attachments.attachment_id')
    .select(['kb_article_attachments.article_id', 'attachments.id', 'attachments.name', 'attachments.mime', 'attachments.size'])
    .where('kb_article_attachments.article_id', 'in', ids)
    .orderBy('kb_article_attachments.article_id')
    .orderBy('kb_article_attachments.sort')
    .execute()
  const byArticle = new Map<string, AttachmentRef[]>()
  for (const r of rows) {
    const list = byArticle.get(r.article_id) ?? []
    list.push({ id: r.id, name: r.name, mime: r.mime, size: Number(r.size) })
    byArticle.set(r.article_id, list)
  }
  return byArticle
}

export async function readCustomers(db: Db, ids: readonly string[]): Promise<Map<string, CustomerRecord>> {
  // Two queries (customers, then all their contacts) rather than a join that repeats every
  // customer column once per contact.
  const [rows, contactRows] = await Promise.all([
    db.selectFrom('customers').selectAll().where('id', 'in', ids).execute(),
    db.selectFrom('customer_contacts').selectAll().where('customer_id', 'in', ids).orderBy('customer_id').orderBy('id').execute(),
  ])
  const contacts = new Map<string, ContactRecord[]>()
  for (const c of contactRows) {
    const list = contacts.get(c.customer_id) ?? []
    list.push({ id: c.id, kind: c.kind, value: c.value, normalized: c.normalized })
    contacts.set(c.customer_id, list)
  }
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        tier: r.tier,
        kind: r.kind,
        company: r.company,
        city: r.city,
        notes: r.notes,
        tags: splitTags(r.tags),
        contacts: contacts.get(r.id) ?? [],
        version: r.version,
        updatedAt: r.updated_at,
      },
    ]),
  )
}

export async function readInteractions(db: Db, ids: readonly string[]): Promise<Map<string, InteractionRecord>> {
  const rows = await db
    .selectFrom('interactions')
    .leftJoin('agents', 'agents.id', 'interactions.agent_id')
    .select([
      'interactions.id',
      'interactions.customer_id',
      'interactions.channel',
      'interactions.direction',
      'interactions.summary',
      'interactions.agent_id',
      'interactions.at',
      'agents.display_name',
    ])
    .where('interactions.id', 'in', ids)
    .execute()
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        customerId: r.customer_id,
        channel: r.channel,
        direction: r.direction,
        summary: r.summary,
        agentId: r.agent_id,
        agentName: r.display_name,
        at: r.at,
      },
    ]),
  )
}

export function signoffId(agentId: string, articleId: string): string {
  return `${agentId}:${articleId}`
}

/** One agent's sign-offs only: the ids are `${agentId}:${articleId}` of that agent. */
export async function readKbSignoffs(db: Db, agentId: string, ids: readonly string[]): Promise<Map<string, KbSignoffRecord>> {
  const prefix = `${agentId}:`
  const articleIds = ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length))
  if (articleIds.length === 0) return new Map()
  const rows = await db.selectFrom('kb_signoffs').selectAll().where('agent_id', '=', agentId).where('article_id', 'in', articleIds).execute()
  return new Map(
    rows.map((r) => {
      const id = signoffId(r.agent_id, r.article_id)
      return [id, { id, articleId: r.article_id, version: r.version, signedAt: r.signed_at }]
    }),
  )
}

/** Inactive reason codes are left out, so they reach desktops as tombstones. */
export async function readReasonCodes(db: Db, ids: readonly string[]): Promise<Map<string, ReasonCodeRecord>> {
  const rows = await db.selectFrom('reason_codes').selectAll().where('code', 'in', ids).where('active', '=', 1).execute()
  return new Map(rows.map((r) => [r.code, { id: r.code, labelZh: r.label_zh, labelEn: r.label_en, sort: r.sort }]))
}
