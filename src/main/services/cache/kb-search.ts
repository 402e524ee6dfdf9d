/**
 * KB search: matching, visibility and ranking in FTS5 (see kb-text.ts and kb-index-keys.ts),
 * optional filters in SQL, snippets and highlights in JS on the original text.
 *
 * Two tiers: articles whose title contains every word of the query come first, shortest title
 * first, read in order straight off the title index (no ranking pass, however many titles
 * match); then the rest, ranked by bm25 over title and body with the title weighted 10× (a title
 * holding some of the words still helps). The second tier is only ranked when a page reaches
 * it, and a tier of more than BODY_RANK_LIMIT weak matches (a common character found in bodies)
 * is listed newest first instead of being ranked at ~2 µs per match. The total is one count.
 */
import type { KbHit, KbSearchInput, KbSearchResult } from '../../../shared/ipc/views'
import { highlightAll, snippetOf } from './highlight'
import { docOfTitleKey, docOfTitleKeySql, visibilityToken } from './kb-index-keys'
import { articleRecord, articleRows, categoryNames, categorySubtree } from './kb-store'
import { parseKbQuery, plainText, type HighlightTerm } from './kb-text'
import type { Sqlite } from './sqlite'

export const DEFAULT_KB_LIMIT = 20
const TITLE_WEIGHT = 10
const BODY_WEIGHT = 1
/** Past this many body-only matches, bm25 costs more than it tells apart. */
const BODY_RANK_LIMIT = 5_000

interface Filters {
  /** SQL conditions on `a` (kb_articles), joined with AND; empty when only visibility applies. */
  where: string[]
  params: string[]
}

/** Category (with its subcategories), tag and mandatory: the filters the agent chose. */
function optionalFilters(sql: Sqlite, input: KbSearchInput): Filters {
  const where: string[] = []
  const params: string[] = []
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

/** Articles limited to a skill group the agent is not in are invisible; null is for everyone. */
function visibilitySql(skillGroupIds: readonly string[]): Filters {
  return { where: ['(a.skill_group_id IS NULL OR a.skill_group_id IN (SELECT value FROM json_each(?)))'], params: [JSON.stringify(skillGroupIds)] }
}

/** The same rule inside FTS5: NOT the tokens of the groups the KB has and the agent lacks. */
function visibilityMatch(sql: Sqlite, skillGroupIds: readonly string[]): string {
  const mine = new Set(skillGroupIds)
  const hidden = sql
    .all<{ id: string }>('SELECT DISTINCT skill_group_id AS id FROM kb_articles WHERE skill_group_id IS NOT NULL')
    .filter((row) => !mine.has(row.id))
    .map((row) => visibilityToken(row.id))
  return hidden.length === 0 ? '' : ` NOT {vis} : (${hidden.join(' OR ')})`
}

interface Page {
  docs: number[]
  total: number
}

/** No query: the filtered articles, newest first. */
function listPage(sql: Sqlite, input: KbSearchInput, skillGroupIds: readonly string[], offset: number, limit: number): Page {
  const optional = optionalFilters(sql, input)
  const visibility = visibilitySql(skillGroupIds)
  const where = [...visibility.where, ...optional.where].join(' AND ')
  const params = [...visibility.params, ...optional.params]
  const total = sql.get<{ n: number }>(`SELECT count(*) AS n FROM kb_articles a WHERE ${where}`, ...params)?.n ?? 0
  const docs = sql
    .all<{ doc: number }>(`SELECT a.doc FROM kb_articles a WHERE ${where} ORDER BY a.updated_at DESC, a.doc DESC LIMIT ? OFFSET ?`, ...params, limit, offset)
    .map((row) => row.doc)
  return { docs, total }
}

/** `FROM` and `WHERE` over one FTS table, joining the articles only when a filter needs them. */
function matching(table: 'kb_fts' | 'kb_title_fts', docSql: string, filters: Filters): { from: string; where: string } {
  if (filters.where.length === 0) return { from: `${table} f`, where: `${table} MATCH ?` }
  return { from: `${table} f JOIN kb_articles a ON a.doc = ${docSql}`, where: `${table} MATCH ? AND ${filters.where.join(' AND ')}` }
}

/** `words`: the parsed query; `visibility`: the NOT clause of hidden groups (or ''). */
function searchPage(sql: Sqlite, words: string, visibility: string, filters: Filters, offset: number, limit: number): Page {
  const query = `(${words})${visibility}`
  const all = matching('kb_fts', 'f.rowid', filters)
  const total = sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${all.from} WHERE ${all.where}`, query, ...filters.params)?.n ?? 0
  if (total === 0) return { docs: [], total }

  const titles = matching('kb_title_fts', docOfTitleKeySql('f.rowid'), filters)
  const docs = sql
    .all<{ key: number }>(`SELECT f.rowid AS key FROM ${titles.from} WHERE ${titles.where} ORDER BY f.rowid LIMIT ? OFFSET ?`, query, ...filters.params, limit, offset)
    .map((row) => docOfTitleKey(row.key))
  const end = offset + limit
  if (docs.length === limit) return { docs, total }

  // The page reaches past the title tier: its size says where the body tier starts.
  const titleCount = sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${titles.from} WHERE ${titles.where}`, query, ...filters.params)?.n ?? 0
  const bodyOnly = `(${words}) NOT ({title} : (${words}))${visibility}`
  const order = total - titleCount > BODY_RANK_LIMIT ? 'f.rowid DESC' : `bm25(kb_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}, 0), f.rowid DESC`
  const rows = sql.all<{ doc: number }>(
    `SELECT f.rowid AS doc FROM ${all.from} WHERE ${all.where} ORDER BY ${order} LIMIT ? OFFSET ?`,
    bodyOnly,
    ...filters.params,
    end - Math.max(offset, titleCount),
    Math.max(0, offset - titleCount),
  )
  docs.push(...rows.map((row) => row.doc))
  return { docs, total }
}
function hitsFor(sql: Sqlite, docs: readonly number[], terms: readonly HighlightTerm[]): KbHit[] {
  if (docs.length === 0) return []
  const rows = articleRows(sql, docs)
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
  let page: Page
  let terms: HighlightTerm[] = []
  if (input.query.trim() === '') {
    page = listPage(sql, input, skillGroupIds, offset, limit)
  } else {
    const parsed = parseKbQuery(input.query)
    // Only punctuation, symbols or emoji: nothing in the KB can match them.
    if (!parsed) return { hits: [], total: 0, tookMs: performance.now() - started }
    terms = parsed.terms
    page = searchPage(sql, parsed.match, visibilityMatch(sql, skillGroupIds), optionalFilters(sql, input), offset, limit)
  }
  const hits = hitsFor(sql, page.docs, terms)
  return { hits, total: page.total, tookMs: Math.round((performance.now() - started) * 100) / 100 }
}
