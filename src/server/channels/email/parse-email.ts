import { createHash } from 'node:crypto'
import { simpleParser, type HeaderValue, type ParsedMail } from 'mailparser'
import type { HeaderLookup } from './auto-reply'
import { sanitizeEmailHtml, textOfSafeHtml } from './email-html'
import { firstMessageId, messageIdsOf } from './threading'

/** What the email channel needs from one message, decoded (charsets, RFC 2047/2231) and sanitised. */
export interface ParsedEmail {
  /** `<…>`; made up from the content when the sender gave none, so a second read finds the same id. */
  messageId: string
  hasOwnMessageId: boolean
  inReplyTo: string[]
  references: string[]
  subject: string
  from: { address: string; name: string } | null
  date: Date | null
  text: string
  html: string | null
  attachments: ParsedAttachment[]
  header: HeaderLookup
}

export interface ParsedAttachment {
  name: string
  mime: string
  data: Buffer
}

/** The text part kept for a message (MessageRecord allows 100,000 characters). */
export const MAX_TEXT_CHARS = 100_000

export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const mail = await simpleParser(raw, {
    // html-to-text on megabytes of markup takes seconds; beyond this the text part is all we use.
    // Text for HTML-only mail is made from the sanitised HTML below, not from the raw markup.
    skipHtmlToText: true,
    skipImageLinks: true,
    skipTextLinks: true,
  })
  const header = headerLookup(mail)
  const own = firstMessageId(mail.messageId)
  const from = mail.from?.value.find((a) => a.address && a.address.includes('@'))
  const html = sanitizeEmailHtml(mail.html)
  const plain = mail.text?.trim() ? mail.text : html ? textOfSafeHtml(html) : mail.html ? '【系统提示】这封邮件的 HTML 正文过大，未能导入。' : ''
  const text = truncate(plain.replace(/\r\n/g, '\n').trim(), MAX_TEXT_CHARS)
  return {
    messageId: own ?? syntheticMessageId(raw),
    hasOwnMessageId: own !== null,
    inReplyTo: messageIdsOf(mail.inReplyTo),
    references: messageIdsOf(mail.references),
    subject: (mail.subject ?? '').replace(/[\r\n]+/g, ' ').trim().slice(0, 500),
    from: from?.address ? { address: from.address.trim().toLowerCase().slice(0, 254), name: (from.name ?? '').trim().slice(0, 200) } : null,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    text,
    html,
    attachments: mail.attachments.map((a, i) => ({
      name: a.filename?.trim() || defaultName(a.contentType, i),
      mime: (a.contentType || 'application/octet-stream').toLowerCase(),
      data: a.content,
    })),
    header,
  }
}

function headerLookup(mail: ParsedMail): HeaderLookup {
  return (name) => {
    const value = mail.headers.get(name.toLowerCase())
    return value === undefined ? undefined : headerText(value)
  }
}

/** mailparser's structured header values (content-type objects, address lists, dates) as text. */
function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
  if (typeof value === 'object' && value !== null && 'value' in value) {
    const structured = value as { value: unknown; params?: Record<string, string> }
    if (typeof structured.value === 'string') {
      const params = Object.entries(structured.params ?? {}).map(([k, v]) => `; ${k}=${v}`).join('')
      return structured.value + params
    }
  }
  if (typeof value === 'object' && value !== null && 'text' in value) return String((value as { text: unknown }).text)
  return JSON.stringify(value)
}

const SYNTHETIC_DOMAIN = '@no-message-id.invalid>'

function syntheticMessageId(raw: Buffer): string {
  return `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}${SYNTHETIC_DOMAIN}`
}

/** Ids we made up for mail that had none: nobody else knows them, so they never go into headers. */
export function isSyntheticMessageId(id: string): boolean {
  return id.endsWith(SYNTHETIC_DOMAIN)
}

function defaultName(mime: string | undefined, index: number): string {
  const ext = (mime ?? '').split('/')[1]?.replace(/[^a-z0-9]/gi, '').slice(0, 8)
  return `attachment-${index + 1}${ext ? `.${ext}` : ''}`
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 20)}\n…（内容过长，已截断）` : text
}
