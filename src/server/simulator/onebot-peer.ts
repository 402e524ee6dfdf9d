/**
 * A OneBot v11 implementation as the outside world runs it (NapCat, Lagrange, go-cqhttp), written
 * from the published spec (github.com/botuniverse/onebot-11) and from nothing in this server: the
 * QQ simulator of the demo and the tests' QQ client.
 *
 * Reverse WebSocket (communication/ws-reverse.md): it connects to the server with `X-Self-ID`,
 * `X-Client-Role` and `Authorization: Bearer <token>` (or `?access_token=`), pushes events
 * (event/*.md) and answers actions `{action, params, echo}` with `{status, retcode, data, echo}`
 * (communication/ws.md). Forward WebSocket: it listens and the server connects to it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import WebSocket, { WebSocketServer } from 'ws'

export interface PeerSegment {
  type: string
  data: Record<string, string>
}

export interface PeerAction {
  action: string
  params: Record<string, unknown>
  echo: unknown
}

export interface ActionAnswer {
  status?: 'ok' | 'async' | 'failed'
  retcode: number
  data?: unknown
  /** What NapCat and Lagrange add to explain a failure. */
  wording?: string
  message?: string
}

/** Decides the answer to an action; `null` leaves it unanswered. */
export type ActionAnswerer = (action: PeerAction, peer: OneBotPeer) => ActionAnswer | null | Promise<ActionAnswer | null>

export type ClientRole = 'Universal' | 'Event' | 'API'

export interface ReverseConnectOptions {
  /** e.g. ws://127.0.0.1:3800/onebot/v11/ws */
  url: string
  selfId: string
  accessToken?: string
  /** Where the token goes: the Authorization header (default) or the access_token query parameter. */
  tokenIn?: 'header' | 'query'
  role?: ClientRole
  /** Headers to send instead of the spec's (to test refusals). */
  headers?: Record<string, string>
  answer?: ActionAnswerer
}

export class PeerRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`OneBot connection refused with HTTP ${status}: ${body.trim()}`)
    this.name = 'PeerRefusedError'
  }
}

/** Text escaping of the string form (message/string.md). */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/\[/g, '&#91;').replace(/\]/g, '&#93;')
}

export function escapeParam(value: string): string {
  return escapeText(value).replace(/,/g, '&#44;')
}

/** Segments in the string form: text escaped, other segments as `[CQ:type,key=value,…]`. */
export function toCqString(segments: readonly PeerSegment[]): string {
  return segments
    .map((s) =>
      s.type === 'text'
        ? escapeText(s.data['text'] ?? '')
        : `[CQ:${s.type}${Object.entries(s.data)
            .map(([k, v]) => `,${k}=${escapeParam(v)}`)
            .join('')}]`,
    )
    .join('')
}

export const text = (value: string): PeerSegment => ({ type: 'text', data: { text: value } })
export const at = (qq: string, name?: string): PeerSegment => ({ type: 'at', data: name ? { qq, name } : { qq } })
export const face = (id: number): PeerSegment => ({ type: 'face', data: { id: String(id) } })
export const image = (file: string, url?: string): PeerSegment => ({ type: 'image', data: url ? { file, url } : { file } })
export const reply = (id: number | string): PeerSegment => ({ type: 'reply', data: { id: String(id) } })

export interface GroupMessage {
  groupId: string
  userId: string
  nickname: string
  card?: string
  role?: 'owner' | 'admin' | 'member'
  message: readonly PeerSegment[]
  /** Array (default) or the CQ-code string form. */
  encoding?: 'array' | 'string'
  messageId?: number
}

let messageIds = 1_000 + Math.floor(Math.random() * 1_000_000)

