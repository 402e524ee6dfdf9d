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
  /** VIP group (migration 003): conversations of VIP tiers go here first. */
  vip: Generated<number>
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
  /** A VIP customer's own agent (VIP受理专席), offered their conversations first (migration 003). */
  dedicated_agent_id: Generated<string | null>
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
export type SyncedEntity =
  | 'kb_category'
  | 'kb_article'
  | 'customer'
  | 'interaction'
  | 'kb_signoff'
  | 'reason_code'
  | 'conversation'
  | 'message'
  | 'canned_response'
  | 'disposition_code'
  | 'setting'
  | 'call'

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
  /** Who the change concerns (migration 003): '*' everyone, or 'agent:<id>', 'skill:<group id>', 'sup'. */
  scope: Generated<string>
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

/** Uploaded or received files (migration 003); the bytes live in the row. */
export interface AttachmentsTable {
  id: string
  name: string
  mime: string
  size: number
  sha256: string
  data: Uint8Array
  source: 'agent' | 'customer' | 'kb'
  uploaded_by: string | null
  created_at: number
}

export interface ConversationsTable {
  id: string
  /** phone (migration 008): a callback item for missed calls from one number. */
  channel: 'chat' | 'qq' | 'email' | 'phone'
  status: 'queued' | 'offered' | 'open' | 'resolved'
  thread_key: string
  subject: string
  identity_kind: 'visitor' | 'qq' | 'email' | 'phone'
  identity_value: string
  identity_name: string
  customer_id: string | null
  tier: string | null
  priority: number
  skill_group_id: string
  /** The owner when open; the agent it is offered to when offered. */
  assigned_agent_id: string | null
  offer_expires_at: number | null
  /** JSON object of strings. */
  meta: string
  created_at: number
  /** When it (last) entered the queue: routing serves the longest waiting first within a priority. */
  queued_at: number
  last_message_at: number
  last_message_preview: string
  unread: number
  first_response_due_at: number | null
  first_responded_at: number | null
  resolution_due_at: number | null
  /** Comma-separated SLA breaches already alarmed ('first_response', 'resolution'). */
  sla_alarmed: string
  snoozed_until: number | null
  resolved_at: number | null
  disposition: string | null
  rating: number | null
  version: number
  updated_at: number
}

export interface MessagesTable {
  id: string
  conversation_id: string
  direction: 'in' | 'out' | 'note' | 'system'
  author_name: string
  agent_id: string | null
  text: string
  html: string | null
  /** JSON array of AttachmentRef. */
  attachments: string
  reply_to_id: string | null
  external_id: string | null
  delivery: 'pending' | 'sent' | 'failed' | null
  delivery_error: string | null
  recalled: number
  created_at: number
}

export interface MessageAttachmentsTable {
  message_id: string
  attachment_id: string
}

export interface ConversationEventsTable {
  id: Generated<number>
  conversation_id: string
  kind: string
  agent_id: string | null
  detail: string
  at: number
}

export interface SlaPoliciesTable {
  channel: string
  priority: number
  first_response_ms: number
  resolution_ms: number
}

export interface CannedResponsesTable {
  id: string
  shortcut: string
  title: string
  text: string
  skill_group_id: string | null
  active: number
}

export interface DispositionCodesTable {
  code: string
  label_zh: string
  label_en: string
  sort: number
  active: number
}

/** Files attached to KB articles, in display order (migration 004). */
export interface KbArticleAttachmentsTable {
  article_id: string
  attachment_id: string
  sort: number
}

/** Every version of every KB article, the current one included (migration 004). */
export interface KbArticleVersionsTable {
  article_id: string
  version: number
  title: string
  body: string
  tags: string
  /** Null for versions from before the history was kept. */
  edited_by: string | null
  at: number
}

/** Centre-wide settings (migration 004); values are JSON. */
export interface CentreSettingsTable {
  key: string
  value: string
  updated_by: string | null
  updated_at: number
}

/** Each agent's own preferences (migration 004); values are JSON. */
export interface AgentSettingsTable {
  agent_id: string
  key: string
  value: string
  updated_at: number
}

/** A bot account a OneBot v11 implementation logs in as (migration 005). */
export interface QqAccountsTable {
  self_id: string
  name: string
  access_token: string
  forward_ws_url: string | null
  enabled: number
  created_at: number
  updated_at: number
}

