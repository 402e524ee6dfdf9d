/**
 * One WebSocket to a OneBot v11 implementation, whichever side opened it (a reverse WebSocket it
 * opened to us, or a forward WebSocket we opened to it). Events go to the channel one at a time,
 * in the order they came, so a member's messages are filed in order; actions go out with an
 * `echo` and wait for the answer carrying it back (communication/ws.md).
 */
import { randomUUID } from 'node:crypto'
import type { RawData, WebSocket } from 'ws'
import type { Logger } from '../../logger'
import { ActionResponseSchema, frameKind, type ActionResponse } from './onebot-schemas'

/** X-Client-Role of a reverse WebSocket; a forward WebSocket on `/` is Universal. */
export type ClientRole = 'Universal' | 'Event' | 'API'

export class ActionError extends Error {
  constructor(
    message: string,
    /** The action may not have reached the implementation, so sending again cannot double it. */
    readonly notSent: boolean,
  ) {
    super(message)
    this.name = 'ActionError'
  }
}

interface Pending {
  resolve(response: ActionResponse): void
  reject(err: Error): void
  timer: NodeJS.Timeout
}

/** Events waiting for their turn; beyond this the implementation is flooding us. */
const MAX_QUEUED_EVENTS = 10_000

export interface OneBotConnectionOptions {
  selfId: string
  role: ClientRole
  origin: 'reverse' | 'forward'
  log: Logger
  /** Handles one parsed event frame; never throws (errors are logged by the caller). */
  onEvent(connection: OneBotConnection, event: Record<string, unknown>): Promise<void>
  onClose(connection: OneBotConnection): void
  /** A ping this often; a peer that has not answered the previous one is dropped. */
  keepAliveMs?: number
}

export class OneBotConnection {
  readonly id = randomUUID()
  readonly since = Date.now()
  private readonly pending = new Map<string, Pending>()
  private queue: Promise<void> = Promise.resolve()
  private queued = 0
  private closed = false
  private alive = true
  private readonly keepAlive: NodeJS.Timeout | undefined

  constructor(
    private readonly ws: WebSocket,
    private readonly options: OneBotConnectionOptions,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary))
    ws.on('pong', () => {
      this.alive = true
    })
    ws.on('error', (err) => options.log.warn({ err: err.message, selfId: options.selfId }, 'OneBot socket error'))
    ws.on('close', (code) => {
      options.log.info({ selfId: options.selfId, role: options.role, origin: options.origin, code }, 'OneBot connection closed')
      this.shutDown()
    })
    if (options.keepAliveMs) {
      this.keepAlive = setInterval(() => {
        if (!this.alive) {
          options.log.warn({ selfId: options.selfId }, 'OneBot peer stopped answering pings')
          ws.terminate()
          return
        }
        this.alive = false
        ws.ping()
      }, options.keepAliveMs)
      this.keepAlive.unref()
    }
  }

  get selfId(): string {
    return this.options.selfId
  }

  get role(): ClientRole {
    return this.options.role
  }

  get origin(): 'reverse' | 'forward' {
    return this.options.origin
  }

  get open(): boolean {
    return !this.closed
  }

  /** Whether actions may be sent here (an Event client only pushes events). */
  get takesActions(): boolean {
    return this.options.role !== 'Event'
  }

  get takesEvents(): boolean {
    return this.options.role !== 'API'
  }

  /** Sends an action and resolves with the implementation's answer, whatever its retcode. */
  call(action: string, params: Record<string, unknown>, timeoutMs: number): Promise<ActionResponse> {
    if (this.closed) return Promise.reject(new ActionError('not connected', true))
    const echo = `omni-${randomUUID()}`
    return new Promise<ActionResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(echo)
        reject(new ActionError(`no answer to ${action} within ${Math.round(timeoutMs / 1000)} s`, false))
      }, timeoutMs)
      this.pending.set(echo, { resolve, reject, timer })
      this.ws.send(JSON.stringify({ action, params, echo }), (err) => {
        if (!err) return
        clearTimeout(timer)
        this.pending.delete(echo)
        reject(new ActionError(`could not send ${action}: ${err.message}`, true))
      })
    })
  }

  /** Waits for the events already received to be handled. */
  drained(): Promise<void> {
    return this.queue
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason)
    this.shutDown()
  }

  private shutDown(): void {
    if (this.closed) return
    this.closed = true
    if (this.keepAlive) clearInterval(this.keepAlive)
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      pending.reject(new ActionError('the connection closed before the answer came', false))
    }
    this.pending.clear()
    this.options.onClose(this)
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const log = this.options.log
    const text = rawText(data)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      log.warn({ selfId: this.selfId, binary: isBinary, bytes: text.length, head: text.slice(0, 80) }, 'OneBot frame is not JSON; ignored')
      return
    }
    const kind = frameKind(value)
    if (kind === 'response') {
      this.onResponse(value)
      return
    }
    if (kind !== 'event') {
      log.warn({ selfId: this.selfId, head: text.slice(0, 80) }, 'OneBot frame is neither an event nor an action answer; ignored')
      return
    }
    if (!this.takesEvents) {
      log.warn({ selfId: this.selfId }, 'event on an API-only OneBot connection; ignored')
      return
    }
    if (this.queued >= MAX_QUEUED_EVENTS) {
      log.error({ selfId: this.selfId }, 'too many OneBot events waiting; event dropped')
      return
    }
    this.queued += 1
    const event = value as Record<string, unknown>
    this.queue = this.queue.then(() =>
      this.options
        .onEvent(this, event)
        .catch((err: unknown) => log.error({ err, selfId: this.selfId }, 'OneBot event handling failed'))
        .finally(() => {
          this.queued -= 1
        }),
    )
  }

  private onResponse(value: unknown): void {
    const parsed = ActionResponseSchema.safeParse(value)
    if (!parsed.success) {
      this.options.log.warn({ selfId: this.selfId, issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) }, 'malformed OneBot action answer; ignored')
      return
    }
    const echo = typeof parsed.data.echo === 'string' ? parsed.data.echo : undefined
    const pending = echo === undefined ? undefined : this.pending.get(echo)
    if (!pending || echo === undefined) {
      this.options.log.warn({ selfId: this.selfId, echo: String(parsed.data.echo).slice(0, 80) }, 'OneBot answer to no action of ours; ignored')
      return
    }
    this.pending.delete(echo)
    clearTimeout(pending.timer)
    pending.resolve(parsed.data)
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}
