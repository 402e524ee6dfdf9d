/**
 * KB search through the cache worker on a real SQLite file: the demo KB plus a few hand-written
 * articles whose matches are known exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLocalCache } from '../../src/main/services/cache/open-local-cache'
import type { LocalCache } from '../../src/main/services/cache/local-cache'
import type { KbArticleRecord } from '../../src/shared/domain/records'
import type { HighlightedText, KbHit } from '../../src/shared/ipc/views'
import type { SyncChange } from '../../src/shared/protocol/sync'
import { demoChanges, pagesOf, type DatasetChanges } from '../support/dataset-changes'

const SKILL_A = 'sg-test-a'
const SKILL_B = 'sg-test-b'

function article(id: string, fields: Partial<KbArticleRecord> & Pick<KbArticleRecord, 'title' | 'body'>): KbArticleRecord {
  return { id, categoryId: 'cat-test', tags: [], mandatory: false, skillGroupId: null, version: 1, updatedAt: Date.UTC(2025, 0, 1), attachments: [], ...fields }
}

/** Articles whose matches are known: the demo KB never uses these made-up words. */
const OWN: KbArticleRecord[] = [
  article('own-title', { title: '翡翠卡退订流程', body: '<p>客户来电要求退订时，先核实身份。</p>', tags: ['翡翠'], updatedAt: Date.UTC(2025, 0, 2) }),
  article('own-body', { title: '增值业务说明', body: '<p>常见问题：<strong>翡翠卡</strong>可以随时退订，翡翠卡的月费按天折算。</p>', updatedAt: Date.UTC(2025, 0, 3) }),
  article('own-english', {
    title: 'Refund a duplicate top-up',
    body: '<h3>Steps</h3><ul><li>Verify the caller, then open a refund ticket.</li><li>Refunds reach the original payment method.</li></ul>',
    tags: ['refund'],
  }),
  article('own-mixed', { title: '5G翡翠套餐 FAQ', body: '<p>5G翡翠套餐包含 100GB 流量，超出后按 3元/GB 计费。</p>' }),
  article('own-secret-a', { title: '翡翠卡内部核销口径', body: '<p>仅限A组。</p>', skillGroupId: SKILL_A }),
  article('own-secret-b', { title: '翡翠卡内部稽核口径', body: '<p>仅限B组。</p>', skillGroupId: SKILL_B }),
  article('own-sub', { title: '翡翠卡补换指引', body: '<p>补换卡需本人办理。</p>', categoryId: 'cat-test-sub', mandatory: true }),
  article('own-punct', { title: '琥珀号携转说明', body: '<p>请携带琥珀证件到营业厅。办理时间为工作日。</p>' }),
]

const OWN_CATEGORIES: SyncChange[] = [
  { seq: 900_001, entity: 'kb_category', id: 'cat-test', deleted: false, data: { id: 'cat-test', name: '测试分类', parentId: null, sort: 1 } },
  { seq: 900_002, entity: 'kb_category', id: 'cat-test-sub', deleted: false, data: { id: 'cat-test-sub', name: '测试子类', parentId: 'cat-test', sort: 1 } },
]

let dir: string
let cache: LocalCache
let data: DatasetChanges
/** Every skill group of the demo organisation plus both test groups: sees everything. */
let allGroups: string[]

const joined = (pieces: HighlightedText) => pieces.map((p) => p.text).join('')
const hitTexts = (pieces: HighlightedText) => pieces.filter((p) => p.hit).map((p) => p.text)
const ids = (hits: KbHit[]) => hits.map((h) => h.id)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cache-kb-'))
  data = demoChanges({ customers: 10, articles: 400 })
  allGroups = [...data.dataset.organisation.skillGroups.map((g) => g.id), SKILL_A, SKILL_B]
  cache = await openLocalCache({ dir, agentId: 'agent-kb' })
  for (const page of pagesOf(data.changes, 250)) await cache.applyChanges(page.changes, page.cursor)
  const own: SyncChange[] = [...OWN_CATEGORIES, ...OWN.map((a, i) => ({ seq: 900_100 + i, entity: 'kb_article' as const, id: a.id, deleted: false as const, data: a }))]
  await cache.applyChanges(own, 900_200)
})

