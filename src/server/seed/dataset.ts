import type { AgentPresenceTable, InteractionsTable } from '../db/schema'
import { buildCustomers, type CustomerData } from './customers'
import { buildInteractions } from './interactions'
import { buildKb, type KbData } from './kb'
import { buildOrganisation, type Organisation, type SkillKey } from './organisation'
import { createRandom } from './random'

export interface DatasetOptions {
  customers: number
  articles: number
  /** PRNG seed: the same seed and counts give the same rows (timestamps aside, which follow `now`). */
  random: number
  now: number
}

/** Everything the seed inserts except password hashes. Pure, so it can be inspected without a database. */
export interface DemoDataset {
  organisation: Organisation
  presence: AgentPresenceTable[]
  customers: CustomerData
  /** The customers' contact history of the last 90 days. */
  interactions: InteractionsTable[]
  kb: KbData
}

/**
 * Each part draws from its own stream so that, say, asking for more customers leaves the agents
 * and the KB unchanged; ids come from separate streams for the same reason.
 */
function streamSeed(seed: number, label: string): number {
  let hash = (seed ^ 0x811c9dc5) >>> 0
  for (const char of label) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0
  return hash
}

export function buildDemoDataset(options: DatasetOptions): DemoDataset {
  const stream = (label: string) => createRandom(streamSeed(options.random, label))
  const organisation = buildOrganisation(stream('organisation'), stream('organisation-ids'), options.now)
  const presence: AgentPresenceTable[] = organisation.staff.map((s) => ({
    agent_id: s.id,
    state: 'signed_out',
    reason_code: null,
    since: options.now,
    forced_by: null,
  }))
  const customers = buildCustomers(stream('customers'), stream('customer-ids'), options.customers, options.now)
  const skillGroupIds = Object.fromEntries(organisation.skillGroups.map((g) => [g.key, g.id])) as Record<SkillKey, string>
  const kb = buildKb(stream('kb'), stream('kb-ids'), options.articles, skillGroupIds, options.now)
  const agentIds = organisation.staff.filter((s) => s.role === 'agent').map((s) => s.id)
  const interactions = buildInteractions(stream('interactions'), stream('interaction-ids'), customers.customers, agentIds, options.now)
  return { organisation, presence, customers, interactions, kb }
}
