/**
 * The test registrar itself (resources/kamailio/kamailio.cfg through tests/support/kamailio.ts),
 * driven by plain JsSIP user agents under Node: digest authentication, registration and
 * re-registration after a restart, and call routing between WebSocket user agents (INVITE, ACK,
 * BYE, INFO, REFER and the transferee's INVITE). Media is not part of it: a minimal stand-in
 * RTCPeerConnection lets JsSIP produce and accept SDP. KAMAILIO_LOG=1 prints Kamailio's log at the
 * end (it is printed after every failed test anyway).
 */
import { createSocket } from 'node:dgram'
import type { EventEmitter } from 'node:events'
import JsSIP from 'jssip'
import type { RTCSession } from 'jssip/lib/RTCSession'
import type { RTCSessionEvent, UA } from 'jssip/lib/UA'
import { WebSocket } from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { kamailioInstalled, startKamailio, type Kamailio } from '../support/kamailio'

// Locally a missing Kamailio skips these tests; in CI it is a failure (startKamailio throws).
const runnable = kamailioInstalled() || Boolean(process.env.CI)

const USERS = [
  { username: 'agent1001', password: 'Pa55-word.1001' },
  { username: 'agent1002', password: 'Pa55-word.1002' },
  { username: 'agent1003', password: 'Pa55-word.1003' },
  { username: 'agent1004', password: 'Pa55-word.1004' },
]
const [A, B, C, D] = USERS as [typeof USERS[number], typeof USERS[number], typeof USERS[number], typeof USERS[number]]

// ---- the world JsSIP expects under Node (only inside this test process) ----

