import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { verifyPassword } from '../../src/server/auth/passwords'
import { openDatabase, type Db } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import {
  ALL_TIERS,
  CONSUMER_TIERS,
  ENTERPRISE_TIERS,
  SeedTargetNotEmptyError,
  buildDemoDataset,
  seedDemoData,
  type SeedSummary,
} from '../../src/server/seed'
import { normalizeContact } from '../../src/shared/domain/contact-normalize'
import { startPostgres } from '../support/postgres'

/** A fixed clock, so "since" and the dates in article footers are known. */
const NOW = Date.UTC(2026, 0, 15, 2, 0, 0)
const STARTUP_TIMEOUT_MS = 120_000
const CHINESE_NAME = /^[\u4e00-\u9fff]{2,4}$/
const INJECTION = "Robert'); DROP TABLE agents;--"

interface Backend {
  name: string
  start(): Promise<{ url: string; stop(): Promise<void> }>
}

async function startSqlite(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'omnidesk-seed-'))
  return { url: join(dir, 'server.db'), stop: async () => rmSync(dir, { recursive: true, force: true }) }
}

const backends: Backend[] = [
  { name: 'SQLite', start: startSqlite },
  { name: 'PostgreSQL', start: startPostgres },
]

async function countRows(db: Db, table: 'agents' | 'teams' | 'skill_groups' | 'agent_presence' | 'customers' | 'customer_contacts' | 'kb_articles' | 'kb_categories' | 'reason_codes' | 'agent_skills'): Promise<number> {
  const row = await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

for (const backend of backends) {
  describe(`demo seed on ${backend.name}`, () => {
    let server: { url: string; stop(): Promise<void> } | undefined
    let db: Db
    let migrated: string[]
    let summary: SeedSummary

    beforeAll(async () => {
      server = await backend.start()
      db = openDatabase(server.url)
      migrated = await migrateToLatest(db)
      summary = await seedDemoData(db, { now: NOW })
    }, STARTUP_TIMEOUT_MS)

    afterAll(async () => {
      await db?.destroy()
      await server?.stop()
    })

    it('applies the migrations once', async () => {
      expect(migrated).toContain('001-initial')
      expect(await migrateToLatest(db)).toEqual([])
    })

    it('loads the specified counts', async () => {
      expect(await countRows(db, 'skill_groups')).toBe(4)
      expect(await countRows(db, 'teams')).toBe(3)
      expect(await countRows(db, 'agents')).toBe(34)
      expect(await countRows(db, 'customers')).toBe(500)
      expect(await countRows(db, 'kb_articles')).toBe(200)
      expect(summary).toMatchObject({
        skillGroups: 4, teams: 3, agents: 30, leads: 3, admins: 1, presence: 34, customers: 500, kbArticles: 200,
      })
      expect(summary.agentSkills).toBe(await countRows(db, 'agent_skills'))
      expect(summary.contacts.phone + summary.contacts.email + summary.contacts.qq).toBe(await countRows(db, 'customer_contacts'))
      expect(summary.kbCategories).toBe(await countRows(db, 'kb_categories'))
      expect(summary.logins).toHaveLength(34)
    })

    it('has the roles of a real centre', async () => {
      const roles = await db.selectFrom('agents').select(['role', db.fn.countAll().as('n')]).groupBy('role').execute()
      expect(Object.fromEntries(roles.map((r) => [r.role, Number(r.n)]))).toEqual({ agent: 30, lead: 3, admin: 1 })
    })

    it('gives every login a unique username and a distinct Chinese name', async () => {
      const staff = await db.selectFrom('agents').select(['username', 'display_name']).execute()
      const usernames = staff.map((s) => s.username).sort()
      const expected = [
        'admin', 'lead1', 'lead2', 'lead3',
        ...Array.from({ length: 30 }, (_, i) => `agent${String(i + 1).padStart(2, '0')}`),
      ].sort()
      expect(usernames).toEqual(expected)
      expect(new Set(staff.map((s) => s.display_name)).size).toBe(staff.length)
      for (const s of staff) expect(s.display_name).toMatch(CHINESE_NAME)
    })

    it('gives every agent 1–3 skills with a level, and the admin none', async () => {
      const rows = await db
        .selectFrom('agents')
        .leftJoin('agent_skills', 'agent_skills.agent_id', 'agents.id')
        .select(['agents.username', 'agents.role', 'agent_skills.skill_group_id', 'agent_skills.level'])
        .execute()
      const skillsOf = (username: string) => rows.filter((r) => r.username === username && r.skill_group_id !== null)
      for (const username of new Set(rows.filter((r) => r.role === 'agent').map((r) => r.username))) {
        const skills = skillsOf(username)
        expect(skills.length, username).toBeGreaterThanOrEqual(1)
        expect(skills.length, username).toBeLessThanOrEqual(3)
        for (const s of skills) expect(s.level).toBeGreaterThanOrEqual(1)
        for (const s of skills) expect(s.level).toBeLessThanOrEqual(5)
      }
      expect(skillsOf('admin')).toEqual([])
      const groups = await db.selectFrom('skill_groups').select(['name', 'description']).execute()
      expect(groups.map((g) => g.name).sort()).toEqual(['业务办理', '投诉处理', '宽带故障', '话费账单'].sort())
      for (const g of groups) expect(g.description.length).toBeGreaterThan(5)
    })

    it('hashes the demo password per login with its own salt', async () => {
      const staff = await db.selectFrom('agents').select(['username', 'password_hash']).execute()
      expect(new Set(staff.map((s) => s.password_hash)).size).toBe(staff.length)
      const agent07 = staff.find((s) => s.username === 'agent07')
      expect(await verifyPassword('demo123', agent07?.password_hash ?? '')).toBe(true)
      expect(await verifyPassword('demo124', agent07?.password_hash ?? '')).toBe(false)
    })

    it('starts every login signed out', async () => {
      const rows = await db
        .selectFrom('agents')
        .leftJoin('agent_presence', 'agent_presence.agent_id', 'agents.id')
        .select(['agents.username', 'agent_presence.state', 'agent_presence.reason_code', 'agent_presence.since', 'agent_presence.forced_by'])
        .execute()
      expect(rows).toHaveLength(34)
      for (const r of rows) {
        expect(r, r.username).toMatchObject({ state: 'signed_out', reason_code: null, since: NOW, forced_by: null })
      }
    })

    it('puts one lead and ten agents in each team, and the admin in none', async () => {
      const teams = await db.selectFrom('teams').select(['id', 'name']).execute()
      const staff = await db.selectFrom('agents').select(['username', 'role', 'team_id']).execute()
      for (const team of teams) {
        const members = staff.filter((s) => s.team_id === team.id)
        expect(members.filter((m) => m.role === 'lead'), team.name).toHaveLength(1)
        expect(members.filter((m) => m.role === 'agent'), team.name).toHaveLength(10)
      }
      const leadTeams = staff.filter((s) => s.role === 'lead').map((s) => s.team_id)
      expect(new Set(leadTeams).size).toBe(3)
      expect(staff.find((s) => s.username === 'admin')?.team_id).toBeNull()
    })

    it('has the 示忙 reason codes', async () => {
      const codes = await db.selectFrom('reason_codes').selectAll().orderBy('sort').execute()
      const labels = codes.map((c) => c.label_zh)
      for (const label of ['小休', '就餐', '培训', '会议', '辅导', '其他']) expect(labels).toContain(label)
      for (const c of codes) expect(c.label_en).toMatch(/^[A-Z][a-z ]+$/)
      expect(labels[labels.length - 1]).toBe('其他')
    })

    it('covers every tier, few at the top and many at the bottom', async () => {
      const customers = await db.selectFrom('customers').select(['name', 'tier', 'kind', 'company', 'notes']).execute()
      const perTier = (tier: string) => customers.filter((c) => c.tier === tier).length
      for (const tier of ALL_TIERS) expect(perTier(tier), tier).toBeGreaterThan(0)
      expect(customers.every((c) => (ALL_TIERS as readonly string[]).includes(c.tier))).toBe(true)
      expect(perTier('基础')).toBeGreaterThan(perTier('银'))
      expect(perTier('银')).toBeGreaterThan(perTier('金'))
      expect(perTier('金')).toBeGreaterThan(perTier('钻'))
      expect(perTier('5A')).toBeGreaterThan(perTier('1A'))
      for (const c of customers) {
        if ((CONSUMER_TIERS as readonly string[]).includes(c.tier)) {
          expect(c.kind).toBe('person')
          expect(c.name).toMatch(CHINESE_NAME)
        } else {
          expect((ENTERPRISE_TIERS as readonly string[]).includes(c.tier)).toBe(true)
          expect(c.kind).toBe('enterprise')
          expect(c.company).toBe(c.name)
          expect(c.name).toMatch(/(公司|院|中学|中心|局|图书馆)$/)
          expect(c.notes).toMatch(/^联系人：[\u4e00-\u9fff]{2,4}（.+）$/)
        }
      }
      const companies = customers.filter((c) => c.kind === 'enterprise').map((c) => c.name)
      expect(new Set(companies).size).toBe(companies.length)
      expect(summary.customersByTier).toEqual(Object.fromEntries(ALL_TIERS.map((t) => [t, perTier(t)])))
    })

    it('stores every contact with its normalised key', async () => {
      const contacts = await db.selectFrom('customer_contacts').select(['customer_id', 'kind', 'value', 'normalized']).execute()
      for (const c of contacts) expect(c.normalized, c.value).toBe(normalizeContact(c.kind, c.value))
      const phones = contacts.filter((c) => c.kind === 'phone')
      for (const p of phones) {
        expect(p.normalized).toMatch(/^(1\d{10}|0\d{9,11})$/)
        expect(p.normalized.startsWith('86')).toBe(false)
      }
      // Typed like people type them, not all in one format.
      expect(phones.some((p) => p.value.startsWith('+86'))).toBe(true)
      expect(phones.some((p) => /^0\d{2,3}-\d{8}$/.test(p.value))).toBe(true)
      expect(phones.some((p) => /^0\d{2,3} \d{4} \d{4}$/.test(p.value))).toBe(true)
      expect(phones.some((p) => /^1\d{10}$/.test(p.value))).toBe(true)
      for (const e of contacts.filter((c) => c.kind === 'email')) expect(e.normalized).toBe(e.normalized.trim().toLowerCase())
      for (const q of contacts.filter((c) => c.kind === 'qq')) expect(q.normalized).toMatch(/^[1-9]\d{4,10}$/)
      const keys = contacts.map((c) => `${c.kind}:${c.normalized}`)
      expect(new Set(keys).size).toBe(keys.length)

      const customers = await db.selectFrom('customers').select('id').execute()
      for (const { id } of customers) {
        const count = phones.filter((p) => p.customer_id === id).length
        expect(count).toBeGreaterThanOrEqual(1)
        expect(count).toBeLessThanOrEqual(2)
      }
      expect(contacts.filter((c) => c.kind === 'email').length).toBeGreaterThan(customers.length / 3)
      expect(contacts.filter((c) => c.kind === 'qq').length).toBeGreaterThan(0)
    })

    it('finds a customer by a number typed differently from the stored one', async () => {
      const phone = await db.selectFrom('customer_contacts').select(['customer_id', 'normalized']).where('kind', '=', 'phone').where('value', 'like', '+86%').executeTakeFirstOrThrow()
      const digits = phone.normalized
      const retyped = digits.startsWith('1') ? `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}` : digits
      const hit = await db.selectFrom('customer_contacts').select('customer_id').where('kind', '=', 'phone').where('normalized', '=', normalizeContact('phone', retyped) ?? '').execute()
      expect(hit.map((h) => h.customer_id)).toEqual([phone.customer_id])
    })

    it('builds a KB tree with unique titles, mandatory regulations and skill-limited articles', async () => {
      const categories = await db.selectFrom('kb_categories').selectAll().execute()
      const top = categories.filter((c) => c.parent_id === null)
      expect(top.map((c) => c.name).sort()).toEqual(['业务办理', '宽带与网络', '投诉处理', '规章制度', '话费与账单'].sort())
      for (const t of top) expect(categories.filter((c) => c.parent_id === t.id).length, t.name).toBeGreaterThanOrEqual(2)
      const categoryIds = new Set(categories.map((c) => c.id))
      for (const c of categories) if (c.parent_id !== null) expect(categoryIds.has(c.parent_id)).toBe(true)

      const articles = await db.selectFrom('kb_articles').selectAll().execute()
      expect(new Set(articles.map((a) => a.title)).size).toBe(articles.length)
      for (const a of articles) {
        expect(categoryIds.has(a.category_id)).toBe(true)
        expect(a.body.split('\n\n').length, a.title).toBeGreaterThanOrEqual(3)
        expect(a.tags.split(',').filter(Boolean).length, a.title).toBeGreaterThan(0)
        expect(a.updated_at).toBeGreaterThanOrEqual(a.created_at)
        expect(a.updated_at).toBeLessThanOrEqual(NOW)
      }
      const mandatory = articles.filter((a) => a.mandatory === 1)
      expect(mandatory.length).toBeGreaterThanOrEqual(5)
      expect(mandatory.length).toBeLessThanOrEqual(8)
      expect(mandatory.map((a) => a.title)).toEqual(expect.arrayContaining(['座席服务规范', '客户信息安全管理规定', '投诉处理时限规定']))
      for (const m of mandatory) expect(m.skill_group_id).toBeNull()

      const skillGroupIds = new Set((await db.selectFrom('skill_groups').select('id').execute()).map((g) => g.id))
      const restricted = articles.filter((a) => a.skill_group_id !== null)
      expect(restricted.length).toBeGreaterThan(0)
      expect(restricted.length).toBeLessThan(articles.length / 2)
      for (const r of restricted) expect(skillGroupIds.has(r.skill_group_id as string)).toBe(true)
      for (const title of ['如何查询话费账单', '宽带无法上网的排查步骤', '套餐变更规则', '退款流程', '投诉升级处理规范']) {
        const article = articles.find((a) => a.title === title)
        if (article) expect(article.body).toMatch(/【/)
      }
    })

    it('refuses to seed a second time and changes nothing', async () => {
      const before = await countRows(db, 'customers')
      const attempt = seedDemoData(db, { now: NOW })
      await expect(attempt).rejects.toBeInstanceOf(SeedTargetNotEmptyError)
      await expect(attempt).rejects.toThrow(/already has rows in agents/)
      expect(await countRows(db, 'customers')).toBe(before)
      expect(await countRows(db, 'agents')).toBe(34)
    })

    it('keeps SQL-injection-shaped text intact', async () => {
      const id = `injection-${backend.name}`
      await db
        .insertInto('customers')
        .values({ id, name: INJECTION, tier: '基础', kind: 'person', company: INJECTION, city: '北京', notes: `${INJECTION}\n第二行`, tags: "a','b", created_at: NOW, updated_at: NOW })
        .execute()
      await db.insertInto('customer_contacts').values({ id: `${id}-email`, customer_id: id, kind: 'email', value: INJECTION, normalized: INJECTION }).execute()

      const byName = await db.selectFrom('customers').selectAll().where('name', '=', INJECTION).execute()
      expect(byName).toHaveLength(1)
      expect(byName[0]).toMatchObject({ id, name: INJECTION, company: INJECTION, notes: `${INJECTION}\n第二行`, tags: "a','b" })
      const byPattern = await db.selectFrom('customers').select('id').where('name', 'like', "%'); DROP%").execute()
      expect(byPattern.map((r) => r.id)).toEqual([id])
      const contact = await db.selectFrom('customer_contacts').select('value').where('normalized', '=', INJECTION).executeTakeFirstOrThrow()
      expect(contact.value).toBe(INJECTION)
      expect(await countRows(db, 'agents')).toBe(34)
    })
  })
}

describe('demo dataset', () => {
  const options = { customers: 500, articles: 200, random: 7, now: NOW }

  it('is the same for the same seed and different for another', () => {
    const a = buildDemoDataset(options)
    expect(buildDemoDataset(options)).toEqual(a)
    const b = buildDemoDataset({ ...options, random: 8 })
    expect(b.organisation.staff.map((s) => s.display_name)).not.toEqual(a.organisation.staff.map((s) => s.display_name))
  })

  it('leaves agents and the KB unchanged when only the customer count changes', () => {
    const a = buildDemoDataset(options)
    const b = buildDemoDataset({ ...options, customers: 50 })
    expect(b.organisation).toEqual(a.organisation)
    expect(b.kb).toEqual(a.kb)
  })

  it('honours small and large counts with every tier and unique titles', () => {
    const small = buildDemoDataset({ ...options, customers: ALL_TIERS.length, articles: 10 })
    expect(new Set(small.customers.customers.map((c) => c.tier))).toEqual(new Set(ALL_TIERS))
    expect(small.kb.articles).toHaveLength(10)
    expect(small.kb.articles.filter((a) => a.mandatory === 1).length).toBeGreaterThanOrEqual(5)

    const large = buildDemoDataset({ ...options, customers: 3000, articles: 600 })
    expect(large.customers.customers).toHaveLength(3000)
    const titles = large.kb.articles.map((a) => a.title)
    expect(new Set(titles).size).toBe(600)

    const none = buildDemoDataset({ ...options, customers: 0, articles: 0 })
    expect(none.customers.customers).toEqual([])
    expect(none.kb.articles).toEqual([])
  })

  it('seeds a small centre with another password and rejects nonsense counts', async () => {
    const db = openDatabase(':memory:')
    try {
      await migrateToLatest(db)
      await expect(seedDemoData(db, { customers: -1 })).rejects.toThrow(/customers must be a whole number/)
      await expect(seedDemoData(db, { articles: 1.5 })).rejects.toThrow(/articles must be a whole number/)
      await expect(seedDemoData(db, { password: '' })).rejects.toThrow(/password/)
      const summary = await seedDemoData(db, { customers: 12, articles: 15, password: '客服Demo#2026', random: 42 })
      expect(summary).toMatchObject({ customers: 12, kbArticles: 15, agents: 30 })
      const lead = await db.selectFrom('agents').select('password_hash').where('username', '=', 'lead2').executeTakeFirstOrThrow()
      expect(await verifyPassword('客服Demo#2026', lead.password_hash)).toBe(true)
    } finally {
      await db.destroy()
    }
  }, 60_000)
})
