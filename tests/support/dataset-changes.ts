/**
 * The demo seed as the server would sync it down: a list of SyncChanges in seq order, and a
 * helper to cut it into pages.
 */
import type { CustomerRecord, InteractionRecord, KbArticleRecord, KbCategoryRecord, ReasonCodeRecord } from '../../src/shared/domain/records'
import type { SyncChange } from '../../src/shared/protocol/sync'
import { buildDemoDataset, type DemoDataset } from '../../src/server/seed'

export interface DatasetChanges {
  dataset: DemoDataset
  categories: KbCategoryRecord[]
  articles: KbArticleRecord[]
  customers: CustomerRecord[]
  interactions: InteractionRecord[]
  changes: SyncChange[]
}

const splitTags = (tags: string): string[] => tags.split(',').filter((t) => t !== '')

/** The seed's customers (with their contacts) in the shape the server syncs them. */
export function customerRecords(dataset: DemoDataset): CustomerRecord[] {
  const contactsByCustomer = new Map<string, CustomerRecord['contacts']>()
  for (const c of dataset.customers.contacts) {
    const list = contactsByCustomer.get(c.customer_id) ?? []
    list.push({ id: c.id, kind: c.kind, value: c.value, normalized: c.normalized })
    contactsByCustomer.set(c.customer_id, list)
  }
  return dataset.customers.customers.map((c) => ({
    id: c.id,
    name: c.name,
    tier: c.tier,
    kind: c.kind,
    company: c.company ?? null,
    city: c.city ?? null,
    notes: c.notes,
    tags: splitTags(c.tags),
    contacts: contactsByCustomer.get(c.id) ?? [],
    version: 1,
    updatedAt: c.updated_at,
  }))
}

export function toChanges(dataset: DemoDataset, options: { firstSeq?: number } = {}): DatasetChanges {
  const categories: KbCategoryRecord[] = dataset.kb.categories.map((c) => ({ id: c.id, name: c.name, parentId: c.parent_id, sort: c.sort }))
  const articles: KbArticleRecord[] = dataset.kb.articles.map((a) => ({
    id: a.id,
    categoryId: a.category_id,
    title: a.title,
    body: a.body,
    tags: splitTags(a.tags),
    mandatory: a.mandatory === 1,
    skillGroupId: a.skill_group_id,
    version: a.version,
    updatedAt: a.updated_at,
    attachments: [],
  }))
  const customers = customerRecords(dataset)
  const staffNames = new Map(dataset.organisation.staff.map((s) => [s.id, s.display_name]))
  const interactions: InteractionRecord[] = dataset.interactions.map((i) => ({
    id: i.id,
    customerId: i.customer_id,
    channel: i.channel,
    direction: i.direction,
    summary: i.summary,
    agentId: i.agent_id,
    agentName: i.agent_id ? (staffNames.get(i.agent_id) ?? null) : null,
    at: i.at,
  }))
  const reasonCodes: ReasonCodeRecord[] = dataset.organisation.reasonCodes.map((r) => ({ id: r.code, labelZh: r.label_zh, labelEn: r.label_en, sort: r.sort }))

  let seq = options.firstSeq ?? 1
  const changes: SyncChange[] = [
    ...categories.map((data) => ({ seq: seq++, entity: 'kb_category' as const, id: data.id, deleted: false as const, data })),
    ...articles.map((data) => ({ seq: seq++, entity: 'kb_article' as const, id: data.id, deleted: false as const, data })),
    ...customers.map((data) => ({ seq: seq++, entity: 'customer' as const, id: data.id, deleted: false as const, data })),
    ...interactions.map((data) => ({ seq: seq++, entity: 'interaction' as const, id: data.id, deleted: false as const, data })),
    ...reasonCodes.map((data) => ({ seq: seq++, entity: 'reason_code' as const, id: data.id, deleted: false as const, data })),
  ]
  return { dataset, categories, articles, customers, interactions, changes }
}

/** A small demo centre as sync changes. */
export function demoChanges(options: { customers?: number; articles?: number; random?: number } = {}): DatasetChanges {
  const dataset = buildDemoDataset({
    customers: options.customers ?? 60,
    articles: options.articles ?? 120,
    random: options.random ?? 20_250_101,
    now: Date.UTC(2025, 5, 1),
  })
  return toChanges(dataset)
}

/** Pages as the server sends them: each with the seq of its last change as the cursor. */
export function pagesOf(changes: readonly SyncChange[], size: number): Array<{ changes: SyncChange[]; cursor: number }> {
  const pages: Array<{ changes: SyncChange[]; cursor: number }> = []
  for (let i = 0; i < changes.length; i += size) {
    const page = changes.slice(i, i + size)
    pages.push({ changes: page, cursor: page[page.length - 1]!.seq })
  }
  return pages
}
