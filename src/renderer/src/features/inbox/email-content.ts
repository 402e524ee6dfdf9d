import createDOMPurify from 'dompurify'

/**
 * An email's HTML part is sanitised by the server and again here before display. Kept: text
 * structure and tables; dropped: scripts, styles, forms, images (remote images track the
 * reader), event handlers and every URL that is not http(s) or mailto. Links open outside the app.
 */
const ALLOWED_TAGS = [
  'p', 'div', 'span', 'br', 'hr', 'b', 'strong', 'i', 'em', 'u', 's', 'small', 'sub', 'sup',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote', 'pre', 'code', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'a', 'font', 'center',
]
const ALLOWED_ATTR = ['href', 'colspan', 'rowspan', 'class']
const SAFE_LINK = /^(?:https?:|mailto:)/i

const purify = createDOMPurify(window)
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName !== 'A') return
  const href = node.getAttribute('href')
  if (href === null || !SAFE_LINK.test(href.trim())) {
    node.removeAttribute('href')
    return
  }
  node.setAttribute('target', '_blank')
  node.setAttribute('rel', 'noopener noreferrer')
})

export function sanitizeEmailHtml(html: string): string {
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: SAFE_LINK,
    KEEP_CONTENT: true,
  })
}

/** Where a reply's quoted history starts, as mail programs mark it (Gmail, Outlook, QQ Mail, Foxmail, Apple Mail). */
const QUOTE_SELECTOR = 'blockquote, .gmail_quote, .yahoo_quoted, #divRplyFwdMsg, #appendonsend, .moz-cite-prefix'
const QUOTE_TEXT = /^\s*(?:-{2,}\s*(?:Original Message|原始邮件|Forwarded message|转发邮件)|-{5,}|(?:From|发件人)\s*[:：].*|在.{4,80}写道\s*[:：]|On .{4,120} wrote:)/i

export interface SplitContent {
  /** Sanitised HTML or plain text of what is new in this message. */
  main: string
  /** The quoted history, or null when there is none. */
  quoted: string | null
}

/** Splits sanitised HTML into the new part and the quoted history (everything from the first quote marker on). */
export function splitEmailHtml(cleanHtml: string): SplitContent {
  const doc = new DOMParser().parseFromString(`<body>${cleanHtml}</body>`, 'text/html')
  const body = doc.body
  let start: Element | null = null
  for (const child of Array.from(body.children)) {
    if (child.matches(QUOTE_SELECTOR) || QUOTE_TEXT.test(child.textContent ?? '')) {
      start = child
      break
    }
  }
  if (!start) {
    const nested = body.querySelector(QUOTE_SELECTOR)
    if (!nested) return { main: cleanHtml, quoted: null }
    const quoted = nested.outerHTML
    nested.remove()
    return { main: body.innerHTML, quoted }
  }
  const quotedParts: string[] = []
  let node: ChildNode | null = start
  while (node) {
    const next: ChildNode | null = node.nextSibling
    quotedParts.push(node.nodeType === Node.ELEMENT_NODE ? (node as Element).outerHTML : (node.textContent ?? ''))
    node.remove()
    node = next
  }
  return { main: body.innerHTML, quoted: quotedParts.join('') }
}

/** The same for a plain-text email: from the first "> " line or "-----原始邮件-----" on. */
export function splitEmailText(text: string): SplitContent {
  const lines = text.split(/\r?\n/)
  const at = lines.findIndex((line) => line.startsWith('>') || QUOTE_TEXT.test(line))
  if (at <= 0) return at === 0 ? { main: '', quoted: text } : { main: text, quoted: null }
  return { main: lines.slice(0, at).join('\n').trimEnd(), quoted: lines.slice(at).join('\n') }
}
