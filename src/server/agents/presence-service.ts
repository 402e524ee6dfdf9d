import { EventEmitter } from 'node:events'
import { AppError } from '../../shared/errors'
import type { AgentStateName, PersonRef, Presence } from '../../shared/domain/agent'
import type { Db } from '../db/database'
import type { AgentDirectory } from './agent-directory'

export interface StateRequest {
  state: AgentStateName
  reasonCode?: string | null | undefined
}

interface PresenceEvents {
  changed: [agentId: string, presence: Presence]
}

/**
 * The agent state machine's store: every change is written with its time (and who forced it)
 * before anyone is told. Whether a desktop is connected is tracked in memory per server process.
 */
export class PresenceService extends EventEmitter<PresenceEvents> {
  private readonly connections = new Map<string, number>()
  /** Announcements still reading the store; stopping the server waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>()

  constructor(
    private readonly db: Db,
    private readonly directory: AgentDirectory,
    private readonly now: () => number = Date.now,
  ) {
    super()
  }

  async get(agentId: string): Promise<Presence> {
    const row = await this.db.selectFrom('agent_presence').selectAll().where('agent_id', '=', agentId).executeTakeFirst()
    if (!row) return { agentId, state: 'signed_out', reasonCode: null, since: 0, forcedBy: null, online: this.isOnline(agentId) }
    return {
      agentId,
      state: row.state as AgentStateName,
      reasonCode: row.reason_code,
      since: row.since,
      forcedBy: row.forced_by ? await this.personRef(row.forced_by) : null,
      online: this.isOnline(agentId),
    }
  }

  /** Signing in moves a signed-out agent to not ready; an agent already working keeps their state. */
  async signIn(agentId: string): Promise<Presence> {
    const current = await this.get(agentId)
    if (current.state !== 'signed_out') return current
    return this.write(agentId, 'not_ready', null, null)
  }

  async setState(agentId: string, request: StateRequest, forcedBy: PersonRef | null): Promise<Presence> {
    const reasonCode = request.state === 'not_ready' ? (request.reasonCode ?? null) : null
    if (request.state === 'not_ready' && forcedBy === null && !reasonCode) {
      throw new AppError('invalid_argument', 'Choose a reason for not ready', { field: 'reasonCode' })
    }
    if (reasonCode && !(await this.directory.isReasonCode(reasonCode))) {
      throw new AppError('invalid_argument', `Unknown reason code: ${reasonCode}`, { field: 'reasonCode' })
    }
    return this.write(agentId, request.state, reasonCode, forcedBy)
  }

  connected(agentId: string): Promise<Presence> | undefined {
    const count = (this.connections.get(agentId) ?? 0) + 1
    this.connections.set(agentId, count)
    return count === 1 ? this.announce(agentId) : undefined
  }

  disconnected(agentId: string): Promise<Presence> | undefined {
    const count = (this.connections.get(agentId) ?? 1) - 1
    if (count > 0) {
      this.connections.set(agentId, count)
      return undefined
    }
    this.connections.delete(agentId)
    return this.announce(agentId)
  }

  isOnline(agentId: string): boolean {
    return (this.connections.get(agentId) ?? 0) > 0
  }

  private async write(agentId: string, state: AgentStateName, reasonCode: string | null, forcedBy: PersonRef | null): Promise<Presence> {
    const at = this.now()
    await this.db.transaction().execute(async (trx) => {
      const values = { state, reason_code: reasonCode, since: at, forced_by: forcedBy?.id ?? null }
      await trx
        .insertInto('agent_presence')
        .values({ agent_id: agentId, ...values })
        .onConflict((oc) => oc.column('agent_id').doUpdateSet(values))
        .execute()
      await trx.insertInto('agent_state_log').values({ agent_id: agentId, state, reason_code: reasonCode, at, forced_by: forcedBy?.id ?? null }).execute()
    })
    const presence: Presence = { agentId, state, reasonCode, since: at, forcedBy, online: this.isOnline(agentId) }
    this.emit('changed', agentId, presence)
    return presence
  }

  /** Resolves when every announcement under way has finished (or failed). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  private announce(agentId: string): Promise<Presence> {
    const work = this.get(agentId).then((presence) => {
      this.emit('changed', agentId, presence)
      return presence
    })
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined)
    return work
  }

  private async personRef(agentId: string): Promise<PersonRef> {
    const profile = await this.directory.profile(agentId)
    return { id: agentId, name: profile?.displayName ?? agentId }
  }
}
