/**
 * Text for the KB search index, and user queries turned into FTS5 expressions.
 *
 * Chinese has no spaces and FTS5's tokenizers either need 3+ characters (trigram) or see a whole
 * sentence as one token (unicode61). So the text handed to unicode61 is rewritten: each run of
 * Chinese characters becomes its overlapping pairs plus its last character alone
 * (申请退款 → 申请 请退 退款 款), separated by spaces; other text is left to unicode61, which
 * splits it into words and folds case and diacritics. Measured against one token per character
 * (see bench/kb-search.ts), pairs make 2–5 character queries several times faster, because a
 * pair's posting list is short where a single common character's is huge, and a phrase of
 * pairs never matches across punctuation (单个字 tokens would let 号，办理 match 号办理).
 */

/** A Han character that unicode61 also treats as part of a token (letters and letter-numbers, not radicals or symbols). */
const HAN = String.raw`(?:(?=[\p{L}\p{Nl}])\p{Script=Han})`
const HAN_CHAR = new RegExp(`^${HAN}$`, 'u')
const HAN_OR_OTHER_RUN = new RegExp(`(${HAN}+)|((?:(?!${HAN})[\\s\\S])+)`, 'gu')
/** What unicode61 keeps as token characters (its default categories L*, N*, Co). */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu
const TOKEN_SEGMENT = new RegExp(`(${HAN}+)|((?:(?!${HAN})[\\p{L}\\p{N}\\p{Co}])+)`, 'gu')

export function isHan(char: string): boolean {
  return HAN_CHAR.test(char)
}

const BLOCK_TAG = /<\/?(?:p|h[1-6]|li|ul|ol|div|br|tr|td|th|table|blockquote)\b[^>]*>/gi
const ANY_TAG = /<\/?[a-zA-Z][^>]*>/g
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

function decodeEntity(_match: string, dec: string | undefined, hex: string | undefined, name: string | undefined): string {
  if (name) return NAMED_ENTITIES[name] ?? ''
  const code = dec ? Number(dec) : Number.parseInt(hex ?? '', 16)
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : ''
}

/**
 * The article body as readable text: tags dropped (block tags become spaces so words of two
 * paragraphs do not run together), entities decoded, whitespace collapsed. Both the index and
 * the snippets use this, so a snippet shows exactly the text that matched.
 */
export function plainText(html: string): string {
  return html.replace(BLOCK_TAG, ' ').replace(ANY_TAG, '').replace(ENTITY, decodeEntity).replace(/\s+/g, ' ').trim()
}

function pairs(run: string, withLast: boolean): string[] {
  const chars = Array.from(run)
  const out: string[] = []
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!)
  if (withLast || chars.length === 1) out.push(chars[chars.length - 1]!)
  return out
}

/** The text as the index sees it: Chinese runs as pairs plus their last character, everything else unchanged. */
export function indexText(text: string): string {
  const normalized = text.normalize('NFKC')
  let out = ''
  for (const match of normalized.matchAll(HAN_OR_OTHER_RUN)) {
    out += match[1] !== undefined ? ` ${pairs(match[1], true).join(' ')} ` : match[2]!
  }
  return out
}

export interface ParsedKbQuery {
  /** FTS5 MATCH expression: every token quoted, so nothing the user typed is read as syntax. */
  match: string
  /** Pieces to highlight, case-folded: each Chinese run and each other word of the query. */
  terms: HighlightTerm[]
}

export interface HighlightTerm {
  text: string
  /** Latin words and numbers are matched as word prefixes (so "port" does not light up inside "report"). */
  wordStart: boolean
}

/** More words than anyone types; a pasted paragraph is cut here rather than becoming a huge expression. */
const MAX_WORDS = 12

/**
 * One word of the query (a run of letters and digits, Chinese or not) as an FTS5 phrase whose
 * tokens mirror indexText. Inside the word, tokens must be adjacent, as in the text. The end of
 * the word is left open, because the agent may still be typing and the text may go on: a final
 * Chinese run omits its run-final single character (the text's run may continue: 退款 in 退款流程),
 * a final run of one character and a final Latin word become prefixes.
 */
function wordToPhrase(word: string, terms: HighlightTerm[]): string {
  const segments = Array.from(word.matchAll(TOKEN_SEGMENT))
  const tokens: string[] = []
  let prefix = false
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1
    if (segment[1] !== undefined) {
      const run = segment[1]
      terms.push({ text: run, wordStart: false })
      const runTokens = pairs(run, !last)
      tokens.push(...runTokens)
      if (last && Array.from(run).length === 1) prefix = true
    } else {
      const other = segment[2]!
      terms.push({ text: other, wordStart: true })
      tokens.push(other)
      if (last) prefix = true
    }
  })
  return `"${tokens.join(' ')}"${prefix ? '*' : ''}`
}

/**
 * Never throws: quotes, `*`, `NEAR`, `OR`, `-`, brackets and emoji are not syntax here, only
 * separators (or ignored), because the expression is rebuilt from letters and digits alone.
 * Returns null when the query has nothing searchable in it.
 */
export function parseKbQuery(input: string): ParsedKbQuery | null {
  const normalized = input.normalize('NFKC').toLowerCase()
  const words = [...new Set(normalized.match(WORD) ?? [])].slice(0, MAX_WORDS)
  if (words.length === 0) return null
  const terms: HighlightTerm[] = []
  const phrases = words.map((word) => wordToPhrase(word, terms))
  const unique = new Map(terms.map((t) => [`${t.wordStart ? 'w' : 'c'}:${t.text}`, t]))
  return { match: phrases.join(' AND '), terms: [...unique.values()] }
}
