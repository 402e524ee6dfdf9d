import { EventEmitter } from 'node:events'
import { io, type Socket } from 'socket.io-client'
import { AppError, type Result } from '../../../shared/errors'
import type { Presence, TeamMember } from '../../../shared/domain/agent'
import type { ConnectionStatus } from '../../../shared/ipc/agent-api'
import {
  AGENT_NAMESPACE,
  TeamPresenceSchema,
  WelcomeSchema,
  type ClientEventName,
  type ClientEventPayload,
  type ClientEventResults,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type Welcome,
} from '../../../shared/protocol/agent-socket'
import { PresenceSchema } from '../../../shared/domain/agent'
import type { TokenPair } from '../../../shared/protocol/http-api'
import { SyncNotifySchema } from '../../../shared/protocol/sync'
import { InboxAlertSchema, type InboxAlert } from '../../../shared/domain/conversations'
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff'
import type { ServerHttpClient } from './server-http'

interface ConnectionEvents {
  status: [ConnectionStatus]
  welcome: [Welcome]
  agentState: [Presence]
  teamPresence: [TeamMember]
  /** The server has newer synced data than this desktop may have. */
  syncChanged: [latest: number]
  /** A routing or SLA alarm for this agent (or, for a lead, their team). */
  inboxAlert: [InboxAlert]
  /** New tokens after a refresh: whoever keeps the session must store them. */
  tokens: [TokenPair]
  /** The server no longer accepts this session (refresh token revoked or expired). */
  sessionEnded: [reason: string]
}

export interface ServerConnectionOptions {
  backoff?: BackoffPolicy
  /** Failed attempts after which "reconnecting" is reported as "offline" (retries go on). */
  offlineAfterAttempts?: number
  requestTimeoutMs?: number
  /** Refresh the access token this long before it expires. */
  refreshMarginMs?: number
}

type AgentClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * The desktop's one socket.io connection to the central server: authenticates with the access
 * token, refreshes it before it runs out, and reconnects with backoff when the server or the
 * network goes away.
 */
export class ServerConnection extends EventEmitter<ConnectionEvents> {
  private socket: AgentClientSocket | undefined
  private tokens: TokenPair | undefined
  private http: ServerHttpClient | undefined
  private attempt = 0
  private retryTimer: NodeJS.Timeout | undefined
  private refreshTimer: NodeJS.Timeout | undefined
  private refreshing: Promise<void> | undefined
  private current: ConnectionStatus = { status: 'offline', serverUrl: null, nextRetryAt: null, lastError: null }
  private readonly options: Required<ServerConnectionOptions>

  constructor(options: ServerConnectionOptions = {}) {
    super()
    this.options = {
      backoff: options.backoff ?? defaultBackoff,
      offlineAfterAttempts: options.offlineAfterAttempts ?? 3,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      refreshMarginMs: options.refreshMarginMs ?? 60_000,
    }
  }

  get status(): ConnectionStatus {
    return this.current
  }

  get accessToken(): string | undefined {
    return this.tokens?.accessToken
  }

  get refreshToken(): string | undefined {
    return this.tokens?.refreshToken
  }

  get currentTokens(): TokenPair | undefined {
    return this.tokens
  }

  get isOnline(): boolean {
    return this.current.status === 'online'
  }

