/**
 * A large, deterministic KB for the search bench. The demo seed writes ~200 distinct topics and,
 * past those, repeats them as "（补充说明N）" addenda, so at 100,000 articles almost every title
 * shares the same words and every query matches half the KB. Real knowledge bases are more
 * varied, so this generator keeps the seed's vocabulary (its sentences, titles and tags) but
 * recombines it: titles get cities, customer segments and document kinds; bodies are sentences
 * drawn with a skew (some boilerplate is everywhere, most sentences are rarer), laid out in the
 * restricted HTML the server sends. About one article in eight is English.
 */
import type { KbArticleRecord, KbCategoryRecord } from '../src/shared/domain/records'
import { buildDemoDataset } from '../src/server/seed'
import { createRandom } from '../src/server/seed/random'

export interface KbCorpus {
  categories: KbCategoryRecord[]
  articles: KbArticleRecord[]
  /** Skill groups that some articles are limited to. */
  skillGroupIds: string[]
}

/** The seed's own deterministic generator (mulberry32), as a bare [0, 1) source. */
function createPrng(seed: number): () => number {
  const random = createRandom(seed)
  return () => random.next()
}

const CITIES = ['北京', '上海', '广州', '深圳', '成都', '杭州', '武汉', '西安', '南京', '重庆', '天津', '苏州', '长沙', '郑州', '青岛', '沈阳', '昆明', '厦门', '合肥', '福州']
const SEGMENTS = ['政企', '校园', '家庭', '老年', '个人', '中小企业', '国际漫游', '5G', '宽带', '融合套餐', '预付费', '物联网']
const DOC_KINDS = ['操作指引', '常见问题解答', '处理流程', '话术口径', '业务规则', '补充说明', '案例分析', '系统操作手册', '（2024年版）', '（2025年修订）', '注意事项', '快速参考']

const EN_VERBS = ['Refund', 'Troubleshoot', 'Activate', 'Cancel', 'Transfer', 'Verify', 'Escalate', 'Explain', 'Reset', 'Upgrade', 'Suspend', 'Restore', 'Configure', 'Report']
const EN_OBJECTS = [
  'a duplicate top-up', 'broadband outages', 'an eSIM profile', 'international roaming', 'the monthly invoice', 'a lost SIM card', 'the router password',
  'a family plan', 'value-added services', 'a billing dispute', 'fibre installation', 'the data allowance', 'a port-out request', 'voicemail',
  'IPTV channels', 'the loyalty discount', 'a complaint ticket', 'prepaid credit', 'a contract renewal', 'the WiFi extender',
]
const EN_SEGMENTS = ['enterprise accounts', 'senior customers', 'students', 'diamond members', 'new subscribers', 'prepaid users', 'business lines']
const EN_SENTENCES = [
  'Verify the caller with the service password or the last six digits of the ID before discussing the account.',
  'Check the order history in the customer view and confirm the date of the last change.',
  'If the customer disputes a charge, open a billing ticket and quote the ticket number.',
  'Refunds are returned to the original payment method within seven working days.',
  'Ask the customer to restart the router and wait five minutes before testing again.',
  'Escalate to the second-line team when the fault persists after remote diagnosis.',
  'Never promise compensation on the call; follow the approval workflow instead.',
  'Diamond and gold members are served with VIP response times.',
  'Roaming charges appear on the invoice of the month in which the usage was recorded.',
  'Offer the self-service app for routine checks such as balance and data usage.',
  'A replacement SIM keeps the same number; the old card stops working once the new one is activated.',
  'Confirm the installation address and a contact number before booking an engineer.',
  'Record the outcome in the interaction history so the next agent sees it.',
  'When the network is down, note the request offline; the desk submits it once the connection returns.',
  'Explain the difference between the plan fee, extra usage and third-party charges.',
  'Port-out requests require the account to be free of arrears and outstanding contracts.',
  'The loyalty discount applies from the next billing cycle after approval.',
  'Summarise the request back to the customer and state the expected resolution time.',
]

