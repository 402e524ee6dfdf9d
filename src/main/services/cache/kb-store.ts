/** Knowledge base records in the cache: articles and their index, categories, sign-offs. */
import { AppError } from '../../../shared/errors'
import type { KbArticleRecord, KbCategoryRecord, KbSignoffRecord } from '../../../shared/domain/records'
import type { Delivery, KbArticleView, KbCategoryView, PendingSignoff } from '../../../shared/ipc/views'
import type { Operation } from '../../../shared/protocol/sync'
import { titleKey, visibilityText } from './kb-index-keys'
import { indexText, plainText } from './kb-text'
import type { Sqlite } from './sqlite'
import { articleAttachments } from './kb-attachments'

export interface ArticleRow {
  doc: number
  id: string
  category_id: string
  title: string
  body: string
  tags: string
  mandatory: number
  skill_group_id: string | null
  version: number
  updated_at: number
}

export function articleRecord(row: ArticleRow): KbArticleRecord {
  return {
    id: row.id,
    categoryId: row.category_id,
    title: row.title,
    body: row.body,
    tags: JSON.parse(row.tags) as string[],
    mandatory: row.mandatory === 1,
    skillGroupId: row.skill_group_id,
    version: row.version,
    updatedAt: row.updated_at,
    // Search hits do not show files; getArticle fills them in.
    attachments: [],
  }
}

// --- sync ------------------------------------------------------------------------------------

export function upsertCategory(sql: Sqlite, record: KbCategoryRecord): void {
  sql.run(
    `INSERT INTO kb_categories (id, name, parent_id, sort) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id, sort = excluded.sort`,
    record.id,
    record.name,
    record.parentId,
    record.sort,
  )
}

export function deleteCategory(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM kb_categories WHERE id = ?', id)
}

const SELECT_ARTICLE = 'SELECT a.*, b.body FROM kb_articles a JOIN kb_article_bodies b ON b.doc = a.doc'

/** Full rows (with bodies) of the given documents. */
export function articleRows(sql: Sqlite, docs: readonly number[]): ArticleRow[] {
  return sql.all<ArticleRow>(`${SELECT_ARTICLE} WHERE a.doc IN (SELECT value FROM json_each(?))`, JSON.stringify(docs))
}

function unindex(sql: Sqlite, doc: number, title: string): void {
  sql.run('DELETE FROM kb_fts WHERE rowid = ?', doc)
  sql.run('DELETE FROM kb_title_fts WHERE rowid = ?', titleKey(doc, title))
  sql.run('DELETE FROM kb_article_tags WHERE doc = ?', doc)
}

