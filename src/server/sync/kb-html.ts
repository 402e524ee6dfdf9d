import sanitizeHtml from 'sanitize-html'

/**
 * The one allow-list for KB article bodies (records.ts: p, h3, h4, ul, ol, li, strong, em, br,
 * a[href]). Everything that stores a body passes it through here; the desktop sanitises again
 * before display, so this is the first of two fences, not the only one.
 */
export const KB_ALLOWED_TAGS = ['p', 'h3', 'h4', 'ul', 'ol', 'li', 'strong', 'em', 'br', 'a'] as const
export const KB_LINK_SCHEMES = ['http', 'https', 'mailto'] as const

const LINK_WITH_SCHEME = /^(https?:|mailto:)/i

const options: sanitizeHtml.IOptions = {
  allowedTags: [...KB_ALLOWED_TAGS],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: [...KB_LINK_SCHEMES],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // Text of a dropped tag is kept (an unknown <span> keeps its words), except inside these.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'template'],
  transformTags: {
    // sanitize-html lets relative hrefs through; inside the desktop they would point into the
    // app itself, so a link must name one of the allowed schemes or lose its href.
    a: (tagName, attribs) => {
      const href = attribs.href?.trim()
      const kept: sanitizeHtml.Attributes = {}
      if (href && LINK_WITH_SCHEME.test(href)) kept.href = href
      return { tagName, attribs: kept }
    },
  },
}

export function sanitizeKbHtml(html: string): string {
  return sanitizeHtml(html, options)
}

/** For text that goes between tags: plain text never becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
