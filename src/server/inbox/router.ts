import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { capacityKind, type ConversationChannel } from '../../shared/domain/conversations'
import type { PresenceService } from '../agents/presence-service'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import type { SyncNotifier } from '../sync/sync-notifier'
import { ChangeSet } from './change-set'
import { loadOf, logEvent, relogMessages } from './conversation-store'
import type { Inbox } from './inbox'

export interface RouterDeps {
  db: Kysely<Database>
  presence: PresenceService
  inbox: Inbox
  notifier: SyncNotifier
  log: Logger
  /** How long an agent has to accept an offer before it goes to the next agent (read once per routing pass). */
  offerTimeoutMs: () => Promise<number>
  now?: () => number
}

/** Queued conversations looked at per pass; a longer queue is served over later passes. */
const PASS_SIZE = 200

interface Candidate {
  id: string
  teamId: string | null
  skills: Set<string>
  vip: boolean
  capacity: { chat: number; email: number }
  load: { chat: number; email: number }
  /** When the agent last got work (an offer) or became ready: the smallest waited longest. */
  idleSince: number
}

interface QueuedRow {
  id: string
  channel: ConversationChannel
  subject: string
  skill_group_id: string
  priority: number
  queued_at: number
  customer_id: string | null
}

/**
 * The automatic distribution of non-voice work (ACD). A queued conversation is offered to the best
 * available agent: ready and connected, has the skill, below capacity for the channel, waited
 * longest since their last work. Higher tiers are served first (priority, then time in queue); a
 * customer's dedicated agent gets their conversations first; VIP-tier conversations prefer agents
 * of a VIP group. An offer not accepted in time goes back to the queue for the next agent (never
 * the same one again) and the agent's lead is told. Agents who are not ready receive nothing new.
 *
 * Passes run one at a time; a kick during a pass runs one more pass after it.
 */
export class Router {
  private running: Promise<void> | null = null
  private again = false
  private expiryTimer: NodeJS.Timeout | null = null
  private stopped = false
  private readonly lastWork = new Map<string, number>()
  private readonly now: () => number

  constructor(private readonly deps: RouterDeps) {
    this.now = deps.now ?? Date.now
    deps.inbox.on('routingNeeded', () => this.kick())
    // An agent becoming ready (or connecting) may take queued work.
    deps.presence.on('changed', (_agentId, presence) => {
      if (presence.state === 'ready') this.kick()
    })
  }

  /** Looks at the queues again soon; resolves when that pass is done. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        // Each pass starts from a macrotask of its own, never inside the caller's. SQLite answers
        // synchronously, so a pass run inside the handler of each arriving message never let the
        // event loop reach its timers: a burst of 1,000 new chats ran 1,000 full passes (each
        // reading every ready agent) back to back, and every socket hit its ping timeout
        // (bench/inbox-load.ts). Now what arrives in one turn of the loop is served by one pass.
        await new Promise<void>((resolve) => setImmediate(resolve))
        this.again = false
        try {
          await this.pass()
        } catch (err) {
          this.deps.log.error({ err }, 'routing pass failed')
        }
      } while (this.again && !this.stopped)
    })().finally(() => {
      this.running = null
    })
    return this.running
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.expiryTimer) clearTimeout(this.expiryTimer)
    await this.running
  }

  private async pass(): Promise<void> {
    const scopes = new Set<string>()
    await this.expireOffers(scopes)
    await this.offerQueued(scopes)
    if (scopes.size > 0) this.deps.notifier.changed(scopes)
    await this.scheduleExpiry()
  }

  /** Offers past their time go back to the queue, keeping their place; the lead hears of it. */
  private async expireOffers(scopes: Set<string>): Promise<void> {
    const { db } = this.deps
    const now = this.now()
    const due = await db
      .selectFrom('conversations')
      .leftJoin('agents', 'agents.id', 'conversations.assigned_agent_id')
      .select(['conversations.id', 'conversations.subject', 'conversations.assigned_agent_id', 'conversations.skill_group_id', 'agents.display_name', 'agents.team_id'])
      .where('conversations.status', '=', 'offered')
      .where('conversations.offer_expires_at', '<=', now)
      .execute()
    for (const row of due) {
      const done = await db.transaction().execute(async (trx) => {
        const changes = new ChangeSet()
        changes.noteBefore({ id: row.id, assigned_agent_id: row.assigned_agent_id, status: 'offered', skill_group_id: row.skill_group_id })
        const result = await trx
          .updateTable('conversations')
          .set({ status: 'queued', assigned_agent_id: null, offer_expires_at: null, version: sql<number>`version + 1`, updated_at: now })
          .where('id', '=', row.id)
          .where('status', '=', 'offered')
          .where('offer_expires_at', '<=', now)
          .executeTakeFirst()
        if (Number(result.numUpdatedRows) === 0) return null
        changes.add('conversation', row.id)
        await logEvent(trx, { conversationId: row.id, kind: 'offer_timeout', agentId: row.assigned_agent_id, at: now })
        await relogMessages(trx, changes, row.id)
        return changes.flush(trx, now)
      })
      if (!done) continue
      for (const scope of done) scopes.add(scope)
      this.deps.inbox.raiseAlert(
        { kind: 'offer_timeout', conversationId: row.id, subject: row.subject, agentId: row.assigned_agent_id, agentName: row.display_name, detail: '', at: now },
        row.team_id,
      )
    }
  }

