/**
 * The softphone bench's baseline: plain JsSIP running entirely inside a page (no main process, no
 * media port), bundled by esbuild (jssip-page-host.ts) and driven by the bench through
 * `window.benchPhone`. One user agent per page, configured like main's (softphone.ts): the same
 * UA options, `pcConfig` and audio-only constraints; the remote audio plays into an <audio>
 * element as the product's media engine does. Times are taken in the page with performance.now().
 */
import * as JsSIP from 'jssip'
import type { RTCSession } from 'jssip/lib/RTCSession'

// The bench's tsconfig has no DOM library: the few page objects used here, typed locally.
interface PageAudio {
  srcObject: unknown
  autoplay: boolean
  remove(): void
}
interface PagePeer {
  addEventListener(type: 'track', listener: (event: { streams: readonly unknown[] }) => void): void
  getStats(): Promise<{ forEach(callback: (report: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => void): void }>
}
declare const document: { createElement(tag: 'audio'): PageAudio; body: { append(node: PageAudio): void } }

export interface PageAccount {
  wsUrl: string
  uri: string
  password: string
  /** Answer every incoming call at once (the callee side of the bench). */
  autoAnswer: boolean
}

const CALL_OPTIONS = { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } }

let ua: JsSIP.UA | null = null
let account: PageAccount | null = null
let session: RTCSession | null = null
let speaker: PageAudio | null = null
let whenIdle: Array<() => void> = []

function play(s: RTCSession): void {
  const peer = s.connection as unknown as PagePeer | undefined
  peer?.addEventListener('track', (event) => {
    speaker ??= document.createElement('audio')
    speaker.autoplay = true
    speaker.srcObject = event.streams[0] ?? null
    document.body.append(speaker)
  })
}

function track(s: RTCSession): void {
  session = s
  const done = () => {
    if (session !== s) return
    session = null
    speaker?.remove()
    if (speaker) speaker.srcObject = null
    speaker = null
    const waiting = whenIdle
    whenIdle = []
    for (const resolve of waiting) resolve()
  }
  s.on('ended', done)
  s.on('failed', done)
}

/** Replaces the user agent (as main's configure does: stop the old one, start a new one) and resolves with start → registered in ms. */
function register(next: PageAccount): Promise<number> {
  const started = performance.now()
  ua?.removeAllListeners()
  ua?.stop()
  account = next
  const agent = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(next.wsUrl)],
    uri: next.uri,
    password: next.password,
    register: true,
    register_expires: 300,
    session_timers: false,
    connection_recovery_min_interval: 1,
    connection_recovery_max_interval: 15,
    user_agent: 'OmniDesk bench page',
  })
  ua = agent
  agent.on('newRTCSession', (e: { originator: 'local' | 'remote'; session: RTCSession }) => {
    if (e.originator !== 'remote') return
    if (session || !account?.autoAnswer) {
      e.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' })
      return
    }
    track(e.session)
    e.session.on('peerconnection', () => play(e.session))
    e.session.answer(CALL_OPTIONS)
  })
  return new Promise((resolve, reject) => {
    agent.on('registered', () => resolve(performance.now() - started))
    agent.on('registrationFailed', (e: { cause?: unknown }) => reject(new Error(`registration failed: ${String(e.cause)}`)))
    agent.start()
  })
}

/** ua.call() → confirmed, in ms. */
function call(target: string): Promise<number> {
  if (!ua) return Promise.reject(new Error('not registered'))
  if (session) return Promise.reject(new Error('a call is up already'))
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const s = ua!.call(target, {
      ...CALL_OPTIONS,
      eventHandlers: {
        confirmed: () => resolve(performance.now() - started),
        failed: (e: { cause?: unknown }) => reject(new Error(`call failed: ${String(e.cause)}`)),
      },
    }) as unknown as RTCSession
    track(s)
    play(s)
  })
}

/** Resolves once no call is up. */
function idle(): Promise<void> {
  return session ? new Promise((resolve) => whenIdle.push(resolve)) : Promise.resolve()
}

function hangup(): Promise<void> {
  if (session && !session.isEnded()) session.terminate()
  return idle()
}

/** RTP packets of the call's audio so far (to show audio flows), or null without a call. */
async function stats(): Promise<{ inboundPackets: number; outboundPackets: number } | null> {
  const peer = session?.connection as unknown as PagePeer | undefined
  if (!peer) return null
  let inboundPackets = 0
  let outboundPackets = 0
  ;(await peer.getStats()).forEach((report) => {
    if (report.kind !== 'audio') return
    if (report.type === 'inbound-rtp') inboundPackets += report.packetsReceived ?? 0
    if (report.type === 'outbound-rtp') outboundPackets += report.packetsSent ?? 0
  })
  return { inboundPackets, outboundPackets }
}

;(globalThis as Record<string, unknown>).benchPhone = { register, call, hangup, idle, stats }
