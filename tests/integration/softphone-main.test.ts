/**
 * The main-process softphone alone under Node: two or three desktops' services (each with its
 * JsSIP user agent) against a real Kamailio and a real central server. Media goes through the
 * real media port to a stand-in engine (tests/support/fake-media-engine.ts); real audio is
 * tested in Chromium. Registration, wrong password, re-registration after Kamailio restarts,
 * busy when not ready, a full call with screen pop, hold, DTMF, the agent state following the
 * phone, transfer, and bad input from the renderer and the network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordChanges } from '../../src/server/sync/change-log'
import type { PhoneSnapshot } from '../../src/shared/domain/phone'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { attachFakeMediaEngine, fakeRecording, type FakeMediaEngine } from '../support/fake-media-engine'
import { ServerHttpClient } from '../../src/main/services/connection/server-http'
import { kamailioInstalled, startKamailio, type Kamailio } from '../support/kamailio'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'

const runnable = kamailioInstalled() || Boolean(process.env.CI)

// The customer's line is an agent's phone here: A plays the customer calling from her mobile.
const SIP = {
  a: { username: '13800138000', password: 'sip-pass-a' },
  b: { username: '8002', password: 'sip-pass-b' },
  c: { username: '8003', password: 'sip-pass-c' },
}

type Desk = TestDesktop & { media: FakeMediaEngine }

/** Resolves with the phone's snapshot once it matches; fails with the last one seen, to show why. */
async function phoneState(desk: TestDesktop, predicate: (s: PhoneSnapshot) => boolean, timeoutMs = 8_000): Promise<PhoneSnapshot> {
  let last = await desk.api.invoke('phone.get')
  if (predicate(last)) return last
  return desk
    .next('phone.changed', (s) => {
      last = s
      return predicate(s)
    }, timeoutMs)
    .catch(() => {
      throw new Error(`The phone never reached the expected state; last: ${JSON.stringify({ registration: last.registration.state, wrapUp: last.wrapUp, calls: last.calls.map((c) => [c.direction, c.state, c.remoteNumber, c.endCause, c.held, c.remoteHeld]) })}`)
    })
}

