import { useMemo, type Ref } from 'react'
import { sanitizeArticleHtml } from './article-html'

/** The article's restricted HTML, sanitised with DOMPurify before it reaches the page. */
export function ArticleBody({ body, testId, bodyRef }: { body: string; testId: string; bodyRef?: Ref<HTMLDivElement> }) {
  const html = useMemo(() => sanitizeArticleHtml(body), [body])
  return <div ref={bodyRef} className="article-body" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />
}