  private async offerQueued(scopes: Set<string>): Promise<void> {
    const { db } = this.deps
    const queued = (await db
      .selectFrom('conversations')
      .select(['id', 'channel', 'subject', 'skill_group_id', 'priority', 'queued_at', 'customer_id'])
      .where('status', '=', 'queued')
      .orderBy('priority')
      .orderBy('queued_at')
      .limit(PASS_SIZE)
      .execute()) as QueuedRow[]
    if (queued.length === 0) return
    const candidates = await this.candidates()
    if (candidates.length === 0) return
    const refused = await this.refusals(queued)
    const dedicated = await this.dedicatedAgents(queued)
    const timeoutMs = await this.deps.offerTimeoutMs()
    for (const conversation of queued) {
      const agent = this.pick(conversation, candidates, refused.get(conversation.id), dedicated.get(conversation.id))
      if (!agent) continue
      const touched = await this.offer(conversation, agent, timeoutMs)
      if (touched) {
        for (const scope of touched) scopes.add(scope)
        agent.load[capacityKind(conversation.channel)] += 1
        agent.idleSince = this.now()
        this.lastWork.set(agent.id, agent.idleSince)
      }
    }
  }

  private pick(conversation: QueuedRow, candidates: readonly Candidate[], refused: Set<string> | undefined, dedicatedId: string | undefined): Candidate | undefined {
    const kind = capacityKind(conversation.channel)
    const able = candidates.filter(
      (a) => a.skills.has(conversation.skill_group_id) && a.load[kind] < a.capacity[kind] && !refused?.has(a.id),
    )
    const own = dedicatedId ? candidates.find((a) => a.id === dedicatedId && a.load[kind] < a.capacity[kind] && !refused?.has(a.id)) : undefined
    if (own) return own
    const vipConversation = conversation.priority <= 2
    return able.sort((a, b) => {
      if (vipConversation && a.vip !== b.vip) return a.vip ? -1 : 1
      return a.idleSince - b.idleSince || a.id.localeCompare(b.id)
    })[0]
  }

