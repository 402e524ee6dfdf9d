/**
 * What changed between two versions of an article's text, for the history view: a longest common
 * subsequence over tokens. Chinese is compared character by character (it has no spaces), other
 * text word by word with its spacing, so an edit shows as the few characters or words it touched.
 */

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string }

/** Past this many table cells (old × new tokens) the texts are compared line by line instead. */
const MAX_CELLS = 4_000_000

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}'
const TOKEN = new RegExp(`[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{N}_])+|\\s+|[^\\s\\p{L}\\p{N}_]`, 'gu')

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? []
}

export function diffText(before: string, after: string): DiffPart[] {
  const a = tokenize(before)
  const b = tokenize(after)
  if (a.length * b.length > MAX_CELLS) return merge(diffTokens(splitLines(before), splitLines(after)))
  return merge(diffTokens(a, b))
}

function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

function diffTokens(a: readonly string[], b: readonly string[]): DiffPart[] {
  // The common head and tail need no table: most edits touch a small part of a long text.
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const head: DiffPart[] = a.slice(0, start).map((text) => ({ kind: 'same', text }))
  const tail: DiffPart[] = a.slice(endA).map((text) => ({ kind: 'same', text }))
  const midA = a.slice(start, endA)
  const midB = b.slice(start, endB)
  const rows = midA.length
  const cols = midB.length
  if (rows * cols > MAX_CELLS) {
    // Still too long for a table: show the middle as replaced.
    return [...head, ...midA.map((text) => ({ kind: 'removed' as const, text })), ...midB.map((text) => ({ kind: 'added' as const, text })), ...tail]
  }
  // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
  const width = cols + 1
  const lcs = new Uint32Array((rows + 1) * width)
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      lcs[i * width + j] = midA[i] === midB[j] ? (lcs[(i + 1) * width + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number)
    }
  }
  const middle: DiffPart[] = []
  let i = 0
  let j = 0
  while (i < rows && j < cols) {
    if (midA[i] === midB[j]) {
      middle.push({ kind: 'same', text: midA[i] as string })
      i++
      j++
    } else if ((lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number)) {
      middle.push({ kind: 'removed', text: midA[i++] as string })
    } else {
      middle.push({ kind: 'added', text: midB[j++] as string })
    }
  }
  while (i < rows) middle.push({ kind: 'removed', text: midA[i++] as string })
  while (j < cols) middle.push({ kind: 'added', text: midB[j++] as string })
  return [...head, ...middle, ...tail]
}

/** Neighbouring parts of one kind become one, so the view renders a few spans, not one per character. */
function merge(parts: readonly DiffPart[]): DiffPart[] {
  const merged: DiffPart[] = []
  for (const part of parts) {
    const last = merged[merged.length - 1]
    if (last && last.kind === part.kind) last.text += part.text
    else merged.push({ ...part })
  }
  return merged
}

/** Whether anything changed at all. */
export function hasChanges(parts: readonly DiffPart[]): boolean {
  return parts.some((p) => p.kind !== 'same')
}
