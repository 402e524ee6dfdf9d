/**
 * The AgentApi transport of a page served by the web host: a WebSocket to the host's bridge
 * (see shared/ipc/bridge-protocol.ts). Calls never hang: each one ends with its result, a
 * `timeout` after `callTimeoutMs`, or `offline` when the socket drops under it.
 */
import { fail, type ErrorCode, type Result } from '../../../shared/errors'
import type { AgentApiTransport } from '../../../shared/ipc/agent-api'
import {
  BRIDGE_CLOSE_BAD_ORIGIN,
  BRIDGE_CLOSE_BAD_SECRET,
  BRIDGE_MAX_FRAME_BYTES,
  HostToPageSchema,
  type HostToPage,
  type PageToHost,
} from '../../../shared/ipc/bridge-protocol'
import type { BridgeRefusal, BridgeStatus } from './bridge-status'

export interface WebBridgeOptions {
  url: string
  /** The launch secret; null means the page was opened without one and cannot be let in. */
  secret: string | null
  onStatus(status: BridgeStatus): void
  callTimeoutMs?: number
  createSocket?: (url: string) => WebSocket
}

interface PendingCall {
  frame: string
  sent: boolean
  resolve(result: Result<unknown>): void
  timer: ReturnType<typeof setTimeout>
}

const DEFAULT_CALL_TIMEOUT_MS = 15_000
const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 10_000

export function createWebBridgeTransport(options: WebBridgeOptions): AgentApiTransport {
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url))
  const pending = new Map<number, PendingCall>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let socket: WebSocket | null = null
  let ready = false
  let everReady = false
  let refusal: BridgeRefusal | null = null
  let failedAttempts = 0
  let nextCallId = 1

  function report(): void {
    if (refusal) options.onStatus({ phase: 'refused', refusal })
    else if (ready) options.onStatus({ phase: 'ready', refusal: null })
    else options.onStatus({ phase: everReady ? 'reconnecting' : 'connecting', refusal: null })
  }

  function connect(): void {
    const ws = createSocket(options.url)
    socket = ws
    ws.onopen = () => {
      const hello: PageToHost = { t: 'hello', secret: options.secret ?? '' }
      ws.send(JSON.stringify(hello))
    }
    ws.onmessage = (message) => {
      if (ws === socket && typeof message.data === 'string') handleFrame(message.data)
    }
    ws.onclose = (closed) => {
      if (ws === socket) handleClose(closed.code)
    }
  }

  function handleFrame(data: string): void {
    const frame = parseFrame(data)
    if (!frame) return
    switch (frame.t) {
      case 'ready':
        ready = true
        everReady = true
        failedAttempts = 0
        report()
        flushUnsent()
        return
      case 'result':
        settle(frame.id, frame.result)
        return
      case 'event':
        for (const listener of listeners.get(frame.event) ?? []) {
          try {
            listener(frame.payload)
          } catch (err) {
            console.error(`Listener for ${frame.event} failed`, err)
          }
        }
        return
    }
  }

  function handleClose(code: number): void {
    socket = null
    ready = false
    if (code === BRIDGE_CLOSE_BAD_SECRET || code === BRIDGE_CLOSE_BAD_ORIGIN) {
      refuse(code === BRIDGE_CLOSE_BAD_SECRET ? 'bad_secret' : 'bad_origin')
      return
    }
    // A call already sent will never get its answer from a new socket.
    for (const [id, call] of pending) {
      if (call.sent || everReady) settle(id, offline())
    }
    report()
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failedAttempts)
    failedAttempts += 1
    setTimeout(connect, delay * (0.75 + Math.random() * 0.5))
  }

  function refuse(reason: BridgeRefusal): void {
    refusal = reason
    const code: ErrorCode = reason === 'bad_origin' ? 'forbidden' : 'unauthenticated'
    for (const id of [...pending.keys()]) settle(id, fail(code, 'The web host refused this page'))
    report()
  }

  function flushUnsent(): void {
    for (const call of pending.values()) {
      if (!call.sent && socket) {
        socket.send(call.frame)
        call.sent = true
      }
    }
  }

  function settle(id: number, result: Result<unknown>): void {
    const call = pending.get(id)
    if (!call) return
    pending.delete(id)
    clearTimeout(call.timer)
    call.resolve(result)
  }

  function invoke(method: string, input: unknown): Promise<Result<unknown>> {
    if (refusal) return Promise.resolve(fail('unauthenticated', 'The web host refused this page'))
    // Until the first connection, calls wait for it (the app starts before the socket is up);
    // after a drop they fail at once so that the screen can say the agent is offline.
    if (!ready && everReady) return Promise.resolve(offline())
    const id = nextCallId++
    const call: PageToHost = { t: 'call', id, method, input }
    const frame = JSON.stringify(call)
    if (new TextEncoder().encode(frame).byteLength > BRIDGE_MAX_FRAME_BYTES) {
      return Promise.resolve(fail('payload_too_large', `The ${method} call is too large to send`))
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(id, fail('timeout', `${method} got no answer within ${callTimeoutMs} ms`)), callTimeoutMs)
      pending.set(id, { frame, sent: false, resolve, timer })
      if (ready && socket) {
        socket.send(frame)
        const entry = pending.get(id)
        if (entry) entry.sent = true
      }
    })
  }

  function on(event: string, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(event)
    if (!set) {
      set = new Set()
      listeners.set(event, set)
    }
    set.add(listener)
    return () => {
      listeners.get(event)?.delete(listener)
    }
  }

  if (options.secret === null) refuse('missing_secret')
  else {
    report()
    connect()
  }
  return { invoke, on }
}

function offline(): Result<never> {
  return fail('offline', 'Not connected to the local service')
}

function parseFrame(data: string): HostToPage | null {
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch {
    console.warn('Bridge sent a frame that is not JSON')
    return null
  }
  const parsed = HostToPageSchema.safeParse(json)
  if (!parsed.success) {
    console.warn('Bridge sent a frame outside the protocol', parsed.error.issues)
    return null
  }
  return parsed.data
}

/** ws(s)://<this page's host>/bridge: the bridge always lives next to the page that it serves. */
export function bridgeUrlFor(location: Location, path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${path}`
}
