/**
 * The string form of a OneBot v11 message (message/string.md): plain text with CQ codes such as
 * `[CQ:at,qq=123]` in it. Text escapes `&`, `[` and `]`; parameter values escape `,` as well.
 */
import type { Segment } from './onebot-schemas'

const TEXT_ESCAPES: readonly (readonly [string, string])[] = [
  ['&', '&amp;'],
  ['[', '&#91;'],
  [']', '&#93;'],
]
const VALUE_ESCAPES: readonly (readonly [string, string])[] = [...TEXT_ESCAPES, [',', '&#44;']]

export function escapeCqText(text: string): string {
  return TEXT_ESCAPES.reduce((s, [raw, escaped]) => s.split(raw).join(escaped), text)
}

export function escapeCqValue(value: string): string {
  return VALUE_ESCAPES.reduce((s, [raw, escaped]) => s.split(raw).join(escaped), value)
}

const UNESCAPES: Readonly<Record<string, string>> = { '&amp;': '&', '&#91;': '[', '&#93;': ']', '&#44;': ',' }

/** Plain text outside codes: `&amp;`, `&#91;`, `&#93;` (one pass, so `&amp;#91;` becomes `&#91;`, not `[`). */
export function unescapeCqText(text: string): string {
  return text.replace(/&amp;|&#91;|&#93;/g, (entity) => UNESCAPES[entity] ?? entity)
}

/** A parameter value: `&#44;` as well. */
export function unescapeCqValue(value: string): string {
  return value.replace(/&amp;|&#91;|&#93;|&#44;/g, (entity) => UNESCAPES[entity] ?? entity)
}

/**
 * Parses a CQ-code string into segments. Per the spec, a code's type runs from `[CQ:` to the first
 * `,` or `]`, its parameters from there to `]`, split at `,`, each name ending at its first `=`.
 * An unterminated `[CQ:` is kept as text, so nothing the customer wrote is lost.
 */
export function parseCqString(message: string): Segment[] {
  const segments: Segment[] = []
  let text = ''
  const flushText = () => {
    if (text !== '') segments.push({ type: 'text', data: { text: unescapeCqText(text) } })
    text = ''
  }
  let i = 0
  while (i < message.length) {
    const start = message.indexOf('[CQ:', i)
    if (start < 0) {
      text += message.slice(i)
      break
    }
    const end = message.indexOf(']', start)
    if (end < 0) {
      text += message.slice(i)
      break
    }
    text += message.slice(i, start)
    const body = message.slice(start + 4, end)
    const [type = '', ...params] = body.split(',')
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(type)) {
      // Not a code after all (the text held a stray, unescaped "[CQ:"): keep it as written.
      text += message.slice(start, end + 1)
      i = end + 1
      continue
    }
    flushText()
    const data: Record<string, string> = {}
    for (const param of params) {
      const eq = param.indexOf('=')
      if (eq <= 0) continue
      data[param.slice(0, eq)] = unescapeCqValue(param.slice(eq + 1))
    }
    segments.push({ type, data })
    i = end + 1
  }
  flushText()
  return segments
}

/** The string form of segments (used for logs and by tests; the server sends segment arrays). */
export function formatCqString(segments: readonly Segment[]): string {
  return segments
    .map((segment) => {
      if (segment.type === 'text') return escapeCqText(segment.data['text'] ?? '')
      const params = Object.entries(segment.data).map(([key, value]) => `,${key}=${escapeCqValue(value)}`)
      return `[CQ:${segment.type}${params.join('')}]`
    })
    .join('')
}
