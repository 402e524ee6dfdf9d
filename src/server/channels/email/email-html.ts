import sanitizeHtml from 'sanitize-html'

/**
 * The allow-list for customers' HTML mail. Formatting survives; scripts, styles, event handlers,
 * forms, frames and javascript: links do not. Remote images are not loaded (they tell the sender
 * the mail was read): each becomes an <img> without src that carries the address in
 * `data-blocked-src`, so the desktop can show a "load images" choice. The desktop sanitises again
 * before display; this is the first fence, not the only one.
 */
const options: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'div', 'span', 'br', 'hr', 'b', 'i', 'u', 's', 'strong', 'em', 'small', 'sub', 'sup', 'font',
    'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
    'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'colgroup', 'col',
    'a', 'img',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height', 'data-blocked-src', 'data-cid'],
    td: ['colspan', 'rowspan', 'align', 'valign'],
    th: ['colspan', 'rowspan', 'align', 'valign'],
    table: ['border', 'cellpadding', 'cellspacing', 'width'],
    font: ['color'],
    blockquote: ['type'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'template', 'head', 'title'],
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href?.trim()
      const kept: sanitizeHtml.Attributes = {}
      if (href && /^(https?:|mailto:)/i.test(href)) kept.href = href
      if (attribs.title) kept.title = attribs.title
      return { tagName, attribs: kept }
    },
    img: (tagName, attribs) => {
      const src = attribs.src?.trim() ?? ''
      const kept: sanitizeHtml.Attributes = {}
      for (const name of ['alt', 'title', 'width', 'height']) {
        const value = attribs[name]
        if (value !== undefined) kept[name] = value
      }
      // Inline pictures sent with the mail are in its attachments; data: images carry no tracking.
      if (/^data:image\/(png|jpeg|gif|webp);base64,/i.test(src) && src.length <= 200_000) kept.src = src
      else if (/^cid:/i.test(src)) kept['data-cid'] = src.slice(4, 250)
      else if (/^https?:/i.test(src)) kept['data-blocked-src'] = src.slice(0, 2_000)
      return { tagName, attribs: kept }
    },
  },
}

/** Anything beyond this is not worth sanitising: the text part is kept instead. */
export const MAX_EMAIL_HTML_CHARS = 500_000

/** Sanitised HTML, or null when there is none or it is too large to keep. */
export function sanitizeEmailHtml(html: string | false | undefined): string | null {
  if (!html) return null
  if (html.length > 4 * MAX_EMAIL_HTML_CHARS) return null
  const clean = sanitizeHtml(html, options).trim()
  if (clean === '' || clean.length > MAX_EMAIL_HTML_CHARS) return null
  return clean
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' }

/**
 * The text of already sanitised HTML, for mail that has no text part: line breaks where blocks
 * end, no markup. Made from the sanitised copy so the text never shows what the HTML lost
 * (a javascript: link's target, a script's words).
 */
export function textOfSafeHtml(html: string): string {
  const marked = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table)>/gi, '\n')
  const bare = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {} })
  return bare
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** For text that goes between tags: plain text never becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