afterAll(async () => {
  await cache?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('KB search', () => {
  it('finds Chinese queries of 1, 2, 3 and 5 characters taken from real titles, each hit containing the query', async () => {
    const titles = data.articles.map((a) => a.title)
    for (const length of [1, 2, 3, 5]) {
      const source = titles.find((t) => /^[\u4e00-\u9fff]+/.exec(t)?.[0] && /^[\u4e00-\u9fff]+/.exec(t)![0].length >= length + 1)!
      const query = source.slice(1, 1 + length)
      const result = await cache.searchKb({ query, limit: 50 }, allGroups)
      expect(result.total, query).toBeGreaterThan(0)
      expect(result.hits.length).toBeGreaterThan(0)
      // The index must agree with a plain substring test on the original text.
      const expected = data.articles.filter((a) => a.title.includes(query) || a.body.includes(query)).length
      expect(result.total, `${query}: index vs substring`).toBeGreaterThanOrEqual(expected)
      for (const hit of result.hits) {
        const text = joined(hit.title) + joined(hit.snippet)
        expect(text.includes(query) || hitTexts(hit.title).length + hitTexts(hit.snippet).length > 0, `${query} in ${hit.id}`).toBe(true)
      }
    }
  })

  it('counts exactly the articles that contain a 2-character query (no misses, no matches across punctuation)', async () => {
    for (const query of ['退费', '宽带', '套餐', '投诉', '账单']) {
      const expected = [...data.articles, ...OWN].filter((a) => a.title.includes(query) || a.body.includes(query)).length
      const result = await cache.searchKb({ query, limit: 1 }, allGroups)
      expect(result.total, query).toBe(expected)
    }
    // 琥珀证件到 spans words but not punctuation; 营业厅办理 would only match across "。".
    expect(ids((await cache.searchKb({ query: '琥珀证件到' }, allGroups)).hits)).toEqual(['own-punct'])
    expect(ids((await cache.searchKb({ query: '营业厅办理' }, allGroups)).hits)).not.toContain('own-punct')
  })

  it('ranks title matches first, then body matches', async () => {
    const result = await cache.searchKb({ query: '翡翠卡' }, allGroups)
    const order = ids(result.hits)
    expect(order).toContain('own-body')
    const bodyOnly = order.indexOf('own-body')
    for (const titled of ['own-title', 'own-secret-a', 'own-secret-b', 'own-sub']) expect(order.indexOf(titled)).toBeLessThan(bodyOnly)
    expect(result.total).toBe(5)
  })

  it('highlights every occurrence in title and snippet, and the pieces concatenate back to the original text', async () => {
    const result = await cache.searchKb({ query: '翡翠卡' }, allGroups)
    const body = result.hits.find((h) => h.id === 'own-body')!
    expect(joined(body.title)).toBe('增值业务说明')
    expect(joined(body.snippet)).toBe('常见问题：翡翠卡可以随时退订，翡翠卡的月费按天折算。')
    expect(hitTexts(body.snippet)).toEqual(['翡翠卡', '翡翠卡'])
    const titled = result.hits.find((h) => h.id === 'own-title')!
    expect(titled.title).toEqual([
      { text: '翡翠卡', hit: true },
      { text: '退订流程', hit: false },
    ])
    // Every hit of a real query: title pieces are the title, snippet pieces a substring of the plain body.
    const wide = await cache.searchKb({ query: '办理', limit: 100 }, allGroups)
    for (const hit of wide.hits) {
      const source = [...data.articles, ...OWN].find((a) => a.id === hit.id)!
      expect(joined(hit.title)).toBe(source.title)
      const plain = source.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()
      expect(plain.includes(joined(hit.snippet)), hit.id).toBe(true)
      expect(joined(hit.snippet).length).toBeLessThanOrEqual(80)
      for (const piece of [...hit.title, ...hit.snippet]) if (piece.hit) expect(piece.text).toBe('办理')
      expect(hitTexts(hit.title).length + hitTexts(hit.snippet).length, hit.id).toBeGreaterThan(0)
    }
  })

  it('finds English words (with prefixes, any case) and mixed Chinese/English', async () => {
    expect(ids((await cache.searchKb({ query: 'refund' }, allGroups)).hits)).toEqual(['own-english'])
    expect(ids((await cache.searchKb({ query: 'REFU' }, allGroups)).hits)).toEqual(['own-english'])
    const english = (await cache.searchKb({ query: 'refund ticket' }, allGroups)).hits[0]!
    expect(hitTexts(english.title)).toEqual(['Refund'])
    expect(hitTexts(english.snippet).map((t) => t.toLowerCase())).toEqual(expect.arrayContaining(['refund', 'ticket']))
    expect(ids((await cache.searchKb({ query: '5G翡翠' }, allGroups)).hits)).toEqual(['own-mixed'])
    expect(ids((await cache.searchKb({ query: '100gb 翡翠' }, allGroups)).hits)).toEqual(['own-mixed'])
    expect(ids((await cache.searchKb({ query: '５Ｇ翡翠套餐' }, allGroups)).hits)).toEqual(['own-mixed'])
  })

  it('hides articles of skill groups the agent is not in', async () => {
    const none = ids((await cache.searchKb({ query: '翡翠卡内部' }, [])).hits)
    expect(none).toEqual([])
    expect(ids((await cache.searchKb({ query: '翡翠卡内部' }, [SKILL_A])).hits)).toEqual(['own-secret-a'])
    expect(ids((await cache.searchKb({ query: '翡翠卡内部' }, [SKILL_A, SKILL_B])).hits).sort()).toEqual(['own-secret-a', 'own-secret-b'])
    const listed = await cache.searchKb({ query: '', categoryId: 'cat-test', limit: 100 }, [])
    expect(ids(listed.hits)).not.toContain('own-secret-a')
    // The demo KB's internal procedures are limited to their group too.
    const restricted = data.articles.filter((a) => a.skillGroupId !== null)
    expect(restricted.length).toBeGreaterThan(0)
    const everyone = await cache.searchKb({ query: '', limit: 1 }, [])
    expect(everyone.total).toBe(data.articles.length + OWN.length - restricted.length - 2)
  })

  it('filters by category (with subcategories), tag and mandatory', async () => {
    const inTree = await cache.searchKb({ query: '翡翠', categoryId: 'cat-test' }, allGroups)
    expect(inTree.total).toBe(6)
    const inSub = await cache.searchKb({ query: '翡翠', categoryId: 'cat-test-sub' }, allGroups)
    expect(ids(inSub.hits)).toEqual(['own-sub'])
    expect(ids((await cache.searchKb({ query: '翡翠', tag: '翡翠' }, allGroups)).hits)).toEqual(['own-title'])
    expect(ids((await cache.searchKb({ query: '翡翠', mandatoryOnly: true }, allGroups)).hits)).toEqual(['own-sub'])
    const regulations = await cache.searchKb({ query: '', mandatoryOnly: true, limit: 100 }, allGroups)
    expect(regulations.total).toBe(data.articles.filter((a) => a.mandatory).length + 1)
    const topCategory = data.categories.find((c) => c.parentId === null)!
    const children = new Set(data.categories.filter((c) => c.parentId === topCategory.id).map((c) => c.id))
    const underTop = await cache.searchKb({ query: '', categoryId: topCategory.id, limit: 100 }, allGroups)
    expect(underTop.total).toBe(data.articles.filter((a) => children.has(a.categoryId)).length)
  })

  it('pages with offset and limit across the title and body tiers, with a stable total', async () => {
    const all = await cache.searchKb({ query: '翡翠', limit: 100 }, allGroups)
    const pieces: string[] = []
    for (let offset = 0; offset < all.total; offset += 2) {
      const page = await cache.searchKb({ query: '翡翠', limit: 2, offset }, allGroups)
      expect(page.total).toBe(all.total)
      pieces.push(...ids(page.hits))
    }
    expect(pieces).toEqual(ids(all.hits))
    expect((await cache.searchKb({ query: '翡翠', offset: 500 }, allGroups)).hits).toEqual([])
  })

  it('lists the filtered articles newest first for an empty query', async () => {
    const listed = await cache.searchKb({ query: '   ', categoryId: 'cat-test' }, allGroups)
    expect(listed.total).toBe(OWN.length)
    const times = listed.hits.map((h) => h.updatedAt)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(listed.hits[0]!.snippet.every((p) => !p.hit)).toBe(true)
  })

  it('never throws on odd input: FTS syntax, quotes, emoji, long text', async () => {
    const odd = [
      '"',
      '""',
      '"退款',
      '退款"',
      '*',
      '退*',
      '-退款',
      'NEAR(退款 流程)',
      '退款 OR 流程',
      'AND',
      'NOT',
      '(((',
      ')',
      '{title}:翡翠',
      'title:翡翠',
      '^翡翠',
      '😀',
      '翡翠😀卡',
      "'; DROP TABLE kb_articles; --",
      '\u0000',
      '翡'.repeat(200),
      'a'.repeat(200),
      '退款 '.repeat(40),
      '\\',
      '%_',
    ]
    for (const query of odd) {
      const result = await cache.searchKb({ query }, allGroups)
      expect(result.total, JSON.stringify(query)).toBeGreaterThanOrEqual(0)
    }
    expect(ids((await cache.searchKb({ query: '"翡翠卡" NEAR' }, allGroups)).hits)).toEqual([])
    // Column filters are not syntax either: "title" is just a word no article has.
    expect((await cache.searchKb({ query: '{title}:翡翠' }, allGroups)).total).toBe(0)
    expect(ids((await cache.searchKb({ query: '翡翠😀卡' }, allGroups)).hits)).toContain('own-title')
    expect((await cache.searchKb({ query: '😀' }, allGroups)).total).toBe(0)
  })

  it('rejects malformed search input with invalid_argument', async () => {
    await expect(cache.searchKb({ query: 'x'.repeat(201) }, allGroups)).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(cache.searchKb({ query: '退款', limit: 0 }, allGroups)).rejects.toMatchObject({ code: 'invalid_argument' })
  })

  it('updates and deletes articles in the index (tombstones)', async () => {
    await cache.applyChanges(
      [
        { seq: 900_300, entity: 'kb_article', id: 'own-english', deleted: false, data: { ...OWN[2]!, title: 'Chargeback handling', version: 2 } },
        { seq: 900_301, entity: 'kb_article', id: 'own-punct', deleted: true, data: null },
      ],
      900_301,
    )
    expect(ids((await cache.searchKb({ query: 'chargeback' }, allGroups)).hits)).toEqual(['own-english'])
    expect(ids((await cache.searchKb({ query: 'duplicate' }, allGroups)).hits)).toEqual([])
    expect(ids((await cache.searchKb({ query: '琥珀' }, allGroups)).hits)).toEqual([])
    expect(await cache.getArticle('own-punct')).toBeNull()
    expect((await cache.getArticle('own-english'))?.version).toBe(2)
    expect(await cache.getCursor()).toBe(900_301)
  })

  it('lists categories with article counts including subcategories', async () => {
    const categories = await cache.kbCategories()
    const test = categories.find((c) => c.id === 'cat-test')!
    const sub = categories.find((c) => c.id === 'cat-test-sub')!
    expect(sub.articleCount).toBe(1)
    expect(test.articleCount).toBe(sub.articleCount + OWN.filter((a) => a.categoryId === 'cat-test').length - 1)
  })
})
