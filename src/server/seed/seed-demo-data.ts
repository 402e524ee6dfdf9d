import type { Kysely, Transaction } from 'kysely'
import type { Role } from '../../shared/domain/agent'
import { hashPassword } from '../auth/passwords'
import { recordChanges } from '../sync/change-log'
import type { Db } from '../db/database'
import type { Database } from '../db/schema'
import { ALL_TIERS } from './customers'
import { buildDemoDataset, type DemoDataset } from './dataset'
import { insertInboxSeed } from './inbox-seed'
import { insertKbSeedAttachments } from './kb-attachments'

export const DEFAULT_DEMO_PASSWORD = 'demo123'
export const DEFAULT_CUSTOMER_COUNT = 500
export const DEFAULT_ARTICLE_COUNT = 200
/** 95598: the power-repair hotline of the seed documents; any number works. */
export const DEFAULT_RANDOM_SEED = 95598

export interface SeedOptions {
  /** Password of every demo login. */
  password?: string
  customers?: number
  articles?: number
  /** Seed of the PRNG; the same seed gives the same names, customers and articles. */
  random?: number
  /** Clock for created_at / since; defaults to Date.now(). */
  now?: number
}

export interface DemoLogin {
  username: string
  displayName: string
  role: Role
  team: string | null
}

export interface SeedSummary {
  skillGroups: number
  teams: number
  /** Rows with role 'agent'; leads and admins are counted apart. */
  agents: number
  leads: number
  admins: number
  agentSkills: number
  presence: number
  /** Reason codes inserted; ones already present are kept as they are. */
  reasonCodes: number
  customers: number
  customersByTier: Record<string, number>
  contacts: { phone: number; email: number; qq: number }
  /** Past contacts (calls, chats, QQ, email, notes) across all customers. */
  interactions: number
  kbCategories: number
  kbArticles: number
  mandatoryArticles: number
  restrictedArticles: number
  logins: DemoLogin[]
  durationMs: number
}

export class SeedTargetNotEmptyError extends Error {
  constructor(readonly occupiedTables: Record<string, boolean>) {
    const names = Object.keys(occupiedTables).filter((t) => occupiedTables[t])
    super(
      `Refusing to load demo data: the database already has rows in ${names.join(', ')}. ` +
        'Demo data only goes into an empty database (a new SQLite file or a fresh PostgreSQL database).',
    )
    this.name = 'SeedTargetNotEmptyError'
  }
}

/** scrypt runs on libuv's thread pool (4 threads by default) at 32 MiB each: more at once only queues. */
const HASH_BATCH_SIZE = 4
/** Well under SQLite's and PostgreSQL's bound-parameter limits for the widest table. */
const INSERT_CHUNK_ROWS = 100
const MAX_CUSTOMERS = 1_000_000
const MAX_ARTICLES = 100_000

/**
 * Loads the demo centre — skill groups, teams, 34 logins, reason codes, customers with their
 * contact history, the KB, and a change-log row for each synced record —
 * into an empty, migrated database, in one transaction so a failure leaves it empty.
 */
export async function seedDemoData(db: Db, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = Date.now()
  const password = options.password ?? DEFAULT_DEMO_PASSWORD
  if (password === '') throw new Error('The demo password must not be empty')
  const now = options.now ?? Date.now()
  const dataset = buildDemoDataset({
    customers: count('customers', options.customers ?? DEFAULT_CUSTOMER_COUNT, MAX_CUSTOMERS),
    articles: count('articles', options.articles ?? DEFAULT_ARTICLE_COUNT, MAX_ARTICLES),
    random: options.random ?? DEFAULT_RANDOM_SEED,
    now,
  })

  // Checked before the slow hashing to fail fast, and again inside the transaction to be sure.
  await assertEmpty(db)
  const hashes = await hashInBatches(password, dataset.organisation.staff.length)
  let reasonCodes = 0
  await db.transaction().execute(async (trx) => {
    await assertEmpty(trx)
    reasonCodes = await insertDataset(trx, dataset, hashes)
    await insertKbSeedAttachments(trx, dataset.kb.articles, now)
    await insertInboxSeed(trx, dataset, now)
    await recordSyncedRecords(trx, dataset, now)
  })
  return summarise(dataset, reasonCodes, Date.now() - started)
}

function count(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`seedDemoData: ${name} must be a whole number from 0 to ${max}, got ${value}`)
  }
  return value
}

async function assertEmpty(db: Kysely<Database>): Promise<void> {
  const [agents, teams, skillGroups, customers, kbCategories, kbArticles] = await Promise.all([
    db.selectFrom('agents').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('teams').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('skill_groups').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('customers').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('kb_categories').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('kb_articles').select('id').limit(1).executeTakeFirst(),
  ])
  const occupied = {
    agents: agents !== undefined,
    teams: teams !== undefined,
    skill_groups: skillGroups !== undefined,
    customers: customers !== undefined,
    kb_categories: kbCategories !== undefined,
    kb_articles: kbArticles !== undefined,
  }
  if (Object.values(occupied).some(Boolean)) throw new SeedTargetNotEmptyError(occupied)
}