/** A QQ group watched by a bot account, routed to a skill group (migration 005). */
export interface QqGroupsTable {
  self_id: string
  group_id: string
  name: string
  skill_group_id: string
  enabled: number
  created_at: number
  updated_at: number
}

/** A support mailbox of the email channel (migration 006). */
export interface EmailMailboxesTable {
  id: string
  address: string
  display_name: string
  imap_host: string
  imap_port: number
  imap_secure: number
  imap_user: string
  imap_password: string
  smtp_host: string
  smtp_port: number
  smtp_secure: number
  smtp_user: string
  smtp_password: string
  skill_group_id: string
  enabled: number
  poll_interval_ms: number
  created_at: number
  updated_at: number
}

/** Where receiving of a mailbox's INBOX stopped (migration 006). */
export interface EmailSyncStateTable {
  mailbox_id: string
  /** UIDVALIDITY as decimal text (it is a 32-bit unsigned number, kept exact). */
  uid_validity: string
  last_uid: number
  updated_at: number
}

/** A chat widget on a website (migration 007). */
export interface WebchatSitesTable {
  site_key: string
  name: string
  allowed_origin: string
  skill_group_id: string | null
  welcome_text: string
  enabled: number
  created_at: number
  updated_at: number
}

/** A web-chat visitor and what they told about themselves (migration 007). */
export interface WebchatVisitorsTable {
  visitor_id: string
  site_key: string
  name: string | null
  phone: string | null
  email: string | null
  first_seen_at: number
  last_seen_at: number
}

/** How far a visitor has read the agents' replies in a conversation (migration 007). */
export interface WebchatReadsTable {
  conversation_id: string
  up_to_message_id: string
  read_at: number
}

/** The comment a visitor left with their rating (migration 007). */
export interface WebchatFeedbackTable {
  conversation_id: string
  visitor_id: string
  rating: number
  comment: string
  at: number
}

/** The call log (migration 008): one row per call, written by the agent's desktop (call.log operations). */
export interface CallsTable {
  id: string
  agent_id: string
  direction: 'inbound' | 'outbound'
  remote_number: string
  /** Null when the call had no customer, or named one the server does not have. */
  customer_id: string | null
  offered_at: number
  answered_at: number | null
  ended_at: number
  duration_sec: number
  missed: number
  end_cause: string
  disposition: string | null
  note: string | null
  transferred_to: string | null
  /** The callback conversation a missed call was filed into. */
  conversation_id: string | null
  /** The customer-history row of the call, while there is one. */
  interaction_id: string | null
  created_at: number
  updated_at: number
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
  attachments: AttachmentsTable
  conversations: ConversationsTable
  messages: MessagesTable
  message_attachments: MessageAttachmentsTable
  conversation_events: ConversationEventsTable
  sla_policies: SlaPoliciesTable
  canned_responses: CannedResponsesTable
  disposition_codes: DispositionCodesTable
  email_mailboxes: EmailMailboxesTable
  email_sync_state: EmailSyncStateTable
  kb_article_attachments: KbArticleAttachmentsTable
  kb_article_versions: KbArticleVersionsTable
  centre_settings: CentreSettingsTable
  agent_settings: AgentSettingsTable
  qq_accounts: QqAccountsTable
  qq_groups: QqGroupsTable
  webchat_sites: WebchatSitesTable
  webchat_visitors: WebchatVisitorsTable
  webchat_reads: WebchatReadsTable
  webchat_feedback: WebchatFeedbackTable
  calls: CallsTable
  call_recordings: CallRecordingsTable
}

/** A call's recording as uploaded by the agent's desktop (migration 009). */
export interface CallRecordingsTable {
  call_id: string
  /** 0, then 1, 2 … when the desktop's media engine was replaced mid-call. */
  segment: number
  agent_id: string
  mime: string
  size: number
  sha256: string
  duration_sec: number
  data: Uint8Array
  uploaded_at: number
}

export type AgentRow = Selectable<AgentsTable>
export type NewAgent = Insertable<AgentsTable>
export type AgentUpdate = Updateable<AgentsTable>
export type NewCustomer = Insertable<CustomersTable>
export type NewCustomerContact = Insertable<CustomerContactsTable>
export type NewKbArticle = Insertable<KbArticlesTable>
export type NewInteraction = Insertable<InteractionsTable>
export type AppliedOpRow = Selectable<AppliedOpsTable>
