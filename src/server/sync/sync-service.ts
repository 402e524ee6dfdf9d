import type { Kysely } from 'kysely'
import type { Role } from '../../shared/domain/agent'
import type { SyncPage, SyncPull, SyncPushResult } from '../../shared/protocol/sync'
import type { PresenceService } from '../agents/presence-service'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import type { InboxFollowUps } from './operations/op-outcome'
import { pullChanges } from './pull-changes'
import { OperationApplier } from './push-operations'
import type { SyncNotifier } from './sync-notifier'
import { loadViewer } from './sync-viewer'

export interface SyncServiceDeps {
  db: Kysely<Database>
  presence: PresenceService
  notifier: SyncNotifier
  log: Logger
  now?: () => number
  followUps?: InboxFollowUps
}

/** What the /agent namespace calls for `sync:pull` and `sync:push`; payloads are already validated. */
export class SyncService {
  private readonly applier: OperationApplier

  constructor(private readonly deps: SyncServiceDeps) {
    this.applier = new OperationApplier({ ...deps, now: deps.now ?? Date.now })
  }

  async pull(agent: { agentId: string; role: Role }, request: SyncPull): Promise<SyncPage> {
    return pullChanges(this.deps.db, await loadViewer(this.deps.db, agent), request, this.deps.log)
  }

  async push(agent: { agentId: string; role: Role }, request: { ops: readonly unknown[] }): Promise<SyncPushResult> {
    return this.applier.push(await loadViewer(this.deps.db, agent), request.ops)
  }
}