/** Every login gets its own salt, as real accounts would, so the hashes differ. */
async function hashInBatches(password: string, count: number): Promise<string[]> {
  const hashes: string[] = []
  while (hashes.length < count) {
    const batch = Math.min(HASH_BATCH_SIZE, count - hashes.length)
    hashes.push(...(await Promise.all(Array.from({ length: batch }, () => hashPassword(password)))))
  }
  return hashes
}

function chunks<T>(rows: readonly T[]): T[][] {
  const result: T[][] = []
  for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) result.push(rows.slice(i, i + INSERT_CHUNK_ROWS))
  return result
}

/** Parents before children, for the foreign keys. Returns how many reason codes were new. */
async function insertDataset(trx: Transaction<Database>, dataset: DemoDataset, hashes: readonly string[]): Promise<number> {
  const { organisation, presence, customers, kb } = dataset
  await trx.insertInto('skill_groups').values(organisation.skillGroups.map(({ id, name, description }) => ({ id, name, description }))).execute()
  await trx.insertInto('teams').values(organisation.teams.map((t) => ({ ...t, created_at: earliest(organisation) }))).execute()
  await trx
    .insertInto('agents')
    .values(organisation.staff.map((s, i) => ({ ...s, password_hash: hashes[i] as string })))
    .execute()
  for (const chunk of chunks(organisation.agentSkills)) await trx.insertInto('agent_skills').values(chunk).execute()
  for (const chunk of chunks(presence)) await trx.insertInto('agent_presence').values(chunk).execute()
  // Reason codes may already be configured (another seed or an admin); those are left alone.
  const reasonResult = await trx
    .insertInto('reason_codes')
    .values(organisation.reasonCodes)
    .onConflict((oc) => oc.column('code').doNothing())
    .executeTakeFirst()
  for (const chunk of chunks(customers.customers)) await trx.insertInto('customers').values(chunk).execute()
  for (const chunk of chunks(customers.contacts)) await trx.insertInto('customer_contacts').values(chunk).execute()
  // Parents first: the tree is built top-level before children, so insertion order is enough.
  for (const chunk of chunks(kb.categories)) await trx.insertInto('kb_categories').values(chunk).execute()
  for (const chunk of chunks(kb.articles)) await trx.insertInto('kb_articles').values(chunk).execute()
  for (const chunk of chunks(dataset.interactions)) await trx.insertInto('interactions').values(chunk).execute()
  return Number(reasonResult.numInsertedOrUpdatedRows ?? 0n)
}

/**
 * One change row per synced record, so desktops pull the whole centre from cursor 0. Parents
 * first: reason codes, KB categories (top level first), articles, customers, then their history.
 */
async function recordSyncedRecords(trx: Transaction<Database>, dataset: DemoDataset, at: number): Promise<void> {
  const { organisation, customers, interactions, kb } = dataset
  await recordChanges(trx, 'reason_code', organisation.reasonCodes.map((r) => r.code), at)
  await recordChanges(trx, 'kb_category', kb.categories.map((c) => c.id), at)
  await recordChanges(trx, 'kb_article', kb.articles.map((a) => a.id), at)
  await recordChanges(trx, 'customer', customers.customers.map((c) => c.id), at)
  await recordChanges(trx, 'interaction', interactions.map((i) => i.id), at)
}

/** Teams are as old as their longest-serving member. */
function earliest(organisation: DemoDataset['organisation']): number {
  return Math.min(...organisation.staff.map((s) => s.created_at))
}

function summarise(dataset: DemoDataset, reasonCodes: number, durationMs: number): SeedSummary {
  const { organisation, customers, kb } = dataset
  const teamName = new Map(organisation.teams.map((t) => [t.id, t.name]))
  const byRole = (role: Role): number => organisation.staff.filter((s) => s.role === role).length
  // Every tier listed, highest consumer tier first, even when a small seed has none of it.
  const customersByTier: Record<string, number> = Object.fromEntries(ALL_TIERS.map((tier) => [tier, 0]))
  for (const c of customers.customers) customersByTier[c.tier] = (customersByTier[c.tier] ?? 0) + 1
  const contactsOf = (kind: 'phone' | 'email' | 'qq'): number => customers.contacts.filter((c) => c.kind === kind).length
  const roleOrder: Record<Role, number> = { admin: 0, lead: 1, agent: 2 }
  return {
    skillGroups: organisation.skillGroups.length,
    teams: organisation.teams.length,
    agents: byRole('agent'),
    leads: byRole('lead'),
    admins: byRole('admin'),
    agentSkills: organisation.agentSkills.length,
    presence: dataset.presence.length,
    reasonCodes,
    customers: customers.customers.length,
    customersByTier,
    contacts: { phone: contactsOf('phone'), email: contactsOf('email'), qq: contactsOf('qq') },
    interactions: dataset.interactions.length,
    kbCategories: kb.categories.length,
    kbArticles: kb.articles.length,
    mandatoryArticles: kb.articles.filter((a) => a.mandatory === 1).length,
    restrictedArticles: kb.articles.filter((a) => a.skill_group_id !== null).length,
    logins: [...organisation.staff]
      .sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.username.localeCompare(b.username))
      .map((s) => ({ username: s.username, displayName: s.display_name, role: s.role, team: s.team_id === null ? null : (teamName.get(s.team_id) ?? null) })),
    durationMs,
  }
}
