import { describe, expect, it } from 'vitest'
import { buildDemoDataset } from '../../src/server/seed'
import { KB_ALLOWED_TAGS, sanitizeKbHtml } from '../../src/server/sync/kb-html'

describe('the KB HTML allow-list', () => {
  it('keeps the restricted tags and links with allowed schemes', () => {
    const html = '<h3>标题</h3><h4>小节</h4><p>正文<strong>重点</strong><em>强调</em><br>换行</p><ol><li>一</li></ol><ul><li>二</li></ul>' +
      '<p><a href="https://kb.example.cn/a?b=1">链接</a><a href="http://x.cn">旧</a><a href="mailto:kefu@example.cn">邮件</a></p>'
    expect(sanitizeKbHtml(html)).toBe(html.replace('<br>', '<br />'))
  })

  it('drops scripts, handlers, styles, other tags and dangerous or relative links', () => {
    const dirty = '<p onclick="steal()" style="color:red" class="x">文<script>alert(1)</script><img src=x onerror=alert(1)><iframe src="https://evil"></iframe>' +
      '<span>留下文字</span><a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a><a href="/settings">r</a><a href="//evil.cn">p</a>' +
      '<a href="https://ok.cn" target="_blank" onmouseover="x()">ok</a></p><table><tr><td>表</td></tr></table><style>p{}</style>'
    const clean = sanitizeKbHtml(dirty)
    expect(clean).toBe('<p>文留下文字<a>j</a><a>d</a><a>r</a><a>p</a><a href="https://ok.cn">ok</a></p>表')
  })

  it('is what every seeded article body already is', () => {
    const { kb } = buildDemoDataset({ customers: 0, articles: 300, random: 1, now: Date.UTC(2026, 0, 1) })
    const tags = new Set<string>()
    for (const article of kb.articles) {
      expect(sanitizeKbHtml(article.body)).toBe(article.body)
      for (const [, tag] of article.body.matchAll(/<([a-z0-9]+)/g)) tags.add(tag as string)
    }
    expect([...tags].every((t) => (KB_ALLOWED_TAGS as readonly string[]).includes(t))).toBe(true)
    expect(tags).toEqual(new Set(['p', 'h4', 'ol', 'ul', 'li', 'strong', 'em', 'br']))
  })
})