/** Sentences, titles and tags the seed writes, each once. */
function seedVocabulary(): { titles: string[]; sentences: string[]; tags: string[] } {
  const data = buildDemoDataset({ customers: 0, articles: 600, random: 20_240_501, now: Date.UTC(2025, 0, 1) })
  const titles = new Set<string>()
  const sentences = new Set<string>()
  const tags = new Set<string>()
  for (const article of data.kb.articles) {
    titles.add(article.title.replace(/（补充说明\d+）$/u, ''))
    for (const tag of article.tags.split(',')) if (tag) tags.add(tag)
    // Seed bodies are restricted HTML: every tag ends a sentence.
    for (const line of article.body.replace(/<[^>]+>/g, '\n').split('\n')) {
      for (const sentence of line.split(/(?<=[。！？])/u)) {
        const trimmed = sentence.trim()
        if (trimmed.length >= 6 && !trimmed.startsWith('（本文由')) sentences.add(trimmed)
      }
    }
  }
  return { titles: [...titles], sentences: [...sentences], tags: [...tags] }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const SECTION_HEADINGS = ['【适用范围】', '【业务说明】', '【处理步骤】', '【注意事项】', '【常见问题】', '【话术参考】']

export function generateKbCorpus(count: number, seed = 42): KbCorpus {
  const random = createPrng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  /** Skewed towards the front of the list: a few items are very common, most are rare. */
  const pickSkewed = <T>(items: readonly T[]): T => items[Math.floor(random() ** 2.5 * items.length)] as T
  const vocabulary = seedVocabulary()
  // Shuffle once so the skew does not follow the seed's topic order.
  const sentences = [...vocabulary.sentences]
  for (let i = sentences.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[sentences[i], sentences[j]] = [sentences[j]!, sentences[i]!]
  }

  const categories: KbCategoryRecord[] = []
  const leafIds: string[] = []
  for (let top = 0; top < 6; top++) {
    const topId = `cat-${top}`
    categories.push({ id: topId, name: `知识分类${top + 1}`, parentId: null, sort: top * 10 })
    for (let sub = 0; sub < 4; sub++) {
      const id = `cat-${top}-${sub}`
      categories.push({ id, name: `知识分类${top + 1}-${sub + 1}`, parentId: topId, sort: sub * 10 })
      leafIds.push(id)
    }
  }
  const skillGroupIds = ['sg-billing', 'sg-broadband', 'sg-orders', 'sg-complaints']

  const articles: KbArticleRecord[] = []
  const base = Date.UTC(2025, 0, 1)
  for (let i = 0; i < count; i++) {
    const english = random() < 0.12
    const title = english
      ? `${pick(EN_VERBS)} ${pick(EN_OBJECTS)}${random() < 0.5 ? ` for ${pick(EN_SEGMENTS)}` : ''}`
      : `${random() < 0.35 ? pick(CITIES) : ''}${random() < 0.3 ? pick(SEGMENTS) : ''}${pickSkewed(vocabulary.titles)}${random() < 0.6 ? pick(DOC_KINDS) : ''}`
    const sections: string[] = []
    const sectionCount = 2 + Math.floor(random() * 3)
    for (let s = 0; s < sectionCount; s++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, () => escapeHtml(english ? pick(EN_SENTENCES) : pickSkewed(sentences)))
      const heading = english ? `<h3>Step ${s + 1}</h3>` : `<h3>${pick(SECTION_HEADINGS)}</h3>`
      sections.push(random() < 0.4 ? `${heading}<ul>${lines.map((l) => `<li>${l}</li>`).join('')}</ul>` : `${heading}<p>${lines.join('')}</p>`)
    }
    const restricted = random() < 0.13
    articles.push({
      id: `kb-${i}`,
      categoryId: pick(leafIds),
      title,
      body: sections.join('\n'),
      tags: Array.from({ length: Math.floor(random() * 3) }, () => pick(vocabulary.tags)),
      mandatory: random() < 0.002,
      skillGroupId: restricted ? pick(skillGroupIds) : null,
      version: 1 + Math.floor(random() * 3),
      updatedAt: base - Math.floor(random() * 700) * 86_400_000,
      attachments: [],
    })
  }
  return { categories, articles, skillGroupIds }
}

/** Query lengths in Chinese characters; English words are a fifth set, "en". */
export const QUERY_LENGTHS: readonly number[] = [1, 2, 3, 5]

const CJK_RUN = /[\u3400-\u9fff]+/gu
const EN_WORD = /[A-Za-z]{4,}/g

/** `perLength` queries of each length, cut from article titles the way agents type them: real words, frequent ones more often. */
export function drawQueries(corpus: KbCorpus, lengths: readonly number[], perLength: number, seed = 7): Map<string, string[]> {
  const random = createPrng(seed)
  const sets = new Map<string, string[]>()
  for (const length of lengths) {
    const queries: string[] = []
    for (let guard = 0; queries.length < perLength && guard < perLength * 1000; guard++) {
      const title = corpus.articles[Math.floor(random() * corpus.articles.length)]!.title
      const runs = (title.match(CJK_RUN) ?? []).filter((run) => run.length >= length)
      if (runs.length === 0) continue
      const run = runs[Math.floor(random() * runs.length)]!
      const at = Math.floor(random() * (run.length - length + 1))
      queries.push(run.slice(at, at + length))
    }
    sets.set(`${length}`, queries)
  }
  const words: string[] = []
  for (let guard = 0; words.length < perLength && guard < perLength * 1000; guard++) {
    const title = corpus.articles[Math.floor(random() * corpus.articles.length)]!.title
    const found = title.match(EN_WORD)
    if (found) words.push(found[Math.floor(random() * found.length)]!.toLowerCase())
  }
  sets.set('en', words)
  return sets
}
