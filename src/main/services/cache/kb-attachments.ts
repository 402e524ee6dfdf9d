/**
 * KB attachments and version history in the cache. The list of an article's files comes with the
 * article (sync); their bytes are fetched after sync by the main process and stored here, so an
 * agent opens them offline. A version history is stored as last fetched from the server.
 */
import { AttachmentRefSchema, type AttachmentRef } from '../../../shared/domain/conversations'
import type { KbArticleRecord } from '../../../shared/domain/records'
import { AppError } from '../../../shared/errors'
import { KbArticleHistorySchema, type KbArticleHistory } from '../../../shared/protocol/kb-api'
import { parseOrThrow } from '../../../shared/validation'
import type { Sqlite } from './sqlite'

export interface AttachmentFile extends AttachmentRef {
  dataBase64: string
}

export function storeArticleAttachments(sql: Sqlite, record: KbArticleRecord): void {
  const listed = sql.run('DELETE FROM kb_article_attachments WHERE article_id = ?', record.id).changes
  record.attachments.forEach((a, position) =>
    sql.run('INSERT INTO kb_article_attachments (article_id, position, id, name, mime, size) VALUES (?, ?, ?, ?, ?, ?)', record.id, position, a.id, a.name, a.mime, a.size),
  )
  // Most articles have no files: an initial sync of 100,000 of them skips the prune entirely.
  if (listed > 0) pruneKbFiles(sql)
}

/** The article is gone (deleted, or no longer for this agent): its files and history go too. */
export function forgetArticleExtras(sql: Sqlite, articleId: string): void {
  const listed = sql.run('DELETE FROM kb_article_attachments WHERE article_id = ?', articleId).changes
  sql.run('DELETE FROM kb_article_versions WHERE article_id = ?', articleId)
  sql.run('DELETE FROM kb_article_history_fetched WHERE article_id = ?', articleId)
  if (listed > 0) pruneKbFiles(sql)
}

export function clearKbExtras(sql: Sqlite): void {
  sql.run('DELETE FROM kb_article_attachments')
  sql.run('DELETE FROM kb_article_versions')
  sql.run('DELETE FROM kb_article_history_fetched')
  sql.run("DELETE FROM attachment_files WHERE kind = 'kb'")
}

function pruneKbFiles(sql: Sqlite): void {
  sql.run("DELETE FROM attachment_files WHERE kind = 'kb' AND id NOT IN (SELECT id FROM kb_article_attachments)")
}

export function articleAttachments(sql: Sqlite, articleId: string): AttachmentRef[] {
  return sql.all<AttachmentRef>('SELECT id, name, mime, size FROM kb_article_attachments WHERE article_id = ? ORDER BY position', articleId)
}

/** KB files listed by some article whose bytes this desktop does not have yet. */
export function missingKbAttachments(sql: Sqlite, limit: number): AttachmentRef[] {
  return sql.all<AttachmentRef>(
    `SELECT id, min(name) AS name, min(mime) AS mime, min(size) AS size FROM kb_article_attachments
     WHERE id NOT IN (SELECT id FROM attachment_files) GROUP BY id ORDER BY id LIMIT ?`,
    limit,
  )
}

export function attachmentFile(sql: Sqlite, id: string): AttachmentFile | null {
  const row = sql.get<AttachmentRef & { data: Buffer }>('SELECT id, name, mime, size, data FROM attachment_files WHERE id = ?', id)
  if (!row) return null
  return { id: row.id, name: row.name, mime: row.mime, size: row.size, dataBase64: Buffer.from(row.data).toString('base64') }
}

/** Stores downloaded bytes; they must be the file the ref describes (size), or nothing is stored. */
export function storeAttachmentFile(sql: Sqlite, refInput: unknown, data: unknown, now: number): void {
  const ref = parseOrThrow(AttachmentRefSchema, refInput, 'attachment')
  if (!(data instanceof Uint8Array)) throw new AppError('invalid_argument', 'The attachment bytes must be a Uint8Array')
  if (data.byteLength !== ref.size) throw new AppError('invalid_argument', `The attachment has ${data.byteLength} bytes, not the ${ref.size} it should have`)
  const kind = sql.get<{ id: string }>('SELECT id FROM kb_article_attachments WHERE id = ? LIMIT 1', ref.id) ? 'kb' : 'other'
  sql.run(
    `INSERT INTO attachment_files (id, name, mime, size, kind, data, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, mime = excluded.mime, size = excluded.size, kind = excluded.kind, data = excluded.data, stored_at = excluded.stored_at`,
    ref.id,
    ref.name,
    ref.mime,
    ref.size,
    kind,
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    now,
  )
}

interface VersionRow {
  version: number
  title: string
  body: string
  tags: string
  edited_by_id: string | null
  edited_by_name: string | null
  at: number
}

/** The history as last fetched, or null if it was never fetched on this desktop. */
export function kbVersions(sql: Sqlite, articleId: string): KbArticleHistory | null {
  if (!sql.get('SELECT article_id FROM kb_article_history_fetched WHERE article_id = ?', articleId)) return null
  const rows = sql.all<VersionRow>('SELECT * FROM kb_article_versions WHERE article_id = ? ORDER BY version DESC', articleId)
  return {
    articleId,
    versions: rows.map((r) => ({
      version: r.version,
      title: r.title,
      body: r.body,
      tags: JSON.parse(r.tags) as string[],
      editedBy: r.edited_by_id !== null && r.edited_by_name !== null ? { id: r.edited_by_id, name: r.edited_by_name } : null,
      at: r.at,
    })),
  }
}

/** Replaces the stored history of the article with the server's; only for articles this desktop has. */
export function storeKbVersions(sql: Sqlite, input: unknown, now: number): void {
  const history = parseOrThrow(KbArticleHistorySchema, input, 'article history')
  if (!sql.get('SELECT id FROM kb_articles WHERE id = ?', history.articleId)) return
  sql.run('DELETE FROM kb_article_versions WHERE article_id = ?', history.articleId)
  for (const v of history.versions) {
    sql.run(
      'INSERT OR REPLACE INTO kb_article_versions (article_id, version, title, body, tags, edited_by_id, edited_by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      history.articleId,
      v.version,
      v.title,
      v.body,
      JSON.stringify(v.tags),
      v.editedBy?.id ?? null,
      v.editedBy?.name ?? null,
      v.at,
    )
  }
  sql.run('INSERT OR REPLACE INTO kb_article_history_fetched (article_id, fetched_at) VALUES (?, ?)', history.articleId, now)
}
