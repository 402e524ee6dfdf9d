/**
 * Highlighting in JS on the original text, so the pieces concatenate back to exactly what is
 * shown and nothing is ever rendered as HTML. Matching is on a folded copy (NFKC, lower case,
 * no diacritics, like the index) with a map back to the original positions.
 */
import type { HighlightedText } from '../../../shared/ipc/views'
import type { HighlightTerm } from './kb-text'

/** Characters of context shown in a body snippet. */
export const SNIPPET_LENGTH = 72
/** How much of the snippet comes before the first hit. */
const LEAD = 16
/** How much of a body is searched for the first hit before the rest is. */
const SCAN_FIRST = 4_096

interface Folded {
  text: string
  /** For each UTF-16 index of `text`: start and end (UTF-16) of the original character it came from. */
  start: number[]
  end: number[]
}

function foldChar(char: string): string {
  const code = char.charCodeAt(0)
  // Fast paths for what bodies are made of: ASCII and the main CJK block need no normalising.
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : char
  if (code >= 0x4e00 && code <= 0x9fff) return char
  const nfkc = char.normalize('NFKC')
  // Only Latin-like letters lose their diacritics; decomposing Hangul or kana would change them.
  const bare = /[\u00c0-\u024f\u1e00-\u1eff]/u.test(nfkc) ? nfkc.normalize('NFD').replace(/\p{M}/gu, '') : nfkc
  return bare.toLowerCase()
}

function fold(original: string, from = 0, to = original.length): Folded {
  let text = ''
  const start: number[] = []
  const end: number[] = []
  let i = from
  while (i < to) {
    const code = original.codePointAt(i)!
    const width = code > 0xffff ? 2 : 1
    const folded = foldChar(original.slice(i, i + width))
    text += folded
    for (let k = 0; k < folded.length; k++) {
      start.push(i)
      end.push(i + width)
    }
    i += width
  }
  return { text, start, end }
}

const WORD_CHAR = /[\p{L}\p{N}]/u

/** Hit ranges [start, end) in the original text, sorted; overlapping ones merged, adjacent ones kept apart (办理办理 is two hits). */
function findHits(original: string, terms: readonly HighlightTerm[], from = 0, to = original.length): Array<[number, number]> {
  if (terms.length === 0 || from >= to) return []
  const folded = fold(original, from, to)
  // The character before the window decides whether a word starts at its first position.
  const before = from > 0 ? foldChar(original.slice(from - 1, from)) : ''
  const ranges: Array<[number, number]> = []
  for (const term of terms) {
    if (term.text === '') continue
    for (let at = folded.text.indexOf(term.text); at !== -1; at = folded.text.indexOf(term.text, at + 1)) {
      const previous = at > 0 ? folded.text[at - 1]! : before
      if (term.wordStart && previous !== '' && WORD_CHAR.test(previous)) continue
      ranges.push([folded.start[at]!, folded.end[at + term.text.length - 1]!])
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const merged: Array<[number, number]> = []
  for (const range of ranges) {
    const last = merged[merged.length - 1]
    if (last && range[0] < last[1]) last[1] = Math.max(last[1], range[1])
    else merged.push([...range])
  }
  return merged
}

function piecesOf(text: string, hits: ReadonlyArray<readonly [number, number]>, from: number, to: number): HighlightedText {
  const pieces: HighlightedText = []
  let at = from
  for (const [start, end] of hits) {
    const s = Math.max(start, from)
    const e = Math.min(end, to)
    if (e <= s) continue
    if (s > at) pieces.push({ text: text.slice(at, s), hit: false })
    pieces.push({ text: text.slice(s, e), hit: true })
    at = e
  }
  if (at < to) pieces.push({ text: text.slice(at, to), hit: false })
  return pieces
}

/** The whole text with every occurrence of every term marked. */
export function highlightAll(text: string, terms: readonly HighlightTerm[]): HighlightedText {
  if (text === '') return []
  return piecesOf(text, findHits(text, terms), 0, text.length)
}

/** Moves an index off the second half of a surrogate pair. */
function codePointBoundary(text: string, index: number): number {
  const code = text.charCodeAt(index)
  return index > 0 && index < text.length && code >= 0xdc00 && code <= 0xdfff ? index - 1 : index
}

/**
 * A window of about SNIPPET_LENGTH characters of `text` around the first hit, every hit in it
 * marked; the start of the text when nothing matches. The pieces are a substring of `text`.
 */
export function snippetOf(text: string, terms: readonly HighlightTerm[], length = SNIPPET_LENGTH): HighlightedText {
  if (text === '') return []
  // Fold only the start of a long body first; most first hits are early.
  let first = findHits(text, terms, 0, Math.min(text.length, SCAN_FIRST))[0]
  if (!first && text.length > SCAN_FIRST) first = findHits(text, terms)[0]
  let from = first ? Math.max(0, first[0] - LEAD) : 0
  const to = codePointBoundary(text, Math.min(text.length, from + length))
  if (to - from < length) from = Math.max(0, to - length)
  from = codePointBoundary(text, from)
  return piecesOf(text, findHits(text, terms, from, to), from, to)
}
