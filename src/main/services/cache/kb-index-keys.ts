/**
 * How articles are keyed in the two FTS tables, so that the common searches never leave the
 * index (a join to kb_articles costs about a microsecond per match: 30 ms for a one-character
 * query matching a third of 100,000 articles).
 *
 * - Visibility is a token in a `vis` column: restricted articles carry one token per skill group
 *   (`v` + a hash of its id); everyone's articles carry none. An agent's search adds
 *   `NOT {vis} : (…)` for the groups the agent is not in.
 * - The title index's rowid is its ranking: shorter titles first (for a phrase found once in a
 *   title, bm25 only depends on the title's length), newer documents first among equals. The
 *   title tier is then `ORDER BY rowid LIMIT n`, which FTS5 answers by walking the match list in
 *   order and stopping after n, however many titles match.
 */
import { createHash } from 'node:crypto'

/** Document numbers (kb_articles.doc) stay below this; the title key keeps them in its low bits. */
const DOC_SPACE = 2 ** 33
/** Titles longer than this rank together (the schema allows 500 characters). */
const MAX_RANKED_TITLE = 1023

export function titleKey(doc: number, title: string): number {
  const length = Math.min(Array.from(title).length, MAX_RANKED_TITLE)
  return length * DOC_SPACE + (DOC_SPACE - 1 - doc)
}

/** SQL expression turning a title key (column or parameter) back into its document number. */
export function docOfTitleKeySql(key: string): string {
  return `(${DOC_SPACE - 1} - (${key} % ${DOC_SPACE}))`
}

export function docOfTitleKey(key: number): number {
  return DOC_SPACE - 1 - (key % DOC_SPACE)
}

/** A single unicode61 token (letters and digits) for a skill group id of any shape. */
export function visibilityToken(skillGroupId: string): string {
  return `v${createHash('sha256').update(skillGroupId).digest('hex').slice(0, 16)}`
}

/** `vis` column text of an article. */
export function visibilityText(skillGroupId: string | null): string {
  return skillGroupId === null ? '' : visibilityToken(skillGroupId)
}
