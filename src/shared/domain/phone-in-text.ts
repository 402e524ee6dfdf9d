/**
 * Phone numbers inside free text (a chat message, a QQ message, a plain-text email), so the agent
 * can call a customer back from what they wrote: "我的电话 138-0013-8000，下午打给我".
 * Only shapes that are unmistakably Chinese phone numbers count — a mobile (1[3-9] + 9 digits), a
 * landline with its area code, a 400/800 service number, each optionally behind +86 / 0086 —
 * and never a piece of a longer run of digits (order numbers, amounts, tracking codes).
 */
import { normalizePhone } from './contact-normalize'

export interface PhoneMention {
  /** UTF-16 offsets into the original text. */
  start: number
  end: number
  /** As written. */
  text: string
  /** What to dial (contact-normalize's key: 11-digit mobile, 0 + area code + number). */
  number: string
}

/** Longer messages are scanned only this far: a pasted log is not a list of callbacks. */
const MAX_SCAN = 20_000

const CANDIDATE = new RegExp(
  [
    // Not glued to a preceding digit, letter, plus, dash or dot (part of a longer code).
    String.raw`(?<![\w+\-.])`,
    String.raw`(?:(?:\+|00)86[\s-]?)?`,
    '(?:',
    // Mobile, as one block or grouped 3-4-4.
    String.raw`1[3-9]\d(?:[\s-]?\d{4}){2}`,
    // Landline: area code (with or without parentheses), then 7–8 digits, maybe grouped 3-4 / 4-4.
    String.raw`|(?:0\d{2,3}|\(0\d{2,3}\))[\s-]?\d{3,4}[\s-]?\d{4}`,
    // National service numbers.
    String.raw`|[48]00[\s-]?\d{3}[\s-]?\d{4}`,
    ')',
    // Not followed by more of a code (a sentence's full stop is fine).
    String.raw`(?![\w]|[-.]\d)`,
  ].join(''),
  'g',
)

/**
 * Full-width digits and symbols from Chinese input methods (１３８, ＋, －, the ideographic space)
 * folded one character for one, so offsets still point into the original text.
 */
function foldWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
}

export function findPhoneNumbers(text: string): PhoneMention[] {
  if (typeof text !== 'string' || text === '') return []
  const scanned = foldWidth(text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text)
  const found: PhoneMention[] = []
  for (const match of scanned.matchAll(CANDIDATE)) {
    const start = match.index
    const end = start + match[0].length
    const number = normalizePhone(match[0].replace(/[()]/g, ' '))
    if (number !== null) found.push({ start, end, text: text.slice(start, end), number })
  }
  return found
}

/** The text cut into plain pieces and phone numbers, in order, for rendering. */
export function splitByPhoneNumbers(text: string): Array<string | PhoneMention> {
  const mentions = findPhoneNumbers(text)
  if (mentions.length === 0) return [text]
  const parts: Array<string | PhoneMention> = []
  let at = 0
  for (const m of mentions) {
    if (m.start > at) parts.push(text.slice(at, m.start))
    parts.push(m)
    at = m.end
  }
  if (at < text.length) parts.push(text.slice(at))
  return parts
}