  open(http: ServerHttpClient, tokens: TokenPair): void {
    this.close()
    this.http = http
    this.tokens = tokens
    this.attempt = 0
    this.setStatus({ status: 'connecting', serverUrl: http.baseUrl, nextRetryAt: null, lastError: null })
    this.scheduleRefresh()
    const socket: AgentClientSocket = io(new URL(AGENT_NAMESPACE, http.baseUrl).toString(), {
      auth: (cb) => cb({ token: this.tokens?.accessToken }),
      reconnection: false,
      transports: ['websocket'],
      timeout: this.options.requestTimeoutMs,
    })
    this.socket = socket
    socket.on('session:welcome', (raw) => {
      const welcome = WelcomeSchema.safeParse(raw)
      if (!welcome.success) return
      this.attempt = 0
      this.setStatus({ status: 'online', serverUrl: http.baseUrl, nextRetryAt: null, lastError: null })
      this.emit('welcome', welcome.data)
    })
    socket.on('agentState:changed', (raw) => {
      const presence = PresenceSchema.safeParse(raw)
      if (presence.success) this.emit('agentState', presence.data)
    })
    socket.on('team:presence', (raw) => {
      const member = TeamPresenceSchema.safeParse(raw)
      if (member.success) this.emit('teamPresence', member.data)
    })
    socket.on('sync:changed', (raw) => {
      const notice = SyncNotifySchema.safeParse(raw)
      if (notice.success) this.emit('syncChanged', notice.data.latest)
    })
    socket.on('inbox:alert', (raw) => {
      const alert = InboxAlertSchema.safeParse(raw)
      if (alert.success) this.emit('inboxAlert', alert.data)
    })
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (err.data?.code === 'token_expired') void this.refreshThenRetry()
      else if (err.data?.code === 'unauthenticated') this.endSession('The server no longer accepts this session')
      else this.scheduleRetry(err.message)
    })
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return
      this.scheduleRetry(`Disconnected: ${reason}`)
    })
  }

  /** Sends one event and waits for the server's answer. */
  async request<E extends ClientEventName>(event: E, payload: ClientEventPayload<E>): Promise<ClientEventResults[E]> {
    const result = await this.send(event, payload)
    if (!result.ok && result.error.code === 'token_expired') {
      await this.refreshThenRetry()
      await this.waitOnline(this.options.requestTimeoutMs)
      return unwrapResult(await this.send(event, payload))
    }
    return unwrapResult(result)
  }

  close(): void {
    clearTimeout(this.retryTimer)
    clearTimeout(this.refreshTimer)
    this.retryTimer = undefined
    this.refreshTimer = undefined
    if (this.socket) {
      this.socket.removeAllListeners()
      this.socket.disconnect()
      this.socket = undefined
    }
    this.tokens = undefined
    if (this.current.status !== 'offline' || this.current.nextRetryAt !== null) {
      this.setStatus({ ...this.current, status: 'offline', nextRetryAt: null })
    }
  }

  private send<E extends ClientEventName>(event: E, payload: ClientEventPayload<E>): Promise<Result<ClientEventResults[E]>> {
    const socket = this.socket
    if (!socket?.connected || this.current.status !== 'online') {
      return Promise.resolve({ ok: false, error: { code: 'offline', message: 'Not connected to the server' } })
    }
    return new Promise((resolve) => {
      // socket.io's typed emit cannot follow the generic event name; the map above keeps it honest.
      const emit = socket.timeout(this.options.requestTimeoutMs).emit as unknown as (
        event: string,
        payload: unknown,
        ack: (err: Error | null, result: Result<ClientEventResults[E]>) => void,
      ) => void
      emit.call(socket, event, payload, (err, result) => {
        if (err) resolve({ ok: false, error: { code: 'timeout', message: 'The server did not answer in time' } })
        else resolve(result)
      })
    })
  }

  private waitOnline(timeoutMs: number): Promise<void> {
    if (this.current.status === 'online') return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('status', onStatus)
        reject(new AppError('offline', 'Not connected to the server'))
      }, timeoutMs)
      const onStatus = (status: ConnectionStatus) => {
        if (status.status !== 'online') return
        clearTimeout(timer)
        this.off('status', onStatus)
        resolve()
      }
      this.on('status', onStatus)
    })
  }

  private scheduleRetry(lastError: string): void {
    if (!this.socket || this.retryTimer) return
    const delay = backoffDelay(this.options.backoff, this.attempt)
    this.attempt += 1
    const status = this.attempt > this.options.offlineAfterAttempts ? 'offline' : 'reconnecting'
    this.setStatus({ status, serverUrl: this.current.serverUrl, nextRetryAt: Date.now() + delay, lastError })
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      void this.reconnect()
    }, delay)
  }

  private async reconnect(): Promise<void> {
    const tokens = this.tokens
    if (!this.socket || !tokens) return
    if (tokens.accessTokenExpiresAt - Date.now() < this.options.refreshMarginMs) {
      const refreshed = await this.refresh().then(
        () => true,
        (err: unknown) => {
          this.scheduleRetry(err instanceof Error ? err.message : 'Token refresh failed')
          return false
        },
      )
      if (!refreshed) return
    }
    this.socket?.connect()
  }

  private async refreshThenRetry(): Promise<void> {
    try {
      await this.refresh()
      this.socket?.disconnect()
      this.socket?.connect()
    } catch (err) {
      this.scheduleRetry(err instanceof Error ? err.message : 'Token refresh failed')
    }
  }

  /** One refresh at a time; a rejected refresh token ends the session, a network failure does not. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const http = this.http
      const tokens = this.tokens
      if (!http || !tokens) throw new AppError('unauthenticated', 'Not signed in')
      try {
        this.tokens = await http.refresh(tokens.refreshToken)
        this.emit('tokens', this.tokens)
        this.scheduleRefresh()
      } catch (err) {
        if (err instanceof AppError && (err.code === 'unauthenticated' || err.code === 'token_expired')) {
          this.endSession(err.message)
        }
        throw err
      }
    })().finally(() => {
      this.refreshing = undefined
    })
    return this.refreshing
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer)
    const tokens = this.tokens
    if (!tokens) return
    const lifetime = tokens.accessTokenExpiresAt - Date.now()
    const due = Math.max(1_000, Math.min(lifetime - this.options.refreshMarginMs, lifetime / 2))
    this.refreshTimer = setTimeout(() => {
      if (this.current.status === 'online') void this.refresh().catch(() => undefined)
    }, due)
    this.refreshTimer.unref?.()
  }

  private endSession(reason: string): void {
    this.close()
    this.setStatus({ status: 'offline', serverUrl: this.current.serverUrl, nextRetryAt: null, lastError: reason })
    this.emit('sessionEnded', reason)
  }

  private setStatus(status: ConnectionStatus): void {
    this.current = status
    this.emit('status', status)
  }
}

function unwrapResult<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw AppError.from(result.error)
}