describe.runIf(runnable)('softphone in the main process (real Kamailio, real server)', () => {
  let kamailio: Kamailio
  let centre: RunningCentre
  const desks: Desk[] = []
  let a: Desk
  let b: Desk
  let c: Desk

  async function desk(username: string, sip: { username: string; password: string }): Promise<Desk> {
    const d = await startTestDesktop()
    await d.api.invoke('session.login', { serverUrl: centre.server.url, username, password: PASSWORD })
    const media = await attachFakeMediaEngine(d)
    await d.api.invoke('phone.configure', { wsUrl: kamailio.wsUrl, sipUri: kamailio.uri(sip.username), password: sip.password })
    await phoneState(d, (s) => s.registration.state === 'registered')
    const result = { ...d, media }
    desks.push(result)
    return result
  }

  beforeAll(async () => {
    kamailio = await startKamailio({ users: Object.values(SIP) })
    centre = await startSeededCentre(async (db) => {
      await seedMiniCentre(db)
      const now = Date.now()
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('customers').values({ id: 'c-caller', name: '赵敏', tier: '金', kind: 'person', company: null, city: '杭州', notes: '', tags: '', created_at: now, updated_at: now }).execute()
        await trx.insertInto('customer_contacts').values({ id: 'cc-caller', customer_id: 'c-caller', kind: 'phone', value: '+86 138-0013-8000', normalized: '13800138000' }).execute()
        await recordChanges(trx, 'customer', ['c-caller'])
      })
    })
    a = await desk('agent1', SIP.a)
    b = await desk('agent2', SIP.b)
    c = await desk('agent3', SIP.c)
    // B's cache must hold the customer for the screen pop to answer from it.
    await b.next('sync.changed', (s) => s.phase === 'idle', 10_000).catch(() => undefined)
  }, 60_000)

  afterAll(async () => {
    for (const d of desks) await d.dispose()
    await centre?.server.stop()
    await kamailio?.stop()
  })

  /** The recording as the server serves it to `username`, or the HTTP status when it does not. */
  async function recordingAs(username: string, callId: string, segment?: number): Promise<Buffer | number> {
    return (await recordingSegmentAs(username, callId, segment)).body
  }

  async function recordingSegmentAs(username: string, callId: string, segment?: number): Promise<{ body: Buffer | number; segments: string | null }> {
    const { accessToken } = await new ServerHttpClient(centre.server.url).login(username, PASSWORD)
    const query = segment === undefined ? '' : `?segment=${segment}`
    const response = await fetch(`${centre.server.url}/api/recordings/${callId}${query}`, { headers: { authorization: `Bearer ${accessToken}` } })
    return { body: response.ok ? Buffer.from(await response.arrayBuffer()) : response.status, segments: response.headers.get('x-recording-segments') }
  }

  async function ready(d: Desk): Promise<void> {
    await d.api.invoke('agentState.set', { state: 'ready' })
  }

  /** A (the customer) calls B, B answers; resolves once the call is up on both sides. */
  async function customerCallsB() {
    const dialled = await a.api.invoke('phone.dial', { target: SIP.b.username })
    const incoming = (await phoneState(b, (s) => s.calls.some((x) => x.state === 'ringing'))).calls.find((x) => x.state === 'ringing')!
    await b.api.invoke('phone.answer', { callId: incoming.id })
    await phoneState(a, (s) => s.calls.some((x) => x.id === dialled.id && x.state === 'active'))
    await phoneState(b, (s) => s.calls.some((x) => x.id === incoming.id && x.state === 'active'))
    return { dialled, incoming }
  }

  it('shows the registered account without its password', async () => {
    const snapshot = await a.api.invoke('phone.get')
    expect(snapshot.registration.state).toBe('registered')
    expect(snapshot.account).toMatchObject({ sipUri: kamailio.uri(SIP.a.username), authUser: SIP.a.username, hasPassword: true })
    expect(JSON.stringify(snapshot)).not.toContain(SIP.a.password)
    expect(snapshot.mediaReady).toBe(true)
  })

  it('says plainly when the password is wrong, and registers once it is corrected', async () => {
    const d = await startTestDesktop()
    desks.push({ ...d, media: undefined as never })
    await d.api.invoke('session.login', { serverUrl: centre.server.url, username: 'lead1', password: PASSWORD })
    kamailio.addUser({ username: '8009', password: 'right-one' })
    await d.api.invoke('phone.configure', { wsUrl: kamailio.wsUrl, sipUri: kamailio.uri('8009'), password: 'wrong-one' })
    const failed = await phoneState(d, (s) => s.registration.state === 'failed')
    expect(failed.registration.error).toBe('auth')
    await d.api.invoke('phone.configure', { wsUrl: kamailio.wsUrl, sipUri: kamailio.uri('8009'), password: 'right-one' })
    await phoneState(d, (s) => s.registration.state === 'registered')
  })

  it('answers busy when the agent is not ready, and the agent sees nothing ring', async () => {
    await b.api.invoke('agentState.set', { state: 'not_ready', reasonCode: 'break' })
    const seenByB: PhoneSnapshot[] = []
    const off = b.api.on('phone.changed', (s) => seenByB.push(s))
    const call = await a.api.invoke('phone.dial', { target: SIP.b.username })
    const ended = await phoneState(a, (s) => s.calls.some((x) => x.id === call.id && x.state === 'ended'))
    off()
    expect(ended.calls.find((x) => x.id === call.id)?.endCause).toBe('busy')
    expect(seenByB.flatMap((s) => s.calls)).toEqual([])
  })

  it('rings a ready agent with the caller looked up in the cache, then follows the call through the agent state', async () => {
    await ready(b)
    const dialled = await a.api.invoke('phone.dial', { target: SIP.b.username })
    const ringing = await phoneState(b, (s) => s.calls.some((x) => x.state === 'ringing'))
    const incoming = ringing.calls.find((x) => x.state === 'ringing')!
    expect(incoming).toMatchObject({ direction: 'inbound', remoteNumber: SIP.a.username, customer: { id: 'c-caller', name: '赵敏', tier: '金' } })

    await b.api.invoke('phone.answer', { callId: incoming.id })
    await phoneState(b, (s) => s.calls.some((x) => x.id === incoming.id && x.state === 'active'))
    await phoneState(a, (s) => s.calls.some((x) => x.id === dialled.id && x.state === 'active'))
    await b.next('agentState.changed', (p) => p.state === 'on_call').catch(async () => {
      expect((await b.api.invoke('session.get')).presence?.state).toBe('on_call')
    })

    // Hold: A sees the far side holding; resume.
    await b.api.invoke('phone.hold', { callId: incoming.id, held: true })
    await phoneState(a, (s) => s.calls.some((x) => x.id === dialled.id && x.remoteHeld))
    expect(b.media.requests.some((r) => r.callId === incoming.id && r.request.op === 'setSending' && !r.request.enabled)).toBe(true)
    await b.api.invoke('phone.hold', { callId: incoming.id, held: false })
    await phoneState(a, (s) => s.calls.some((x) => x.id === dialled.id && !x.remoteHeld))

    // DTMF: INFO digits arrive at the far side; RFC 4733 goes to the sender's media engine.
    await a.api.invoke('phone.dtmf', { callId: dialled.id, tones: '12#', via: 'info' })
    await phoneState(b, (s) => s.calls.some((x) => x.id === incoming.id && x.dtmfReceived === '12#'), 10_000)
    await a.api.invoke('phone.dtmf', { callId: dialled.id, tones: '5', via: 'rfc4733' })
    await expect.poll(() => a.media.peers.get(dialled.id)?.dtmf).toBe('5')

    await b.api.invoke('phone.mute', { callId: incoming.id, muted: true })
    await phoneState(b, (s) => s.calls.some((x) => x.id === incoming.id && x.muted))

    // A hangs up: B goes to after-call work, then finishes it with a disposition.
    await a.api.invoke('phone.hangup', { callId: dialled.id })
    const wrapping = await phoneState(b, (s) => s.wrapUp?.callId === incoming.id)
    expect(wrapping.calls.find((x) => x.id === incoming.id)).toMatchObject({ state: 'ended', endCause: 'remote' })
    await expect.poll(async () => (await b.api.invoke('session.get')).presence?.state).toBe('after_call_work')
    await b.api.invoke('phone.wrapUp', { callId: incoming.id, disposition: 'consult', note: '咨询话费' })
    await expect.poll(async () => (await b.api.invoke('session.get')).presence?.state).toBe('ready')

    const log = await b.api.invoke('phone.callLog', {})
    expect(log[0]).toMatchObject({ id: incoming.id, direction: 'inbound', customerId: 'c-caller', missed: false, disposition: 'consult', note: '咨询话费' })
    const outLog = await a.api.invoke('phone.callLog', {})
    expect(outLog.find((r) => r.id === dialled.id)).toMatchObject({ direction: 'outbound', remoteNumber: SIP.b.username })

    // The centre records every call (its default policy): both sides' recordings reach the server.
    await expect.poll(() => recordingAs('agent2', incoming.id), { timeout: 10_000 }).toEqual(fakeRecording(incoming.id))
    await expect.poll(() => recordingAs('agent1', dialled.id), { timeout: 10_000 }).toEqual(fakeRecording(dialled.id))
    expect(await recordingAs('lead1', incoming.id)).toEqual(fakeRecording(incoming.id))
    expect(await recordingAs('lead2', incoming.id)).toBe(404)
    expect(await recordingAs('agent1', incoming.id)).toBe(404)
    expect((await b.api.invoke('phone.get')).recordingsPending).toBe(0)
  })

  it('records a call the agent declined as missed', async () => {
    await ready(b)
    await a.api.invoke('phone.dial', { target: SIP.b.username })
    const ringing = await phoneState(b, (s) => s.calls.some((x) => x.state === 'ringing'))
    const incoming = ringing.calls.find((x) => x.state === 'ringing')!
    await b.api.invoke('phone.decline', { callId: incoming.id })
    await phoneState(a, (s) => s.calls.every((x) => x.state === 'ended'))
    await expect.poll(async () => (await b.api.invoke('phone.callLog', {})).find((r) => r.id === incoming.id)?.missed).toBe(true)
    expect((await b.api.invoke('phone.get')).wrapUp).toBeNull()
  })

  it('transfers blind: the customer ends up talking to the colleague and the agent is free', async () => {
    await ready(b)
    await ready(c)
    const { incoming } = await customerCallsB()

    await b.api.invoke('phone.transfer', { callId: incoming.id, target: SIP.c.username })
    const atC = (await phoneState(c, (s) => s.calls.some((x) => x.state === 'ringing'))).calls.find((x) => x.state === 'ringing')!
    expect(atC.customer?.id).toBe('c-caller')
    await c.api.invoke('phone.answer', { callId: atC.id })
    const bEnded = await phoneState(b, (s) => s.calls.some((x) => x.id === incoming.id && x.state === 'ended'))
    expect(bEnded.calls.find((x) => x.id === incoming.id)?.endCause).toBe('transferred')
    await phoneState(a, (s) => s.calls.some((x) => x.state === 'active' && x.remoteNumber === SIP.c.username))
    const cLeg = (await c.api.invoke('phone.get')).calls.find((x) => x.id === atC.id)!
    await c.api.invoke('phone.hangup', { callId: cLeg.id })
    await phoneState(a, (s) => s.calls.every((x) => x.state === 'ended'))
    for (const d of [b, c]) {
      const s = await d.api.invoke('phone.get')
      if (s.wrapUp) await d.api.invoke('phone.wrapUp', { callId: s.wrapUp.callId, disposition: null })
    }
  })

  it('transfers attended: consult the colleague, then connect the customer to them', async () => {
    await ready(b)
    await ready(c)
    const { dialled, incoming } = await customerCallsB()

    const consult = await b.api.invoke('phone.consult', { callId: incoming.id, target: SIP.c.username })
    expect(consult.consultFor).toBe(incoming.id)
    await phoneState(a, (s) => s.calls.some((x) => x.id === dialled.id && x.remoteHeld))
    const atC = (await phoneState(c, (s) => s.calls.some((x) => x.state === 'ringing'))).calls.find((x) => x.state === 'ringing')!
    await c.api.invoke('phone.answer', { callId: atC.id })
    await phoneState(b, (s) => s.calls.some((x) => x.id === consult.id && x.state === 'active'))
    await phoneState(c, (s) => s.calls.some((x) => x.id === atC.id && x.state === 'active'))

    await b.api.invoke('phone.completeTransfer', { consultCallId: consult.id })
    // A's new leg replaces C's consultation: C talks to A, B has nothing left.
    await phoneState(b, (s) => s.calls.every((x) => x.state === 'ended'), 10_000)
    await phoneState(c, (s) => s.calls.some((x) => x.state === 'active' && x.remoteNumber === SIP.a.username), 10_000)
    const aLive = await phoneState(a, (s) => s.calls.some((x) => x.state === 'active' && x.remoteNumber === SIP.c.username))
    await a.api.invoke('phone.hangup', { callId: aLive.calls.find((x) => x.state === 'active' && x.remoteNumber === SIP.c.username)!.id })
    await phoneState(c, (s) => s.calls.every((x) => x.state === 'ended'))
    for (const d of [b, c]) {
      const s = await d.api.invoke('phone.get')
      if (s.wrapUp) await d.api.invoke('phone.wrapUp', { callId: s.wrapUp.callId, disposition: null })
    }
  })

  it('registers again on its own after Kamailio restarts', async () => {
    const lost = b.next('phone.changed', (s) => s.registration.state === 'connecting', 10_000)
    await kamailio.restart()
    await lost
    await phoneState(b, (s) => s.registration.state === 'registered', 20_000)
    await phoneState(a, (s) => s.registration.state === 'registered', 20_000)
    // And calls route again (the registrar forgot every contact when it restarted).
    await ready(b)
    const dialled = await a.api.invoke('phone.dial', { target: SIP.b.username })
    await phoneState(b, (s) => s.calls.some((x) => x.state === 'ringing'))
    await a.api.invoke('phone.hangup', { callId: dialled.id })
    await phoneState(b, (s) => s.calls.every((x) => x.state === 'ended'))
  }, 40_000)

  it('keeps a live call when the page holding its audio is reloaded: the new page takes over by re-INVITE, and the recording is kept in two segments', async () => {
    await ready(b)
    const { dialled, incoming } = await customerCallsB()
    await b.api.invoke('phone.mute', { callId: incoming.id, muted: true })
    // The old page had streamed the start of its recording to main before it went.
    await expect.poll(() => b.media.peers.get(incoming.id)?.chunksSent).toBe(1)

    // The old page is gone without a word; the reloaded one attaches as a new engine.
    b.media.stop()
    const offersAtA = a.media.requests.filter((r) => r.callId === dialled.id && r.request.op === 'setRemoteDescription').length
    b.media = await attachFakeMediaEngine(b)
    await expect.poll(() => b.media.requests.filter((r) => r.callId === incoming.id).map((r) => r.request.op)).toEqual(
      expect.arrayContaining(['create', 'setSending', 'record', 'createOffer', 'setLocalDescription', 'setRemoteDescription']),
    )
    await expect.poll(() => a.media.requests.filter((r) => r.callId === dialled.id && r.request.op === 'setRemoteDescription').length).toBeGreaterThan(offersAtA)
    const after = await b.api.invoke('phone.get')
    expect(after.calls.find((x) => x.id === incoming.id)).toMatchObject({ state: 'active', muted: true })
    expect(b.media.peers.get(incoming.id)?.sending).toBe(false)

    await a.api.invoke('phone.hangup', { callId: dialled.id })
    await phoneState(b, (s) => s.wrapUp?.callId === incoming.id)
    await b.api.invoke('phone.wrapUp', { callId: incoming.id, disposition: null })

    // What the old page recorded is segment 0; the new page's whole recording is segment 1.
    const whole = fakeRecording(incoming.id)
    const first = whole.subarray(0, Math.ceil(whole.length / 3))
    await expect.poll(() => recordingSegmentAs('agent2', incoming.id, 1), { timeout: 10_000 }).toEqual({ body: whole, segments: '2' })
    expect(await recordingSegmentAs('agent2', incoming.id)).toEqual({ body: first, segments: '2' })
    expect(await recordingAs('lead1', incoming.id, 0)).toEqual(first)
    expect(await recordingAs('lead2', incoming.id, 1)).toBe(404)
    expect(await recordingAs('agent2', incoming.id, 2)).toBe(404)
    expect(await recordingAs('agent2', incoming.id, -1)).toBe(400)
    expect((await b.api.invoke('phone.get')).recordingsPending).toBe(0)
  })

  it('keeps what a page recorded when it dies and the call ends before another page takes over', async () => {
    await ready(b)
    const { dialled, incoming } = await customerCallsB()
    await expect.poll(() => b.media.peers.get(incoming.id)?.chunksSent).toBe(1)
    // B's page dies (its socket to main closes) and the customer hangs up before it comes back.
    b.media.stop()
    b.services.mediaEngineGone(b.media.mediaId)
    await phoneState(b, (s) => !s.mediaReady)
    await a.api.invoke('phone.hangup', { callId: dialled.id })
    await phoneState(b, (s) => s.wrapUp?.callId === incoming.id)
    await b.api.invoke('phone.wrapUp', { callId: incoming.id, disposition: null })
    const whole = fakeRecording(incoming.id)
    await expect.poll(() => recordingSegmentAs('agent2', incoming.id), { timeout: 10_000 }).toEqual({ body: whole.subarray(0, Math.ceil(whole.length / 3)), segments: '1' })
    b.media = await attachFakeMediaEngine(b)
  })

  it('keeps a recording made while the server is down until it can be uploaded', async () => {
    await ready(b)
    await centre.server.stop()
    try {
      const dialled = await a.api.invoke('phone.dial', { target: SIP.b.username })
      const incoming = (await phoneState(b, (s) => s.calls.some((x) => x.state === 'ringing'))).calls.find((x) => x.state === 'ringing')!
      await b.api.invoke('phone.answer', { callId: incoming.id })
      await phoneState(b, (s) => s.calls.some((x) => x.id === incoming.id && x.recording))
      await a.api.invoke('phone.hangup', { callId: dialled.id })
      await phoneState(b, (s) => s.recordingsPending === 1, 10_000)
      await centre.restart()
      await phoneState(b, (s) => s.recordingsPending === 0, 60_000)
      expect(await recordingAs('agent2', incoming.id)).toEqual(fakeRecording(incoming.id))
      const s = await b.api.invoke('phone.get')
      if (s.wrapUp) await b.api.invoke('phone.wrapUp', { callId: s.wrapUp.callId, disposition: null })
    } finally {
      if (!centre.server.url) await centre.restart()
    }
  }, 90_000)

  describe('bad input', () => {
    it('refuses a dial string with letters, and changes nothing', async () => {
      const before = await a.api.invoke('phone.get')
      const result = await a.services.router.invoke('phone.dial', { target: '138-CALL-NOW' })
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
      expect((await a.api.invoke('phone.get')).calls).toEqual(before.calls)
    })

    it('answers an unknown call id with not_found', async () => {
      for (const method of ['phone.answer', 'phone.hangup', 'phone.decline'] as const) {
        expect(await a.services.router.invoke(method, { callId: 'no-such-call' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
      }
      expect(await a.services.router.invoke('phone.mediaEvent', { mediaId: a.media.mediaId, callId: 'no-such-call', kind: 'statechange', state: { signalingState: 'stable', iceGatheringState: 'new', iceConnectionState: 'new', localDescription: null, remoteDescription: null } })).toMatchObject({ ok: false, error: { code: 'not_found' } })
      expect(await a.services.router.invoke('phone.mediaReply', { mediaId: a.media.mediaId, reqId: 999_999, ok: false, error: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
      expect(await a.services.router.invoke('phone.mediaReply', { mediaId: 'not-the-engine', reqId: 1, ok: false, error: 'x' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
      expect(await a.services.router.invoke('phone.mediaReply', { mediaId: a.media.mediaId, reqId: 1, ok: true, value: { state: { signalingState: 'bogus' } } })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    })

    it('refuses recording chunks out of order, for unknown calls, or not in base64', async () => {
      const chunk = { mediaId: b.media.mediaId, callId: 'no-such-call', recordingId: 'rec-1', seq: 0, last: true, mime: 'audio/webm', dataBase64: 'AAAA' }
      expect(await b.services.router.invoke('phone.recordingChunk', chunk)).toMatchObject({ ok: false, error: { code: 'not_found' } })
      expect(await b.services.router.invoke('phone.recordingChunk', { ...chunk, dataBase64: '<script>' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
      expect(await b.services.router.invoke('phone.recordingChunk', { ...chunk, mime: 'text/html' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
      expect(await b.services.router.invoke('phone.recordingChunk', { ...chunk, mediaId: 'not-the-engine' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
      expect((await b.api.invoke('phone.get')).recordingsPending).toBe(0)
    })

    it('fails a call whose SDP cannot be parsed, on both sides, and the phones carry on', async () => {
      await ready(b)
      // A's engine produces garbage for its offer, as a broken peer would.
      a.media.corruptOffers = true
      try {
        await a.api.invoke('phone.dial', { target: SIP.b.username })
        const ringing = await phoneState(b, (s) => s.calls.some((x) => x.state === 'ringing'))
        const incoming = ringing.calls.find((x) => x.state === 'ringing')!
        await b.api.invoke('phone.answer', { callId: incoming.id })
        const ended = await phoneState(b, (s) => s.calls.some((x) => x.id === incoming.id && x.state === 'ended'))
        expect(ended.calls.find((x) => x.id === incoming.id)).toMatchObject({ answeredAt: null, endCause: 'media' })
        await phoneState(a, (s) => s.calls.every((x) => x.state === 'ended'))
      } finally {
        a.media.corruptOffers = false
      }
      expect((await b.api.invoke('phone.get')).registration.state).toBe('registered')
    })
  })
})