const SDP = (id: number): string =>
  [
    'v=0',
    `o=- ${id} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 127.0.0.1',
    'a=rtpmap:111 opus/48000/2',
    'a=sendrecv',
    '',
  ].join('\r\n')

interface Description {
  type: string
  sdp: string
}

/** Just enough of RTCPeerConnection for JsSIP's offer/answer: no ICE, no media. */
class FakePeerConnection extends EventTarget {
  static created = 0
  readonly id = ++FakePeerConnection.created
  iceGatheringState = 'complete'
  iceConnectionState = 'new'
  signalingState = 'stable'
  localDescription: Description | null = null
  remoteDescription: Description | null = null
  async createOffer(): Promise<Description> {
    return { type: 'offer', sdp: SDP(this.id) }
  }
  async createAnswer(): Promise<Description> {
    return { type: 'answer', sdp: SDP(this.id) }
  }
  async setLocalDescription(description: Description): Promise<void> {
    this.localDescription = description
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable'
  }
  async setRemoteDescription(description: Description): Promise<void> {
    this.remoteDescription = description
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable'
  }
  addTrack(): object {
    return {}
  }
  getSenders(): object[] {
    return []
  }
  getReceivers(): object[] {
    return []
  }
  close(): void {
    this.signalingState = 'closed'
  }
}

class FakeSessionDescription implements Description {
  type: string
  sdp: string
  constructor(init: Description) {
    this.type = init.type
    this.sdp = init.sdp
  }
}

// Passed to call()/answer() so JsSIP never asks for getUserMedia.
const noMedia = { getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [], removeTrack: () => undefined }
const callOptions = { mediaStream: noMedia as never, pcConfig: { iceServers: [] } }

const GLOBALS = ['WebSocket', 'window', 'RTCPeerConnection', 'RTCSessionDescription'] as const
const saved = new Map<string, PropertyDescriptor | undefined>()

function installGlobals(): void {
  const values: Record<(typeof GLOBALS)[number], unknown> = {
    WebSocket,
    window: { RTCPeerConnection: FakePeerConnection },
    RTCPeerConnection: FakePeerConnection,
    RTCSessionDescription: FakeSessionDescription,
  }
  for (const name of GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name))
    Object.defineProperty(globalThis, name, { value: values[name], configurable: true, writable: true })
  }
}

function restoreGlobals(): void {
  for (const name of GLOBALS) {
    const descriptor = saved.get(name)
    if (descriptor) Object.defineProperty(globalThis, name, descriptor)
    else Reflect.deleteProperty(globalThis, name)
  }
}

// ---- helpers ----

function next<T>(emitter: EventEmitter, event: string, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener)
      reject(new Error(`timed out waiting for ${what}`))
    }, timeoutMs)
    const listener = (data: T): void => {
      clearTimeout(timer)
      resolve(data)
    }
    emitter.once(event, listener)
  })
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

interface SipError {
  cause: string
  response?: { status_code: number }
  message?: { status_code: number }
}

describe.skipIf(!runnable)('Kamailio registrar for JsSIP over WebSocket', () => {
  let kamailio: Kamailio
  const agents: UA[] = []

  function agent(user: { username: string; password: string }, register = true): UA {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(kamailio.wsUrl)],
      uri: kamailio.uri(user.username),
      password: user.password,
      register,
      session_timers: false,
      // Reconnect within 1-2 s after the registrar went away (the default waits 2 s and up).
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 2,
      user_agent: 'omni-kamailio-test',
    })
    agents.push(ua)
    return ua
  }

  async function registered(user: { username: string; password: string }): Promise<UA> {
    const ua = agent(user)
    const done = next(ua, 'registered', `${user.username} to register`)
    ua.start()
    await done
    return ua
  }

  /** Answers every incoming call on `ua` the way `respond` says. */
  function onIncoming(ua: UA, respond: (session: RTCSession) => void): void {
    ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (event.originator === 'remote') respond(event.session)
    })
  }

  async function stopAgents(): Promise<void> {
    const all = agents.splice(0)
    await Promise.all(
      all.map(async (ua) => {
        // stop() unregisters, then waits a fixed 2 s for open transactions before it closes the
        // socket; close it as soon as the un-REGISTER is answered instead.
        const unregistered = ua.isRegistered() ? next(ua, 'unregistered', 'the un-REGISTER', 5_000).catch(() => undefined) : undefined
        ua.stop()
        await unregistered
        ;(ua as unknown as { transport: { disconnect(): void } }).transport.disconnect()
      }),
    )
    await until(() => all.every((ua) => !ua.isConnected()), 'the user agents to disconnect')
  }

  beforeAll(async () => {
    installGlobals()
    kamailio = await startKamailio({ users: [A, B, C] })
  })

  afterEach(async (context) => {
    await stopAgents()
    if (context.task.result?.state === 'fail') console.error(`----- kamailio log -----\n${kamailio?.logs()}`)
  })

  afterAll(async () => {
    if (process.env.KAMAILIO_LOG) console.error(kamailio?.logs())
    await kamailio?.stop()
    restoreGlobals()
  })

  it('registers two user agents with their passwords', async () => {
    const started = performance.now()
    const [a, b] = await Promise.all([registered(A), registered(B)])
    console.info(`two JsSIP user agents started and registered in parallel (WebSocket connect, REGISTER, 401, REGISTER, 200): ${(performance.now() - started).toFixed(1)} ms`)
    expect(a.isRegistered()).toBe(true)
    expect(b.isRegistered()).toBe(true)
    // Once connected: REGISTER, 401, REGISTER with credentials, 200. (JsSIP emits `registered`
    // only on a change, not for a refresh.)
    const gone = next(a, 'unregistered', 'the un-REGISTER')
    a.unregister()
    await gone
    const again = next(a, 'registered', 'the second registration')
    const registering = performance.now()
    a.register()
    await again
    console.info(`one more registration on the open WebSocket: ${(performance.now() - registering).toFixed(1)} ms`)
  })

  it('refuses a wrong password and an unknown user with an authentication error', async () => {
    for (const user of [{ ...C, password: 'wrong-password' }, { username: 'nobody', password: 'whatever' }]) {
      const ua = agent(user)
      const failed = next<SipError>(ua, 'registrationFailed', `${user.username} to fail`)
      ua.start()
      const error = await failed
      expect(error.cause).toBe(JsSIP.C.causes.AUTHENTICATION_ERROR)
      expect(error.response?.status_code).toBe(401)
      expect(ua.isRegistered()).toBe(false)
    }
    // Nothing was registered for C: a call to it is not routed anywhere.
    const a = await registered(A)
    const call = a.call(kamailio.uri(C.username), callOptions)
    const failed = await next<SipError>(call, 'failed', 'the call to the unregistered user to fail')
    expect(failed.message?.status_code).toBe(404)
  })

  it('refuses to register one user with the credentials of another', async () => {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(kamailio.wsUrl)],
      uri: kamailio.uri(B.username),
      authorization_user: A.username,
      password: A.password,
      register: false,
    })
    agents.push(ua)
    ua.start()
    await next(ua, 'connected', 'the socket')
    const failed = next<SipError>(ua, 'registrationFailed', 'the registration to fail')
    ua.register()
    const error = await failed
    expect(error.response?.status_code).toBe(403)
  })

  it('challenges calls too: a caller with a wrong password gets nowhere', async () => {
    await registered(B)
    const ua = agent({ ...A, password: 'wrong-password' }, false)
    ua.start()
    await next(ua, 'connected', 'the socket')
    let rang = false
    const b = agents[0] as UA
    onIncoming(b, () => (rang = true))
    const failed = await next<SipError>(ua.call(kamailio.uri(B.username), callOptions), 'failed', 'the call to fail')
    expect(failed.message?.status_code).toBe(407)
    expect(failed.cause).toBe(JsSIP.C.causes.AUTHENTICATION_ERROR)
    expect(rang).toBe(false)
  })

  it('accepts a user added while it runs', async () => {
    kamailio.addUser(D)
    const d = await registered(D)
    expect(d.isRegistered()).toBe(true)
    expect(() => kamailio.addUser(D)).toThrow(/exists already/)
    expect(() => kamailio.addUser({ username: 'has:colon', password: 'x' })).toThrow(/username/)
    expect(() => kamailio.addUser({ username: 'fine', password: 'bad:password' })).toThrow(/password/)
  })

  it('answers 404 for a call to a user who is not registered', async () => {
    const a = await registered(A)
    const call = a.call(kamailio.uri(B.username), callOptions)
    const failed = await next<SipError>(call, 'failed', 'the call to fail')
    expect(failed.message?.status_code).toBe(404)
    expect(failed.cause).toBe(JsSIP.C.causes.NOT_FOUND)
  })

  it('routes a call between two registered user agents: INVITE, 200, ACK, INFO both ways, BYE', async () => {
    const [a, b] = await Promise.all([registered(A), registered(B)])
    let incoming: RTCSession | undefined
    onIncoming(b, (session) => {
      incoming = session
      session.answer(callOptions)
    })
    const started = performance.now()
    const call = a.call(kamailio.uri(B.username), callOptions)
    await next(call, 'confirmed', 'the caller to see the call confirmed')
    console.info(`INVITE → confirmed through Kamailio: ${(performance.now() - started).toFixed(1)} ms`)
    await until(() => incoming?.isEstablished() === true, 'the callee to see the call established')
    const callee = incoming as RTCSession
    expect(callee.remote_identity.uri.user).toBe(A.username)

    // In-dialog requests in both directions follow the Record-Route and the Contact aliases.
    // (JsSIP turns application/dtmf-relay INFOs into newDTMF events, other types into newInfo.)
    const dtmfAtCallee = next<{ dtmf: { tone: string } }>(callee, 'newDTMF', 'the INFO DTMF at the callee')
    call.sendDTMF('5', { transportType: JsSIP.C.DTMF_TRANSPORT.INFO })
    expect((await dtmfAtCallee).dtmf.tone).toBe('5')
    const infoAtCaller = next<{ originator: string; info: { body: string } }>(call, 'newInfo', 'INFO at the caller')
    callee.sendInfo('application/x-omni-note', 'from the callee')
    const info = await infoAtCaller
    expect(info.originator).toBe('remote')
    expect(info.info.body).toBe('from the callee')

    const ended = next<{ originator: string }>(callee, 'ended', 'the BYE at the callee')
    call.terminate()
    expect((await ended).originator).toBe('remote')
  })

  it('routes the BYE of the callee back to the caller', async () => {
    const [a, b] = await Promise.all([registered(A), registered(B)])
    onIncoming(b, (session) => {
      session.on('confirmed', () => session.terminate())
      session.answer(callOptions)
    })
    const call = a.call(kamailio.uri(B.username), callOptions)
    const ended = await next<{ originator: string }>(call, 'ended', 'the BYE at the caller')
    expect(ended.originator).toBe('remote')
  })

  it('passes busy (486) and unavailable (480) through to the caller', async () => {
    const [a, b] = await Promise.all([registered(A), registered(B)])
    const answers = [486, 480]
    onIncoming(b, (session) => session.terminate({ status_code: answers.shift() ?? 603 }))
    const busy = await next<SipError>(a.call(kamailio.uri(B.username), callOptions), 'failed', 'the busy call to fail')
    expect(busy.message?.status_code).toBe(486)
    expect(busy.cause).toBe(JsSIP.C.causes.BUSY)
    const unavailable = await next<SipError>(a.call(kamailio.uri(B.username), callOptions), 'failed', 'the unavailable call to fail')
    expect(unavailable.message?.status_code).toBe(480)
    expect(unavailable.cause).toBe(JsSIP.C.causes.UNAVAILABLE)
  })

  it('answers 480 for a registered user whose WebSocket is gone', async () => {
    const [a, b] = await Promise.all([registered(A), registered(B)])
    // Closed without unregistering, as when the agent's network drops: the registration stays.
    ;(b as unknown as { transport: { disconnect(): void } }).transport.disconnect()
    await until(() => !b.isConnected(), 'the callee to disconnect')
    const failed = await next<SipError>(a.call(kamailio.uri(B.username), callOptions), 'failed', 'the call to fail')
    expect(failed.message?.status_code).toBe(480)
  })

  it('relays a blind transfer: REFER, the transferee’s INVITE to the target, NOTIFY back', async () => {
    const [a, b, c] = await Promise.all([registered(A), registered(B), registered(C)])
    let atB: RTCSession | undefined
    onIncoming(b, (session) => {
      atB = session
      session.answer(callOptions)
    })
    let atC: RTCSession | undefined
    onIncoming(c, (session) => {
      atC = session
      session.answer(callOptions)
    })
    const call = a.call(kamailio.uri(B.username), callOptions)
    await next(call, 'confirmed', 'A → B confirmed')
    await until(() => atB?.isEstablished() === true, 'B to see the call established')

    // A (the transferee) accepts the REFER and calls C itself, in a new session.
    const transferred = new Promise<RTCSession>((resolve) => {
      call.on('refer', (refer) => refer.accept((session: RTCSession) => resolve(session), callOptions))
    })
    const referAccepted = new Promise<void>((resolve, reject) => {
      ;(atB as RTCSession).refer(kamailio.uri(C.username), {
        eventHandlers: { accepted: () => resolve(), failed: () => reject(new Error('the transfer failed at B')) },
      })
    })
    const toC = await transferred
    await next(toC, 'confirmed', 'A → C confirmed')
    await referAccepted // B heard "200 OK" for the new call in a NOTIFY
    await until(() => atC?.isEstablished() === true, 'C to see the call established')
    expect((atC as RTCSession).remote_identity.uri.user).toBe(A.username)
    // B leaves the call it transferred (JsSIP leaves that to the application).
    const originalEnded = next(call, 'ended', 'A to see B hang up')
    ;(atB as RTCSession).terminate()
    await originalEnded

    const ended = next(atC as RTCSession, 'ended', 'C to see the hang-up')
    toC.terminate()
    await ended
  })

  it('answers plain SIP over UDP: an unauthenticated REGISTER is challenged', async () => {
    const socket = createSocket('udp4')
    try {
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
      const port = socket.address().port
      const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())))
      const request = [
        `REGISTER sip:${kamailio.domain} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-omni-${Date.now()};rport`,
        'Max-Forwards: 70',
        `From: <sip:${A.username}@${kamailio.domain}>;tag=omni1`,
        `To: <sip:${A.username}@${kamailio.domain}>`,
        `Call-ID: omni-udp-${Date.now()}@127.0.0.1`,
        'CSeq: 1 REGISTER',
        `Contact: <sip:${A.username}@127.0.0.1:${port}>`,
        'Expires: 60',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n')
      socket.send(request, kamailio.udpPort, '127.0.0.1')
      const text = await Promise.race([
        reply,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no reply over UDP')), 5_000)),
      ])
      expect(text).toMatch(/^SIP\/2\.0 401 /)
      expect(text).toMatch(/WWW-Authenticate: Digest realm="sip\.omni\.test"/i)
    } finally {
      socket.close()
    }
  })

  it('after a restart the user agents register again on their own and calls work again', async () => {
    const [a, b] = await Promise.all([registered(A), registered(B)])
    const lost = Promise.all([next(a, 'unregistered', 'A to notice'), next(b, 'unregistered', 'B to notice')])
    const back = Promise.all([next(a, 'registered', 'A to register again', 20_000), next(b, 'registered', 'B to register again', 20_000)])
    const restarted = performance.now()
    await kamailio.restart()
    await lost
    await back
    console.info(`re-registration after the restart: ${(performance.now() - restarted).toFixed(0)} ms (JsSIP reconnects after 1-2 s)`)

    onIncoming(b, (session) => session.answer(callOptions))
    const call = a.call(kamailio.uri(B.username), callOptions)
    await next(call, 'confirmed', 'the call after the restart')
    call.terminate()
  })

  it('leaves no process behind when stopped', async () => {
    const other = await startKamailio({ users: [A] })
    const pid = other.pid()
    expect(pid).toBeGreaterThan(0)
    const stopping = performance.now()
    await other.stop()
    console.info(`stop: ${(performance.now() - stopping).toFixed(0)} ms`)
    expect(() => process.kill(-(pid as number), 0)).toThrow()
    expect(other.pid()).toBeNull()
  })
})

describe('test registrar input checks', () => {
  it.skipIf(!runnable)('rejects bad users and domains before starting anything', async () => {
    await expect(startKamailio({ users: [{ username: 'a b', password: 'x' }] })).rejects.toThrow(/username/)
    await expect(startKamailio({ users: [{ username: 'ok', password: '' }] })).rejects.toThrow(/password/)
    await expect(startKamailio({ domain: 'bad domain"' })).rejects.toThrow(/domain/)
  })
})
