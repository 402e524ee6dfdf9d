/** Table types for Kysely. Times are ms since epoch (INTEGER / BIGINT). Ids are text. */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

export interface TeamsTable {
  id: string
  name: string
  created_at: number
}

export interface AgentsTable {
  id: string
  username: string
  display_name: string
  role: 'agent' | 'lead' | 'admin'
  team_id: string | null
  password_hash: string
  /** Simultaneous chats / emails the router may give this agent (issue 4 uses it). */
  chat_capacity: number
  email_capacity: number
  disabled: number
  created_at: number
}

export interface SkillGroupsTable {
  id: string
  name: string
  description: string
}

export interface AgentSkillsTable {
  agent_id: string
  skill_group_id: string
  level: number
}

export interface ReasonCodesTable {
  code: string
  label_zh: string
  label_en: string
  sort: number
  active: number
}

export interface AgentPresenceTable {
  agent_id: string
  state: string
  reason_code: string | null
  since: number
  forced_by: string | null
}

export interface AgentStateLogTable {
  id: Generated<number>
  agent_id: string
  state: string
  reason_code: string | null
  at: number
  /** Lead who forced it, null when the agent chose it. */
  forced_by: string | null
}

export interface RefreshTokensTable {
  id: string
  agent_id: string
  token_hash: string
  expires_at: number
  revoked_at: number | null
  created_at: number
}

export interface ServerSettingsTable {
  key: string
  value: string
}

export interface CustomersTable {
  id: string
  name: string
  /** 钻/金/银/基础 for consumers (diamond, gold, silver, basic); 1A–5A and 1B–5B for enterprises. */
  tier: string
  kind: 'person' | 'enterprise'
  company: string | null
  city: string | null
  notes: string
  tags: string
  /** Rises by one on every change; `customer.update` operations name the version they edited (migration 002). */
  version: Generated<number>
  created_at: number
  updated_at: number
}

export interface CustomerContactsTable {
  id: string
  customer_id: string
  kind: 'phone' | 'email' | 'qq'
  value: string
  /** Digits-only phone, lower-cased email, bare QQ number: what look-ups match on. */
  normalized: string
}

export interface KbCategoriesTable {
  id: string
  name: string
  parent_id: string | null
  sort: number
}

export interface KbArticlesTable {
  id: string
  category_id: string
  title: string
  /** Restricted HTML (p, h3, h4, ul, ol, li, strong, em, br, a) since migration 002; see sync/kb-html.ts. */
  body: string
  tags: string
  /** Mandatory regulation (规章) that agents must sign for. */
  mandatory: number
  /** Skill group that may see it; null for everyone. */
  skill_group_id: string | null
  version: number
  created_at: number
  updated_at: number
}

/** Entities whose changes desktops pull into their local cache. */
export type SyncedEntity = 'kb_category' | 'kb_article' | 'customer' | 'interaction' | 'kb_signoff' | 'reason_code'

/**
 * The global change log (migration 002): one row per write of a synced record, appended in the
 * same transaction as the write. `seq` is the sync cursor desktops keep.
 */
export interface ChangesTable {
  seq: Generated<number>
  entity: SyncedEntity
  /** For kb_signoff: `${agentId}:${articleId}`. */
  entity_id: string
  deleted: number
  at: number
}

/** Every operation a desktop pushed, written with its effect so that each id is applied once. */
export interface AppliedOpsTable {
  op_id: string
  agent_id: string
  type: string
  status: 'applied' | 'rejected'
  error_code: string | null
  error_message: string | null
  applied_at: number
}

/** A customer's history across channels: calls, chats, QQ and email contacts, and internal notes. */
export interface InteractionsTable {
  id: string
  customer_id: string
  channel: 'phone' | 'chat' | 'qq' | 'email' | 'note'
  direction: 'in' | 'out' | 'internal'
  summary: string
  agent_id: string | null
  at: number
}

/** An agent's sign-off (签收) of a mandatory article, at the version they read. */
export interface KbSignoffsTable {
  agent_id: string
  article_id: string
  version: number
  signed_at: number
}

export interface Database {
  teams: TeamsTable
  agents: AgentsTable
  skill_groups: SkillGroupsTable
  agent_skills: AgentSkillsTable
  reason_codes: ReasonCodesTable
  agent_presence: AgentPresenceTable
  agent_state_log: AgentStateLogTable
  refresh_tokens: RefreshTokensTable
  server_settings: ServerSettingsTable
  customers: CustomersTable
  customer_contacts: CustomerContactsTable
  kb_categories: KbCategoriesTable
  kb_articles: KbArticlesTable
  changes: ChangesTable
  applied_ops: AppliedOpsTable
  interactions: InteractionsTable
  kb_signoffs: KbSignoffsTable
}

export type AgentRow = Selectable<AgentsTable>
export type NewAgent = Insertable<AgentsTable>
export type AgentUpdate = Updateable<AgentsTable>
export type NewCustomer = Insertable<CustomersTable>
export type NewCustomerContact = Insertable<CustomerContactsTable>
export type NewKbArticle = Insertable<KbArticlesTable>
export type NewInteraction = Insertable<InteractionsTable>
export type AppliedOpRow = Selectable<AppliedOpsTable>
