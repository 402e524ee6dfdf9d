import type { KbArticlesTable, KbCategoriesTable } from '../db/schema'
import { sanitizeKbHtml } from '../sync/kb-html'
import { composeBody, regulationHtml } from './kb-compose'
import { REGULATIONS } from './kb-regulations'
import { billingTopics } from './kb-topics-billing'
import { complaintTopics } from './kb-topics-complaints'
import { networkTopics } from './kb-topics-network'
import { orderTopics } from './kb-topics-orders'
import { ruleTopics } from './kb-topics-rules'
import type { KbSubcategoryKey, KbTopLevelKey, Topic } from './kb-types'
import type { SkillKey } from './organisation'
import type { Random } from './random'

interface CategoryNode {
  key: KbTopLevelKey
  name: string
  /** The skill group internal articles of this branch are limited to; rules are for everyone. */
  skill: SkillKey | null
  children: readonly { key: KbSubcategoryKey; name: string }[]
}

const CATEGORY_TREE: readonly CategoryNode[] = [
  { key: 'billing', name: '话费与账单', skill: 'billing', children: [{ key: 'bill-query', name: '账单查询' }, { key: 'payment', name: '缴费充值' }, { key: 'refund', name: '退费与争议' }] },
  { key: 'network', name: '宽带与网络', skill: 'broadband', children: [{ key: 'fault', name: '故障排查' }, { key: 'install', name: '装机移机' }, { key: 'home-network', name: '家庭组网' }] },
  { key: 'orders', name: '业务办理', skill: 'orders', children: [{ key: 'plan', name: '套餐变更' }, { key: 'sim', name: '号卡业务' }, { key: 'vas', name: '增值业务' }] },
  { key: 'complaints', name: '投诉处理', skill: 'complaints', children: [{ key: 'intake', name: '投诉受理' }, { key: 'escalation', name: '升级投诉' }, { key: 'callback', name: '回访规范' }] },
  { key: 'rules', name: '规章制度', skill: null, children: [{ key: 'service-standard', name: '服务规范' }, { key: 'info-security', name: '信息安全' }, { key: 'assessment', name: '考核管理' }] },
]

export interface KbData {
  categories: KbCategoriesTable[]
  articles: KbArticlesTable[]
}

const DAY = 86_400_000
/** Share of ordinary articles limited to their branch's skill group besides the internal procedures. */
const EXTRA_RESTRICTED_SHARE = 0.08

/** Every topic once, so titles are unique by construction; checked because the lists are hand-written. */
export function allTopics(): Topic[] {
  const topics = [...billingTopics(), ...networkTopics(), ...orderTopics(), ...complaintTopics(), ...ruleTopics()]
  const titles = new Set<string>()
  for (const topic of topics) {
    if (titles.has(topic.title)) throw new Error(`Duplicate KB topic title: ${topic.title}`)
    titles.add(topic.title)
  }
  for (const regulation of REGULATIONS) {
    if (titles.has(regulation.title)) throw new Error(`Regulation title also used by a topic: ${regulation.title}`)
  }
  return topics
}

export function buildKb(random: Random, ids: Random, articleCount: number, skillGroupIds: Record<SkillKey, string>, now: number): KbData {
  const categories: KbCategoriesTable[] = []
  const categoryIds = new Map<KbSubcategoryKey, { id: string; node: CategoryNode }>()
  CATEGORY_TREE.forEach((node, index) => {
    const id = ids.uuid()
    categories.push({ id, name: node.name, parent_id: null, sort: (index + 1) * 10 })
    node.children.forEach((child, childIndex) => {
      const childId = ids.uuid()
      categories.push({ id: childId, name: child.name, parent_id: id, sort: (childIndex + 1) * 10 })
      categoryIds.set(child.key, { id: childId, node })
    })
  })
  const placeOf = (key: KbSubcategoryKey): { id: string; node: CategoryNode } => {
    const place = categoryIds.get(key)
    if (!place) throw new Error(`KB category ${key} is not in the tree`)
    return place
  }

  const dates = (): { created_at: number; updated_at: number; version: number } => {
    const created = now - random.int(20, 720) * DAY - random.int(0, DAY - 1)
    const version = random.weighted<number>([[1, 55], [2, 25], [3, 13], [4, 7]])
    const updated = version === 1 ? created : Math.min(now, created + random.int(1, Math.floor((now - created) / DAY)) * DAY)
    return { created_at: created, updated_at: updated, version }
  }

  const sanitize = blockwiseSanitizer()
  const articles: KbArticlesTable[] = []
  // Regulations come first so even a small KB has articles to sign for.
  for (const regulation of REGULATIONS.slice(0, articleCount)) {
    const place = placeOf(regulation.category)
    articles.push({
      id: ids.uuid(),
      category_id: place.id,
      title: regulation.title,
      body: sanitize(regulationHtml(regulation.body)),
      tags: regulation.tags.join(','),
      mandatory: 1,
      skill_group_id: null,
      ...dates(),
    })
  }

  const topics = random.shuffle(allTopics())
  for (let i = 0; articles.length < articleCount; i++) {
    const topic = topics[i % topics.length] as Topic
    // Beyond the hand-written topics, later rounds are addenda with their own titles.
    const round = Math.floor(i / topics.length)
    const place = placeOf(topic.category)
    const restricted = place.node.skill !== null && (topic.internal === true || random.chance(EXTRA_RESTRICTED_SHARE))
    const when = dates()
    articles.push({
      id: ids.uuid(),
      category_id: place.id,
      title: round === 0 ? topic.title : `${topic.title}（补充说明${round}）`,
      body: sanitize(composeBody(random, topic, { topLevel: place.node.key, updatedAt: when.updated_at, version: when.version })),
      tags: topic.tags.join(','),
      mandatory: 0,
      skill_group_id: restricted && place.node.skill !== null ? skillGroupIds[place.node.skill] : null,
      ...when,
    })
  }
  return { categories, articles }
}

/**
 * Sanitises a body block by block (blocks are the blank-line-separated, self-contained fragments
 * the composer writes), remembering blocks already seen. Bodies are recombined from a limited
 * set of sections, so a large seed sanitises each distinct block once instead of every body in
 * full (100,000 articles: about 4 s instead of 12 s here); the result is the same as sanitising
 * the whole body, because every block closes the tags it opens.
 */
function blockwiseSanitizer(): (body: string) => string {
  const seen = new Map<string, string>()
  return (body) =>
    body
      .split('\n\n')
      .map((block) => {
        let clean = seen.get(block)
        if (clean === undefined) {
          clean = sanitizeKbHtml(block)
          seen.set(block, clean)
        }
        return clean
      })
      .join('\n\n')
}