export function upsertArticle(sql: Sqlite, record: KbArticleRecord): void {
  const existing = sql.get<{ doc: number; title: string }>('SELECT doc, title FROM kb_articles WHERE id = ?', record.id)
  const values = [
    record.categoryId,
    record.title,
    JSON.stringify(record.tags),
    record.mandatory ? 1 : 0,
    record.skillGroupId,
    record.version,
    record.updatedAt,
  ] as const
  let doc: number
  if (existing) {
    doc = existing.doc
    // Contentless FTS rows cannot be updated in place; they are deleted and written again.
    unindex(sql, doc, existing.title)
    sql.run(
      `UPDATE kb_articles SET category_id = ?, title = ?, tags = ?, mandatory = ?, skill_group_id = ?, version = ?, updated_at = ?
       WHERE doc = ?`,
      ...values,
      doc,
    )
  } else {
    const result = sql.run(
      `INSERT INTO kb_articles (id, category_id, title, tags, mandatory, skill_group_id, version, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      record.id,
      ...values,
    )
    doc = Number(result.lastInsertRowid)
  }
  sql.run('INSERT OR REPLACE INTO kb_article_bodies (doc, body) VALUES (?, ?)', doc, record.body)
  const title = indexText(record.title)
  const vis = visibilityText(record.skillGroupId)
  sql.run('INSERT INTO kb_fts (rowid, title, body, vis) VALUES (?, ?, ?, ?)', doc, title, indexText(plainText(record.body)), vis)
  sql.run('INSERT INTO kb_title_fts (rowid, title, vis) VALUES (?, ?, ?)', titleKey(doc, record.title), title, vis)
  for (const tag of new Set(record.tags)) sql.run('INSERT INTO kb_article_tags (tag, doc) VALUES (?, ?)', tag, doc)
}

export function deleteArticle(sql: Sqlite, id: string): void {
  const existing = sql.get<{ doc: number; title: string }>('SELECT doc, title FROM kb_articles WHERE id = ?', id)
  if (!existing) return
  unindex(sql, existing.doc, existing.title)
  sql.run('DELETE FROM kb_articles WHERE doc = ?', existing.doc)
  sql.run('DELETE FROM kb_article_bodies WHERE doc = ?', existing.doc)
}

export function upsertSyncedSignoff(sql: Sqlite, record: KbSignoffRecord): void {
  sql.run(
    `INSERT INTO kb_signoffs (id, article_id, version, signed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET article_id = excluded.article_id, version = excluded.version, signed_at = excluded.signed_at`,
    record.id,
    record.articleId,
    record.version,
    record.signedAt,
  )
  // A delivered local sign-off is now covered by the server's; a queued one stays until answered.
  sql.run(
    'DELETE FROM kb_local_signoffs WHERE article_id = ? AND version <= ? AND op_id NOT IN (SELECT op_id FROM outbox)',
    record.articleId,
    record.version,
  )
}

export function deleteSyncedSignoff(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM kb_signoffs WHERE id = ?', id)
}

export function clearKb(sql: Sqlite): void {
  sql.run('DELETE FROM kb_categories')
  sql.run('DELETE FROM kb_articles')
  sql.run('DELETE FROM kb_article_bodies')
  sql.run('DELETE FROM kb_article_tags')
  sql.run("INSERT INTO kb_fts (kb_fts) VALUES ('delete-all')")
  sql.run("INSERT INTO kb_title_fts (kb_title_fts) VALUES ('delete-all')")
  sql.run('DELETE FROM kb_signoffs')
}

// --- reading ---------------------------------------------------------------------------------

export function categoryNames(sql: Sqlite): Map<string, string> {
  return new Map(sql.all<{ id: string; name: string }>('SELECT id, name FROM kb_categories').map((c) => [c.id, c.name]))
}

/** The category and everything below it. */
export function categorySubtree(sql: Sqlite, categoryId: string): string[] {
  return sql
    .all<{ id: string }>(
      `WITH RECURSIVE subtree (id) AS (
         SELECT ? UNION SELECT c.id FROM kb_categories c JOIN subtree s ON c.parent_id = s.id
       ) SELECT id FROM subtree`,
      categoryId,
    )
    .map((row) => row.id)
}

export function kbCategories(sql: Sqlite): KbCategoryView[] {
  const rows = sql.all<{ id: string; name: string; parent_id: string | null; sort: number; direct: number }>(
    `SELECT c.id, c.name, c.parent_id, c.sort, (SELECT count(*) FROM kb_articles a WHERE a.category_id = c.id) AS direct
     FROM kb_categories c ORDER BY c.sort, c.name`,
  )
  // articleCount includes subcategories, as a tree view shows it; computed once over the tree.
  const children = new Map<string, string[]>()
  for (const row of rows) if (row.parent_id !== null) children.set(row.parent_id, [...(children.get(row.parent_id) ?? []), row.id])
  const direct = new Map(rows.map((row) => [row.id, row.direct]))
  const totals = new Map<string, number>()
  const total = (id: string, seen: Set<string>): number => {
    const known = totals.get(id)
    if (known !== undefined) return known
    if (seen.has(id)) return 0 // a cycle in bad data must not hang the worker
    seen.add(id)
    const sum = (direct.get(id) ?? 0) + (children.get(id) ?? []).reduce((acc, child) => acc + total(child, seen), 0)
    totals.set(id, sum)
    return sum
  }
  return rows.map((row) => ({ id: row.id, name: row.name, parentId: row.parent_id, sort: row.sort, articleCount: total(row.id, new Set()) }))
}

interface SignoffState {
  signedVersion: number | null
  delivery: Delivery | null
}

/**
 * What this agent has signed for an article. A local sign-off counts while it is queued or once
 * delivered; one the server rejected does not (the article asks again), but its conflict shows.
 */
function signoffState(sql: Sqlite, articleId: string): SignoffState {
  const synced = sql.get<{ version: number }>('SELECT max(version) AS version FROM kb_signoffs WHERE article_id = ?', articleId)?.version ?? null
  const local = sql.all<{ version: number; status: string | null }>(
    `SELECT l.version, o.status FROM kb_local_signoffs l LEFT JOIN outbox o ON o.op_id = l.op_id
     WHERE l.article_id = ? ORDER BY l.version DESC, o.position DESC`,
    articleId,
  )
  let signedVersion = synced
  for (const row of local) if (row.status !== 'conflict') signedVersion = Math.max(signedVersion ?? 0, row.version)
  const open = local.find((row) => row.status !== null)
  const delivery: Delivery | null = open ? (open.status === 'conflict' ? 'conflict' : 'pending') : signedVersion !== null ? 'sent' : null
  return { signedVersion, delivery }
}

export function getArticle(sql: Sqlite, id: string): KbArticleView | null {
  const row = sql.get<ArticleRow & { category_name: string | null }>(
    `SELECT a.*, b.body, c.name AS category_name FROM kb_articles a JOIN kb_article_bodies b ON b.doc = a.doc
     LEFT JOIN kb_categories c ON c.id = a.category_id WHERE a.id = ?`,
    id,
  )
  if (!row) return null
  const state = signoffState(sql, id)
  return { ...articleRecord(row), attachments: articleAttachments(sql, id), categoryName: row.category_name, signedVersion: state.signedVersion, signoffDelivery: state.delivery }
}

export function pendingSignoffs(sql: Sqlite): PendingSignoff[] {
  return sql.all<PendingSignoff>(
    `SELECT a.id, a.title, a.version, a.updated_at AS updatedAt FROM kb_articles a
     WHERE a.mandatory = 1
       AND NOT EXISTS (SELECT 1 FROM kb_signoffs s WHERE s.article_id = a.id AND s.version >= a.version)
       AND NOT EXISTS (
         SELECT 1 FROM kb_local_signoffs l LEFT JOIN outbox o ON o.op_id = l.op_id
         WHERE l.article_id = a.id AND l.version >= a.version AND (o.status IS NULL OR o.status = 'queued'))
     ORDER BY a.updated_at DESC, a.id`,
  )
}

// --- local action ----------------------------------------------------------------------------

export function recordLocalSignoff(sql: Sqlite, op: Extract<Operation, { type: 'kb.signoff' }>): void {
  const article = sql.get<{ id: string }>('SELECT id FROM kb_articles WHERE id = ?', op.payload.articleId)
  if (!article) throw new AppError('not_found', 'No such article in the knowledge base')
  sql.run(
    'INSERT INTO kb_local_signoffs (op_id, article_id, version, signed_at) VALUES (?, ?, ?, ?)',
    op.id,
    op.payload.articleId,
    op.payload.version,
    op.createdAt,
  )
}

export function discardLocalSignoff(sql: Sqlite, opId: string): void {
  sql.run('DELETE FROM kb_local_signoffs WHERE op_id = ?', opId)
}

export function articleTitle(sql: Sqlite, id: string): string | null {
  return sql.get<{ title: string }>('SELECT title FROM kb_articles WHERE id = ?', id)?.title ?? null
}
