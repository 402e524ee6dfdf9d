import { EventEmitter } from 'node:events'
import { AppError } from '../../../shared/errors'
import type { AgentProfile, Presence, ReasonCode, StateChange, TeamMember } from '../../../shared/domain/agent'
import type { ConnectionStatus, SessionSnapshot } from '../../../shared/ipc/agent-api'
import type { ForceState, Welcome } from '../../../shared/protocol/agent-socket'
import type { TokenPair } from '../../../shared/protocol/http-api'
import { ServerHttpClient } from '../connection/server-http'
import type { ServerConnection } from '../connection/server-connection'
import type { SessionVault } from './session-vault'
import type { TransferTargets } from '../../../shared/domain/conversations'

interface SessionEvents {
  session: [SessionSnapshot]
  presence: [Presence]
  teamMember: [TeamMember]
  connection: [ConnectionStatus]
}

const WELCOME_TIMEOUT_MS = 10_000

/**
 * The signed-in agent as the main process knows them. It outlives the renderer, so a reloaded
 * window picks the session up again with `snapshot()`.
 */
export class AgentSession extends EventEmitter<SessionEvents> {
  private agent: AgentProfile | null = null
  private presence: Presence | null = null
  private reasonCodes: ReasonCode[] = []
  /** server clock minus local clock, so state timers run in the desktop's clock */
  private clockOffsetMs = 0

  constructor(
    private readonly connection: ServerConnection,
    private readonly vault: SessionVault,
  ) {
    super()
    connection.on('status', (status) => this.emit('connection', status))
    connection.on('welcome', (welcome) => this.onWelcome(welcome))
    connection.on('agentState', (presence) => this.onOwnPresence(presence))
    connection.on('teamPresence', (member) => this.emit('teamMember', { ...member, presence: this.toLocal(member.presence) }))
    connection.on('tokens', (tokens) => void this.persist(tokens))
    connection.on('sessionEnded', () => {
      void this.vault.clear()
      this.clear()
    })
  }

  get profile(): AgentProfile | null {
    return this.agent
  }

  /** Picks up the session kept from the last run, so the agent can work from the cache even with the server down. */
  async restore(): Promise<boolean> {
    const stored = await this.vault.load()
    if (!stored) return false
    this.agent = stored.agent
    this.connection.open(new ServerHttpClient(stored.serverUrl), stored.tokens)
    this.emit('session', this.snapshot())
    return true
  }

  snapshot(): SessionSnapshot {
    return { agent: this.agent, presence: this.presence, reasonCodes: this.reasonCodes, connection: this.connection.status }
  }

  async login(serverUrl: string, username: string, password: string): Promise<SessionSnapshot> {
    const http = new ServerHttpClient(serverUrl)
    const response = await http.login(username, password)
    const { agent, ...tokens } = response
    this.agent = agent
    const welcomed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, WELCOME_TIMEOUT_MS)
      this.connection.once('welcome', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    this.connection.open(http, tokens)
    await this.vault.save({ serverUrl, agent, tokens })
    await welcomed
    this.emit('session', this.snapshot())
    return this.snapshot()
  }

  async logout(): Promise<void> {
    const { accessToken, refreshToken } = this.connection
    const serverUrl = this.connection.status.serverUrl
    if (accessToken && refreshToken && serverUrl) {
      // Signing out must work with the server down too; the server then just keeps the old state.
      await new ServerHttpClient(serverUrl).logout(accessToken, refreshToken).catch(() => undefined)
    }
    this.connection.close()
    await this.vault.clear()
    this.clear()
  }

  async setState(change: StateChange): Promise<Presence> {
    this.requireAgent()
    const presence = await this.connection.request('agentState:set', change)
    return this.onOwnPresence(presence)
  }

  /**
   * Shows a state chosen while offline at once; the queued operation carries it to the server,
   * whose answer then replaces this.
   */
  applyOfflineState(change: StateChange): Presence {
    const agent = this.requireAgent()
    const presence: Presence = {
      agentId: agent.id,
      state: change.state,
      reasonCode: change.state === 'not_ready' ? (change.reasonCode ?? null) : null,
      since: Date.now(),
      forcedBy: null,
      online: false,
    }
    this.presence = presence
    this.emit('presence', presence)
    return presence
  }

  async teamList(): Promise<TeamMember[]> {
    this.requireSupervisor()
    const members = await this.connection.request('team:list', {})
    return members.map((m) => ({ ...m, presence: this.toLocal(m.presence) }))
  }

  /** Needs the server: who is there and in which state is only known live. */
  async transferTargets(): Promise<TransferTargets> {
    return this.connection.request('transfer:targets', {})
  }

  async forceState(request: ForceState): Promise<Presence> {
    this.requireSupervisor()
    return this.toLocal(await this.connection.request('team:forceState', request))
  }

  /** Best effort: failing to keep the session only means signing in again after a restart. */
  private async persist(tokens: TokenPair): Promise<void> {
    const serverUrl = this.connection.status.serverUrl
    if (this.agent && serverUrl) await this.vault.save({ serverUrl, agent: this.agent, tokens }).catch(() => undefined)
  }

  private onWelcome(welcome: Welcome): void {
    this.clockOffsetMs = welcome.serverTime - Date.now()
    this.agent = welcome.agent
    this.reasonCodes = welcome.reasonCodes
    // The profile may have changed on the server (skills, team): keep the stored session current.
    const tokens = this.connection.currentTokens
    if (tokens) void this.persist(tokens)
    this.onOwnPresence(welcome.presence)
    this.emit('session', this.snapshot())
  }

  private onOwnPresence(serverPresence: Presence): Presence {
    const presence = this.toLocal(serverPresence)
    this.presence = presence
    this.emit('presence', presence)
    return presence
  }

  private toLocal(presence: Presence): Presence {
    return presence.since > 0 ? { ...presence, since: presence.since - this.clockOffsetMs } : presence
  }

  private clear(): void {
    this.agent = null
    this.presence = null
    this.reasonCodes = []
    this.emit('session', this.snapshot())
  }

  private requireAgent(): AgentProfile {
    if (!this.agent) throw new AppError('unauthenticated', 'Sign in first')
    return this.agent
  }

  private requireSupervisor(): void {
    const agent = this.requireAgent()
    if (agent.role === 'agent') throw new AppError('forbidden', 'Only team leads and admins may do this')
  }
}
