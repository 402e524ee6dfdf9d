/**
 * For implementations that only offer a forward WebSocket (communication/ws.md): the server
 * connects out to the account's URL as a Universal client (path `/` of the implementation serves
 * both events and actions), presenting the access token, and reconnects with a growing delay while
 * the account stays configured.
 */
import WebSocket from 'ws'
import type { Logger } from '../../logger'
import { MAX_ONEBOT_FRAME_BYTES } from './onebot-schemas'
import type { QqChannel } from './qq-channel'
import type { QqAccountConfig, QqSnapshot } from './qq-config'

const MIN_DELAY_MS = 1_000
const MAX_DELAY_MS = 30_000

class ForwardConnector {
  private ws: WebSocket | null = null
  private timer: NodeJS.Timeout | null = null
  private failures = 0
  private stopped = false

  constructor(
    readonly account: QqAccountConfig,
    private readonly channel: QqChannel,
    private readonly log: Logger,
    private readonly minDelayMs: number,
  ) {}

  start(): void {
    if (this.stopped || !this.account.forwardWsUrl) return
    const ws = new WebSocket(this.account.forwardWsUrl, {
      headers: { Authorization: `Bearer ${this.account.accessToken}` },
      maxPayload: MAX_ONEBOT_FRAME_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    })
    this.ws = ws
    ws.on('open', () => {
      this.failures = 0
      this.channel.adopt(ws, { selfId: this.account.selfId, role: 'Universal', origin: 'forward', token: this.account.accessToken })
    })
    ws.on('unexpected-response', (_req, res) => {
      this.log.warn({ selfId: this.account.selfId, status: res.statusCode }, 'OneBot forward WebSocket refused us')
      ws.terminate()
    })
    ws.on('error', (err) => this.log.warn({ selfId: this.account.selfId, err: err.message }, 'OneBot forward WebSocket error'))
    ws.on('close', () => {
      if (this.ws === ws) this.ws = null
      this.schedule()
    })
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.ws?.terminate()
    this.ws = null
  }

  private schedule(): void {
    if (this.stopped || this.timer) return
    const delay = Math.min(MAX_DELAY_MS, this.minDelayMs * 2 ** Math.min(this.failures, 10))
    this.failures += 1
    this.timer = setTimeout(() => {
      this.timer = null
      this.start()
    }, delay)
    this.timer.unref()
  }
}

/** Keeps one forward connector per enabled account that has a URL, following configuration changes. */
export class ForwardConnections {
  private readonly connectors = new Map<string, ForwardConnector>()

  constructor(
    private readonly channel: QqChannel,
    private readonly log: Logger,
    private readonly minDelayMs = MIN_DELAY_MS,
  ) {}

  reconcile(snapshot: QqSnapshot): void {
    for (const [selfId, connector] of this.connectors) {
      const account = snapshot.accounts.get(selfId)
      const same =
        account?.enabled &&
        account.forwardWsUrl === connector.account.forwardWsUrl &&
        account.accessToken === connector.account.accessToken
      if (!same) {
        connector.stop()
        this.connectors.delete(selfId)
      }
    }
    for (const account of snapshot.accounts.values()) {
      if (!account.enabled || !account.forwardWsUrl || this.connectors.has(account.selfId)) continue
      const connector = new ForwardConnector(account, this.channel, this.log, this.minDelayMs)
      this.connectors.set(account.selfId, connector)
      connector.start()
    }
  }

  stop(): void {
    for (const connector of this.connectors.values()) connector.stop()
    this.connectors.clear()
  }
}