export class OneBotPeer {
  /** Every action the server sent, in order. */
  readonly actions: PeerAction[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private answerer: ActionAnswerer
  private readonly waiters = new Set<() => void>()

  constructor(
    private readonly ws: WebSocket,
    readonly selfId: string,
    answer?: ActionAnswerer,
  ) {
    this.answerer = answer ?? defaultAnswer
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    ws.on('message', (data) => void this.onMessage(data.toString()))
    ws.on('error', () => undefined)
  }

  /** Connects to a server's reverse WebSocket endpoint, as an implementation does at start. */
  static connect(options: ReverseConnectOptions): Promise<OneBotPeer> {
    const url = new URL(options.url)
    const headers: Record<string, string> = options.headers ?? {
      'X-Self-ID': options.selfId,
      'X-Client-Role': options.role ?? 'Universal',
      'User-Agent': 'OneBot/11 (qq) omnidesk-peer/1.0',
    }
    if (options.accessToken !== undefined && !options.headers) {
      if (options.tokenIn === 'query') url.searchParams.set('access_token', options.accessToken)
      else headers['Authorization'] = `Bearer ${options.accessToken}`
    }
    const ws = new WebSocket(url, { headers, perMessageDeflate: false })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new OneBotPeer(ws, options.selfId, options.answer)))
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => reject(new PeerRefusedError(res.statusCode ?? 0, body)))
        res.on('error', () => reject(new PeerRefusedError(res.statusCode ?? 0, body)))
      })
      ws.once('error', reject)
    })
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  answerWith(answerer: ActionAnswerer): void {
    this.answerer = answerer
  }

  nextMessageId(): number {
    messageIds = (messageIds % 2_000_000_000) + 1
    return messageIds
  }

  /** A group message event (event/message.md); resolves with its message_id once sent. */
  async postGroupMessage(message: GroupMessage): Promise<number> {
    const messageId = message.messageId ?? this.nextMessageId()
    const cq = toCqString(message.message)
    await this.postEvent({
      time: Math.floor(Date.now() / 1000),
      self_id: Number(this.selfId),
      post_type: 'message',
      message_type: 'group',
      sub_type: 'normal',
      message_id: messageId,
      group_id: Number(message.groupId),
      user_id: Number(message.userId),
      anonymous: null,
      message: message.encoding === 'string' ? cq : message.message,
      raw_message: cq,
      font: 0,
      sender: {
        user_id: Number(message.userId),
        nickname: message.nickname,
        card: message.card ?? '',
        sex: 'unknown',
        age: 0,
        area: '',
        level: '1',
        role: message.role ?? 'member',
        title: '',
      },
    })
    return messageId
  }

  /** The group_recall notice (event/notice.md). */
  postGroupRecall(recall: { groupId: string; userId: string; messageId: number; operatorId?: string }): Promise<void> {
    return this.postEvent({
      time: Math.floor(Date.now() / 1000),
      self_id: Number(this.selfId),
      post_type: 'notice',
      notice_type: 'group_recall',
      group_id: Number(recall.groupId),
      user_id: Number(recall.userId),
      operator_id: Number(recall.operatorId ?? recall.userId),
      message_id: recall.messageId,
    })
  }

  postHeartbeat(intervalMs = 5_000): Promise<void> {
    return this.postEvent({
      time: Math.floor(Date.now() / 1000),
      self_id: Number(this.selfId),
      post_type: 'meta_event',
      meta_event_type: 'heartbeat',
      status: { online: true, good: true },
      interval: intervalMs,
    })
  }

  postLifecycle(subType: 'enable' | 'disable' | 'connect' = 'connect'): Promise<void> {
    return this.postEvent({ time: Math.floor(Date.now() / 1000), self_id: Number(this.selfId), post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: subType })
  }

  postEvent(event: Record<string, unknown>): Promise<void> {
    return this.sendRaw(JSON.stringify(event))
  }

  /** Anything at all, for bad-input tests. */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(data, { binary: options.binary ?? false }, (err) => (err ? reject(err) : resolve())))
  }

  /** The first action (already received or still to come) that fits. */
  waitForAction(fits: (action: PeerAction) => boolean, timeoutMs = 10_000): Promise<PeerAction> {
    const found = this.actions.find(fits)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.actions.find(fits)
        if (!match) return
        cleanup()
        resolve(match)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error('no such action arrived'))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
    })
  }

  close(code = 1000): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code)
    return this.closed
  }

  terminate(): void {
    this.ws.terminate()
  }

  private async onMessage(raw: string): Promise<void> {
    let frame: unknown
    try {
      frame = JSON.parse(raw)
    } catch {
      return
    }
    if (typeof frame !== 'object' || frame === null || typeof (frame as { action?: unknown }).action !== 'string') return
    const { action, params, echo } = frame as { action: string; params?: unknown; echo?: unknown }
    const received: PeerAction = { action, params: typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {}, echo }
    this.actions.push(received)
    for (const waiter of [...this.waiters]) waiter()
    const answer = await this.answerer(received, this)
    if (!answer || this.ws.readyState !== WebSocket.OPEN) return
    const status = answer.status ?? (answer.retcode === 0 ? 'ok' : answer.retcode === 1 ? 'async' : 'failed')
    this.ws.send(JSON.stringify({ status, retcode: answer.retcode, data: answer.data ?? null, ...(answer.wording ? { wording: answer.wording } : {}), ...(answer.message ? { message: answer.message } : {}), echo }))
  }
}

/** send_group_msg succeeds with a fresh message id; anything else is unknown here (retcode 1404). */
export const defaultAnswer: ActionAnswerer = (action, peer) =>
  action.action === 'send_group_msg' || action.action === 'send_msg'
    ? { retcode: 0, data: { message_id: peer.nextMessageId() } }
    : { retcode: 1404, status: 'failed', data: null, wording: 'API 不存在' }

export interface ForwardServer {
  /** ws://127.0.0.1:port/ for the account's forward WebSocket URL. */
  url: string
  /** Resolves with the next client that connects and authenticates. */
  nextPeer(): Promise<OneBotPeer>
  /** Refused connection attempts so far (wrong or missing token). */
  refused: number
  close(): Promise<void>
}

/** A OneBot forward WebSocket server (communication/ws.md) on 127.0.0.1 for one bot account. */
export async function serveForward(options: { selfId: string; accessToken: string; answer?: ActionAnswerer; port?: number }): Promise<ForwardServer> {
  const http: Server = createServer((_req, res) => res.writeHead(404).end())
  const wss = new WebSocketServer({ noServer: true })
  const ready: OneBotPeer[] = []
  const waiting: ((peer: OneBotPeer) => void)[] = []
  const state = { refused: 0 }
  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const header = req.headers.authorization
    const token = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('access_token')
    if (!token || token !== options.accessToken) {
      state.refused += 1
      socket.end(`HTTP/1.1 ${token ? '403 Forbidden' : '401 Unauthorized'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = new OneBotPeer(ws, options.selfId, options.answer)
      const waiter = waiting.shift()
      if (waiter) waiter(peer)
      else ready.push(peer)
    })
  })
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve))
  const port = (http.address() as AddressInfo).port
  return {
    url: `ws://127.0.0.1:${port}/`,
    get refused() {
      return state.refused
    },
    nextPeer() {
      const peer = ready.shift()
      if (peer) return Promise.resolve(peer)
      return new Promise((resolve) => waiting.push(resolve))
    },
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}
