import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import type { SyncNotifier } from '../sync/sync-notifier'
import { ChangeSet } from './change-set'
import { logEvent, updateConversation } from './conversation-store'
import type { Inbox } from './inbox'

export interface SlaMonitorDeps {
  db: Kysely<Database>
  inbox: Inbox
  notifier: SyncNotifier
  log: Logger
  intervalMs?: number
  now?: () => number
}

type Breach = 'first_response' | 'resolution'

/**
 * Raises each SLA breach once: a conversation still unanswered at its first-response deadline, or
 * unresolved at its resolution deadline. The assigned agent and their leads are told (all leads
 * when nobody has it yet); the breach is stored as an event for reports.
 */
export class SlaMonitor {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private readonly now: () => number

  constructor(private readonly deps: SlaMonitorDeps) {
    this.now = deps.now ?? Date.now
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.deps.intervalMs ?? 5_000)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  /** One sweep; resolves when done (tests call it directly). */
  check(): Promise<void> {
    this.running ??= this.sweep()
      .catch((err: unknown) => this.deps.log.error({ err }, 'SLA check failed'))
      .finally(() => {
        this.running = null
      })
    return this.running
  }

  private async sweep(): Promise<void> {
    const { db } = this.deps
    const now = this.now()
    const rows = await db
      .selectFrom('conversations')
      .leftJoin('agents', 'agents.id', 'conversations.assigned_agent_id')
      .select([
        'conversations.id',
        'conversations.subject',
        'conversations.assigned_agent_id',
        'conversations.first_response_due_at',
        'conversations.first_responded_at',
        'conversations.resolution_due_at',
        'conversations.sla_alarmed',
        'agents.display_name',
        'agents.team_id',
      ])
      .where('conversations.status', '!=', 'resolved')
      .where((eb) =>
        eb.or([
          eb.and([eb('conversations.first_responded_at', 'is', null), eb('conversations.first_response_due_at', '<=', now)]),
          eb('conversations.resolution_due_at', '<=', now),
        ]),
      )
      .limit(500)
      .execute()
    const scopes = new Set<string>()
    for (const row of rows) {
      const alarmed = new Set(row.sla_alarmed.split(',').filter(Boolean))
      const breaches: Breach[] = []
      if (row.first_responded_at === null && row.first_response_due_at !== null && row.first_response_due_at <= now && !alarmed.has('first_response')) breaches.push('first_response')
      if (row.resolution_due_at !== null && row.resolution_due_at <= now && !alarmed.has('resolution')) breaches.push('resolution')
      if (breaches.length === 0) continue
      const touched = await db.transaction().execute(async (trx) => {
        const changes = new ChangeSet()
        for (const breach of breaches) await logEvent(trx, { conversationId: row.id, kind: 'sla_breach', agentId: row.assigned_agent_id, detail: breach, at: now })
        await updateConversation(trx, changes, row.id, { sla_alarmed: [...alarmed, ...breaches].join(',') }, now)
        return changes.flush(trx, now)
      })
      for (const scope of touched) scopes.add(scope)
      for (const breach of breaches) {
        this.deps.inbox.raiseAlert(
          { kind: 'sla_breach', conversationId: row.id, subject: row.subject, agentId: row.assigned_agent_id, agentName: row.display_name, detail: breach, at: now },
          row.team_id,
        )
      }
    }
    if (scopes.size > 0) this.deps.notifier.changed(scopes)
  }
}