  private async offer(conversation: QueuedRow, agent: Candidate, timeoutMs: number): Promise<Set<string> | null> {
    const now = this.now()
    return this.deps.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('conversations')
        .set({ status: 'offered', assigned_agent_id: agent.id, offer_expires_at: now + timeoutMs, version: sql<number>`version + 1`, updated_at: now })
        .where('id', '=', conversation.id)
        .where('status', '=', 'queued')
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) === 0) return null
      const changes = new ChangeSet().add('conversation', conversation.id)
      changes.noteBefore({ id: conversation.id, assigned_agent_id: null, status: 'queued', skill_group_id: conversation.skill_group_id })
      await logEvent(trx, { conversationId: conversation.id, kind: 'offered', agentId: agent.id, at: now })
      // The agent's desktop may not have seen this conversation's messages yet.
      await relogMessages(trx, changes, conversation.id)
      return changes.flush(trx, now)
    })
  }

  /** Ready, connected agents with their skills, capacity, current load and idle time. */
  private async candidates(): Promise<Candidate[]> {
    const { db, presence } = this.deps
    const ready = await db
      .selectFrom('agent_presence')
      .innerJoin('agents', 'agents.id', 'agent_presence.agent_id')
      .select(['agents.id', 'agents.team_id', 'agents.chat_capacity', 'agents.email_capacity', 'agent_presence.since'])
      .where('agent_presence.state', '=', 'ready')
      .where('agents.disabled', '=', 0)
      .execute()
    const online = ready.filter((a) => presence.isOnline(a.id))
    if (online.length === 0) return []
    const ids = online.map((a) => a.id)
    const [skills, load, lastOffers] = await Promise.all([
      db
        .selectFrom('agent_skills')
        .innerJoin('skill_groups', 'skill_groups.id', 'agent_skills.skill_group_id')
        .select(['agent_skills.agent_id', 'agent_skills.skill_group_id', 'skill_groups.vip'])
        .where('agent_skills.agent_id', 'in', ids)
        .execute(),
      loadOf(db, ids),
      this.lastOffers(ids),
    ])
    return online.map((a) => {
      const mine = skills.filter((s) => s.agent_id === a.id)
      return {
        id: a.id,
        teamId: a.team_id,
        skills: new Set(mine.map((s) => s.skill_group_id)),
        vip: mine.some((s) => s.vip === 1),
        capacity: { chat: a.chat_capacity, email: a.email_capacity },
        load: load.get(a.id) ?? { chat: 0, email: 0 },
        idleSince: Math.max(a.since, lastOffers.get(a.id) ?? 0),
      }
    })
  }

  /** When each agent was last offered work; kept in memory once read. */
  private async lastOffers(ids: readonly string[]): Promise<Map<string, number>> {
    const missing = ids.filter((id) => !this.lastWork.has(id))
    if (missing.length > 0) {
      const rows = await this.deps.db
        .selectFrom('conversation_events')
        .select(['agent_id', (eb) => eb.fn.max('at').as('at')])
        .where('kind', '=', 'offered')
        .where('agent_id', 'in', missing)
        .groupBy('agent_id')
        .execute()
      for (const id of missing) this.lastWork.set(id, 0)
      for (const row of rows) if (row.agent_id) this.lastWork.set(row.agent_id, Number(row.at))
    }
    return this.lastWork
  }

  /** Agents who declined or let an offer lapse since the conversation (last) entered the queue. */
  private async refusals(queued: readonly QueuedRow[]): Promise<Map<string, Set<string>>> {
    const rows = await this.deps.db
      .selectFrom('conversation_events')
      .select(['conversation_id', 'agent_id', 'at'])
      .where('kind', 'in', ['declined', 'offer_timeout'])
      .where('conversation_id', 'in', queued.map((q) => q.id))
      .execute()
    const since = new Map(queued.map((q) => [q.id, q.queued_at]))
    const refused = new Map<string, Set<string>>()
    for (const row of rows) {
      if (!row.agent_id || Number(row.at) < (since.get(row.conversation_id) ?? 0)) continue
      const set = refused.get(row.conversation_id) ?? new Set<string>()
      set.add(row.agent_id)
      refused.set(row.conversation_id, set)
    }
    return refused
  }

  private async dedicatedAgents(queued: readonly QueuedRow[]): Promise<Map<string, string>> {
    const customerIds = [...new Set(queued.flatMap((q) => q.customer_id ?? []))]
    if (customerIds.length === 0) return new Map()
    const rows = await this.deps.db
      .selectFrom('customers')
      .select(['id', 'dedicated_agent_id'])
      .where('id', 'in', customerIds)
      .where('dedicated_agent_id', 'is not', null)
      .execute()
    const byCustomer = new Map(rows.map((r) => [r.id, r.dedicated_agent_id as string]))
    return new Map(queued.flatMap((q) => (q.customer_id && byCustomer.has(q.customer_id) ? [[q.id, byCustomer.get(q.customer_id) as string] as const] : [])))
  }

  private async scheduleExpiry(): Promise<void> {
    if (this.stopped) return
    const next = await this.deps.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.min('offer_expires_at').as('at'))
      .where('status', '=', 'offered')
      .executeTakeFirst()
    if (this.expiryTimer) clearTimeout(this.expiryTimer)
    this.expiryTimer = null
    if (next?.at === null || next?.at === undefined || this.stopped) return
    const delay = Math.max(0, Number(next.at) - this.now()) + 5
    this.expiryTimer = setTimeout(() => void this.kick(), delay)
    this.expiryTimer.unref()
  }
}
