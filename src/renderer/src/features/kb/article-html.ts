import createDOMPurify from 'dompurify'

/**
 * Article bodies are restricted HTML, sanitised by the server and again here before display:
 * only p, h3, h4, ul, ol, li, strong, em, br and a[href]; links must be http(s) and open outside
 * the app (target=_blank; Electron's window-open handler hands them to the browser).
 */
const ALLOWED_TAGS = ['p', 'h3', 'h4', 'ul', 'ol', 'li', 'strong', 'em', 'br', 'a']
const ALLOWED_ATTR = ['href']
const EXTERNAL_LINK = /^https?:\/\//i

const purify = createDOMPurify(window)
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName !== 'A') return
  const href = node.getAttribute('href')
  if (href === null || !EXTERNAL_LINK.test(href.trim())) {
    node.removeAttribute('href')
    return
  }
  node.setAttribute('target', '_blank')
  node.setAttribute('rel', 'noopener noreferrer')
})

const config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOWED_URI_REGEXP: /^https?:\/\//i,
  KEEP_CONTENT: true,
}

/** Any tag or character reference; a body with neither is plain text (paragraphs split by blank lines). */
const HAS_MARKUP = /<\/?[a-z][^>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function plainTextToHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('')
}

/** The body as HTML that is safe to put into the page. */
export function sanitizeArticleHtml(body: string): string {
  const html = HAS_MARKUP.test(body) ? body : plainTextToHtml(body)
  return purify.sanitize(html, config)
}

/** Blocks that stand apart with a blank line; list items only start a new line. */
const BLOCKS = new Set(['P', 'H3', 'H4', 'UL', 'OL'])

/** The body as plain text for a reply: paragraphs on their own lines, list items as "• " or "1. ". */
export function articlePlainText(body: string): string {
  if (!HAS_MARKUP.test(body)) return body.trim()
  const fragment = purify.sanitize(body, { ...config, RETURN_DOM_FRAGMENT: true })
  const out: string[] = []
  const walk = (node: Node, listIndex: { n: number } | null): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push((node.textContent ?? '').replace(/\s+/g, ' '))
      return
    }
    if (!(node instanceof Element)) return
    if (node.tagName === 'BR') {
      out.push('\n')
      return
    }
    const block = BLOCKS.has(node.tagName)
    if (block) out.push('\n\n')
    if (node.tagName === 'LI') out.push(listIndex ? `\n${++listIndex.n}. ` : '\n• ')
    const childList = node.tagName === 'OL' ? { n: 0 } : node.tagName === 'UL' ? null : listIndex
    for (const child of node.childNodes) walk(child, childList)
    if (node.tagName === 'A') {
      const href = node.getAttribute('href')
      if (href && href !== node.textContent) out.push(` (${href})`)
    }
    if (block) out.push('\n\n')
  }
  for (const child of fragment.childNodes) walk(child, null)
  return out
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
