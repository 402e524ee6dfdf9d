/**
 * KB search: filters and visibility in SQL, matching in FTS5 (see kb-text.ts for the index),
 * title matches first, snippets and highlights in JS on the original text.
 *
 * Ranking in two tiers: articles whose title contains every word of the query come first,
 * ranked by bm25 over the small title index; then the rest, ranked by bm25 over title and body
 * with the title weighted 10× (a title holding some of the words still helps). The second tier
 * is only ranked when the page reaches past the first, so a one-character query that matches a
 * third of the KB ranks a few thousand titles, not 30,000 bodies. The total is one count over
 * the full index.
 */
import type { KbHit, KbSearchInput, KbSearchResult } from '../../../shared/ipc/views'
import { highlightAll, snippetOf } from './highlight'
import { articleRecord, categoryNames, categorySubtree, type ArticleRow } from './kb-store'
import { parseKbQuery, plainText, type HighlightTerm } from './kb-text'
import type { Sqlite } from './sqlite'

export const DEFAULT_KB_LIMIT = 20
const TITLE_WEIGHT = 10
const BODY_WEIGHT = 1

interface Filters {
  /** SQL conditions on `a` (kb_articles), joined with AND. */
  where: string[]
  params: string[]
}

function filtersFor(sql: Sqlite, input: KbSearchInput, skillGroupIds: readonly string[]): Filters {
  // Articles limited to a skill group the agent is not in are invisible; null is for everyone.
  const where = ['(a.skill_group_id IS NULL OR a.skill_group_id IN (SELECT value FROM json_each(?)))']
  const params = [JSON.stringify(skillGroupIds)]
  if (input.categoryId !== undefined) {
    where.push('a.category_id IN (SELECT value FROM json_each(?))')
    params.push(JSON.stringify(categorySubtree(sql, input.categoryId)))
  }
  if (input.tag !== undefined) {
    where.push('a.doc IN (SELECT doc FROM kb_article_tags WHERE tag = ?)')
    params.push(input.tag)
  }
  if (input.mandatoryOnly) where.push('a.mandatory = 1')
  return { where, params }
}

interface Page {
  docs: number[]
  total: number
}

/** No query: the filtered articles, newest first. */
function listPage(sql: Sqlite, filters: Filters, offset: number, limit: number): Page {
  const where = filters.where.join(' AND ')
  const total = sql.get<{ n: number }>(`SELECT count(*) AS n FROM kb_articles a WHERE ${where}`, ...filters.params)?.n ?? 0
  const docs = sql
    .all<{ doc: number }>(`SELECT a.doc FROM kb_articles a WHERE ${where} ORDER BY a.updated_at DESC, a.doc DESC LIMIT ? OFFSET ?`, ...filters.params, limit, offset)
    .map((row) => row.doc)
  return { docs, total }
}

function searchPage(sql: Sqlite, match: string, filters: Filters, offset: number, limit: number): Page {
  const where = filters.where.join(' AND ')
  const total =
    sql.get<{ n: number }>(`SELECT count(*) AS n FROM kb_fts f JOIN kb_articles a ON a.doc = f.rowid WHERE kb_fts MATCH ? AND ${where}`, match, ...filters.params)?.n ?? 0
  if (total === 0) return { docs: [], total }

  // bm25 cannot sit beside a window function, so the ranked rows are a subquery and the tier's size comes with the page.
  const titleRows = sql.all<{ doc: number; n: number }>(
    `SELECT doc, count(*) OVER () AS n FROM (
       SELECT t.rowid AS doc, bm25(kb_title_fts) AS score, a.updated_at AS updated_at
       FROM kb_title_fts t JOIN kb_articles a ON a.doc = t.rowid
       WHERE kb_title_fts MATCH ? AND ${where}
     ) ORDER BY score, updated_at DESC, doc LIMIT ? OFFSET ?`,
    match,
    ...filters.params,
    limit,
    offset,
  )
  let titleCount = titleRows[0]?.n
  if (titleCount === undefined) {
    // The page lies beyond the title tier (or the tier is empty): its size is still needed to offset into the rest.
    titleCount =
      sql.get<{ n: number }>(`SELECT count(*) AS n FROM kb_title_fts t JOIN kb_articles a ON a.doc = t.rowid WHERE kb_title_fts MATCH ? AND ${where}`, match, ...filters.params)
        ?.n ?? 0
  }
  const docs = titleRows.map((row) => row.doc)
  const end = offset + limit
  if (end > titleCount && docs.length < limit) {
    const bodyOffset = Math.max(0, offset - titleCount)
    const bodyLimit = end - Math.max(offset, titleCount)
    const bodyRows = sql.all<{ doc: number }>(
      `SELECT f.rowid AS doc FROM kb_fts f JOIN kb_articles a ON a.doc = f.rowid
       WHERE kb_fts MATCH ? AND ${where} AND f.rowid NOT IN (SELECT rowid FROM kb_title_fts WHERE kb_title_fts MATCH ?)
       ORDER BY bm25(kb_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}), a.updated_at DESC, f.rowid LIMIT ? OFFSET ?`,
      match,
      ...filters.params,
      match,
      bodyLimit,
      bodyOffset,
    )
    docs.push(...bodyRows.map((row) => row.doc))
  }
  return { docs, total }
}

function hitsFor(sql: Sqlite, docs: readonly number[], terms: readonly HighlightTerm[]): KbHit[] {
  if (docs.length === 0) return []
  const rows = sql.all<ArticleRow>('SELECT * FROM kb_articles WHERE doc IN (SELECT value FROM json_each(?))', JSON.stringify(docs))
  const byDoc = new Map(rows.map((row) => [row.doc, row]))
  const names = categoryNames(sql)
  const hits: KbHit[] = []
  for (const doc of docs) {
    const row = byDoc.get(doc)
    if (!row) continue
    const record = articleRecord(row)
    hits.push({
      id: record.id,
      title: highlightAll(record.title, terms),
      snippet: snippetOf(plainText(record.body), terms),
      categoryId: record.categoryId,
      categoryName: names.get(record.categoryId) ?? null,
      tags: record.tags,
      mandatory: record.mandatory,
      updatedAt: record.updatedAt,
    })
  }
  return hits
}

export function searchKb(sql: Sqlite, input: KbSearchInput, skillGroupIds: readonly string[]): KbSearchResult {
  const started = performance.now()
  const limit = input.limit ?? DEFAULT_KB_LIMIT
  const offset = input.offset ?? 0
  const filters = filtersFor(sql, input, skillGroupIds)
  let page: Page
  let terms: HighlightTerm[] = []
  if (input.query.trim() === '') {
    page = listPage(sql, filters, offset, limit)
  } else {
    const parsed = parseKbQuery(input.query)
    // Only punctuation, symbols or emoji: nothing in the KB can match them.
    if (!parsed) return { hits: [], total: 0, tookMs: performance.now() - started }
    terms = parsed.terms
    page = searchPage(sql, parsed.match, filters, offset, limit)
  }
  const hits = hitsFor(sql, page.docs, terms)
  return { hits, total: page.total, tookMs: Math.round((performance.now() - started) * 100) / 100 }
}
