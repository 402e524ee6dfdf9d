import { escapeHtml } from './email-html'

export interface QuotedMessage {
  text: string
  authorName: string
  address: string
  at: number
}

const quoteDate = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})

/** "在 2026年11月23日 19:07，张三 <zs@example.com> 写道：" as Chinese mail clients write it. */
export function quoteHeader(quoted: QuotedMessage): string {
  const who = quoted.authorName && quoted.authorName !== quoted.address ? `${quoted.authorName} <${quoted.address}>` : `<${quoted.address}>`
  return `在 ${quoteDate.format(new Date(quoted.at))}，${who} 写道：`
}

/** The quoted history is capped: a thread's tenth round trip does not carry nine copies of itself. */
const MAX_QUOTED_CHARS = 20_000

/** The agent's text with the customer's last message quoted below it, as plain text and simple HTML. */
export function composeReplyBody(text: string, quoted: QuotedMessage | null): { text: string; html: string } {
  const ownHtml = paragraphs(text)
  if (!quoted) return { text, html: wrap(ownHtml) }
  const header = quoteHeader(quoted)
  const quotedText = quoted.text.length > MAX_QUOTED_CHARS ? `${quoted.text.slice(0, MAX_QUOTED_CHARS)}…` : quoted.text
  const plain = `${text}\n\n${header}\n${quotedText.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n')}\n`
  const html = wrap(
    `${ownHtml}<br><div>${escapeHtml(header)}</div>` +
      `<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${paragraphs(quotedText)}</blockquote>`,
  )
  return { text: plain, html }
}

function paragraphs(text: string): string {
  return `<div>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</div>`
}

function wrap(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">${body}</body></html>`
}
