/**
 * The softphone: one JsSIP user agent owned by the main process, with the registration and every
 * call's state, so a renderer reload or crash loses neither. Media runs in the renderer behind
 * the MediaPort (remote-peer-connection.ts). The agent's state follows the phone: 通话中 while a
 * call is up, 话后处理 after it, back to 示闲 when the agent (or the timer) finishes wrap-up.
 */
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import * as JsSIP from 'jssip'
import type { RTCSession } from 'jssip/lib/RTCSession'
import { AppError } from '../../../shared/errors'
import type { Presence, StateChange } from '../../../shared/domain/agent'
import {
  newCallView,
  normalizeDialString,
  numberFromSipUri,
  type CallRecord,
  type CallView,
  type PhoneSnapshot,
  type Registration,
} from '../../../shared/domain/phone'
import { installJsSipEnvironment } from './jssip-environment'
import { bindCallToPort, CALL_ID_KEY, placeholderStream, RemotePeerConnection, unbindCall } from './remote-peer-connection'
import type { RendererMediaPort } from './renderer-media-port'
import type { RecordingSpool } from './recording-spool'
import type { RecordingChunkInput } from '../../../shared/ipc/phone-media'
import { toAccountView, type SipAccount, type SipAccountStore } from './sip-account-store'
import type { SipAccountInput } from '../../../shared/domain/phone'

export interface SoftphoneDeps {
  port: RendererMediaPort
  accounts: SipAccountStore
  /** The screen pop: the customer with this phone number in the local cache. */
  lookupCustomer(number: string): Promise<CallView['customer']>
  customerById(id: string): Promise<CallView['customer']>
  presence(): Presence | null
  setAgentState(change: StateChange): Promise<unknown>
  /** Writes the call log record (and its outbox operation); called at the end and after wrap-up. */
  recordCall(record: CallRecord): Promise<void>
  /** The centre's settings a call follows: its recording policy and after-call work time (话后处理) in seconds, read together. */
  callSettings(): Promise<{ recordingPolicy: PhoneSnapshot['recordingPolicy']; wrapUpSec: number }>
  /** Where finished recordings wait for the server. */
  spool: RecordingSpool
  onError?(where: string, err: unknown): void
}

interface Call {
  view: CallView
  session: RTCSession
  customerId: string | null
  transferredTo: string | null
  /** The new leg an attended transfer brings in to take this call's place. */
  replacedBy?: RTCSession
}

/** Ended calls stay on screen briefly so the agent sees how a call ended. */
const ENDED_VISIBLE_MS = 8_000
const REGISTER_EXPIRES_SEC = 300

const idle: Registration = { state: 'unconfigured', error: null, detail: null, since: null }

export class Softphone extends EventEmitter<{ changed: [PhoneSnapshot] }> {
  private ua: JsSIP.UA | null = null
  private account: SipAccount | null = null
  private agentId: string | null = null
  private registration: Registration = idle
  private readonly calls = new Map<string, Call>()
  private wrapUp: { callId: string; until: number; timer: ReturnType<typeof setTimeout>; entered: Promise<void> } | null = null
  /** Kept at hand so wrap-up starts in the same tick the call ends (no window where the agent looks free). */
  private wrapUpSec = 60
  private readonly endedTimers = new Set<ReturnType<typeof setTimeout>>()
  private policy: PhoneSnapshot['recordingPolicy'] = 'none'
  private recordingsPending = 0
  /** Recorded calls whose audio the media engine has not finished sending. */
  private readonly awaitingAudio = new Set<string>()
  /** Calls being placed by dial(): JsSIP announces them before ua.call() returns. */
  private readonly placing = new Set<string>()

  constructor(private readonly deps: SoftphoneDeps) {
    super()
    installJsSipEnvironment()
  }

  snapshot(): PhoneSnapshot {
    const calls = [...this.calls.values()].map((c) => c.view)
    return {
      account: this.account && toAccountView(this.account),
      registration: this.registration,
      calls: calls.sort((a, b) => Number(a.state === 'ended') - Number(b.state === 'ended') || a.offeredAt - b.offeredAt),
      wrapUp: this.wrapUp && { callId: this.wrapUp.callId, until: this.wrapUp.until },
      mediaReady: this.deps.port.attached,
      recordingPolicy: this.policy,
      recordingsPending: this.recordingsPending,
    }
  }

  /** The agent signed in: register with their kept account, if they have one. */
  async start(agentId: string): Promise<void> {
    if (this.agentId === agentId && this.ua) return
    this.stop()
    this.agentId = agentId
    this.account = await this.deps.accounts.load(agentId)
    if (this.account) this.connect(this.account)
    await this.refreshCallSettings()
    this.recordingsPending = await this.deps.spool.pending()
    void this.deps.spool.flush()
    this.changed()
  }

  setRecordingsPending(count: number): void {
    if (count === this.recordingsPending) return
    this.recordingsPending = count
    this.changed()
  }

  /** Recording on demand: the agent starts or stops it; 'all' and 'none' are the centre's call. */
  async record(callId: string, enabled: boolean): Promise<CallView> {
    const call = this.requireCall(callId, ['active'])
    await this.refreshCallSettings()
    if (this.policy !== 'on_demand' && enabled !== (this.policy === 'all')) {
      throw new AppError('forbidden', this.policy === 'all' ? 'The centre records every call' : 'The centre does not record calls')
    }
    await this.setRecording(call, enabled)
    return call.view
  }

  /** `phone.recordingChunk` from the media engine. */
  async recordingChunk(chunk: RecordingChunkInput): Promise<void> {
    if (!this.deps.port.isEngine(chunk.mediaId)) throw new AppError('conflict', 'This page is not the media engine')
    await this.deps.spool.append(chunk, this.awaitingAudio.has(chunk.callId))
    if (chunk.last) this.awaitingAudio.delete(chunk.callId)
    this.setRecordingsPending(await this.deps.spool.pending())
  }

  /** Signed out: every call ends and the registration is withdrawn. */
  stop(): void {
    for (const call of this.calls.values()) if (call.view.state !== 'ended') this.safely('stop', () => call.session.terminate())
    this.ua?.removeAllListeners()
    this.ua?.stop()
    this.ua = null
    this.account = null
    this.agentId = null
    this.registration = idle
    if (this.wrapUp) clearTimeout(this.wrapUp.timer)
    this.wrapUp = null
    for (const timer of this.endedTimers) clearTimeout(timer)
    this.endedTimers.clear()
    this.calls.clear()
    this.changed()
  }

  async configure(input: SipAccountInput): Promise<PhoneSnapshot> {
    const agentId = this.requireAgent()
    if (this.liveCalls().length > 0) throw new AppError('conflict', 'Finish the calls before changing the SIP account')
    const account = await this.deps.accounts.save(agentId, input)
    this.ua?.removeAllListeners()
    this.ua?.stop()
    this.account = account
    this.connect(account)
    this.changed()
    return this.snapshot()
  }

  /**
   * A media engine attached or went away. Calls survive a reload of the page: each live call gets
   * a new connection in the new engine and a re-INVITE, so the audio follows.
   */
  mediaChanged(): void {
    this.changed()
    if (!this.deps.port.attached) {
      void this.sealRecordings().catch((err: unknown) => this.deps.onError?.('phone.recording', err))
      return
    }
    for (const call of this.liveCalls()) {
      if (call.view.state !== 'active') continue
      void this.restoreMedia(call).catch((err: unknown) => this.deps.onError?.('phone.restoreMedia', err))
    }
  }

  private async restoreMedia(call: Call): Promise<void> {
    const peer = this.peer(call)
    await peer.recreate()
    // What the old page recorded is kept as one segment; the new engine records the rest as the next.
    await this.deps.spool.seal(call.view.id)
    const wasRecording = call.view.recording
    if (wasRecording) {
      call.view = { ...call.view, recording: false }
      await this.setRecording(call, true)
    }
    const renegotiating = call.session.renegotiate({}, () => undefined)
    if (!renegotiating) throw new Error(`Call ${call.view.id} could not renegotiate its media`)
  }

  /** The media engine went away: the recordings it was streaming end where they got to. */
  private async sealRecordings(): Promise<void> {
    for (const callId of [...this.awaitingAudio]) {
      await this.deps.spool.seal(callId)
      // An ended call gets nothing more; a live one is recorded on by the next engine.
      if (this.calls.get(callId)?.view.state !== 'active') this.awaitingAudio.delete(callId)
    }
  }

  async dial(target: string, customerId?: string): Promise<CallView> {
    const number = normalizeDialString(target)
    if (!number) throw new AppError('invalid_argument', `Not a number that can be dialled: ${target.slice(0, 64)}`, { reason: 'dial_string' })
    const ua = this.requireRegistered()
    if (this.liveCalls().some((c) => c.view.consultFor === null && !c.view.held)) {
      throw new AppError('conflict', 'Hold or end the current call first')
    }
    const customer = customerId ? await this.deps.customerById(customerId) : await this.deps.lookupCustomer(number)
    const callId = randomUUID()
    this.placing.add(callId)
    try {
      const session = ua.call(this.targetUri(number), this.callOptions(callId)) as unknown as RTCSession
      return this.track(callId, session, 'outbound', number, null, customer).view
    } finally {
      this.placing.delete(callId)
    }
  }

  async answer(callId: string): Promise<CallView> {
    const call = this.requireCall(callId, ['ringing'])
    call.session.answer(this.callOptions(callId))
    return call.view
  }

  async decline(callId: string): Promise<CallView> {
    const call = this.requireCall(callId, ['ringing'])
    call.session.terminate({ status_code: 603, reason_phrase: 'Decline' })
    return call.view
  }

  async hangup(callId: string): Promise<CallView> {
    const call = this.requireCall(callId, ['ringing', 'dialing', 'early', 'active'])
    call.session.terminate()
    return call.view
  }

  async mute(callId: string, muted: boolean): Promise<CallView> {
    const call = this.requireCall(callId, ['active'])
    if (muted) call.session.mute({ audio: true })
    else call.session.unmute({ audio: true })
    return call.view
  }

  async hold(callId: string, held: boolean): Promise<CallView> {
    const call = this.requireCall(callId, ['active'])
    if (held === call.view.held) return call.view
    await new Promise<void>((resolve, reject) => {
      const started = held ? call.session.hold({}, resolve) : call.session.unhold({}, resolve)
      if (!started) reject(new AppError('conflict', held ? 'The call cannot be held now' : 'The call cannot be resumed now'))
    })
    return call.view
  }

  async dtmf(callId: string, tones: string, via: 'rfc4733' | 'info'): Promise<CallView> {
    const call = this.requireCall(callId, ['active'])
    call.session.sendDTMF(tones, { transportType: via === 'info' ? JsSIP.C.DTMF_TRANSPORT.INFO : JsSIP.C.DTMF_TRANSPORT.RFC2833 })
    call.view = { ...call.view, dtmfSent: (call.view.dtmfSent + tones).slice(-64) }
    this.changed()
    return call.view
  }

  /** Blind transfer: REFER the far side to the target; this leg ends when the target answers. */
  async transfer(callId: string, target: string): Promise<CallView> {
    const call = this.requireCall(callId, ['active'])
    const number = normalizeDialString(target)
    if (!number) throw new AppError('invalid_argument', `Not a number that can be dialled: ${target.slice(0, 64)}`, { reason: 'dial_string' })
    await this.refer(call, this.targetUri(number), number)
    return call.view
  }

  /** Attended transfer, step 1: hold the customer and call the colleague. */
  async consult(callId: string, target: string): Promise<CallView> {
    const call = this.requireCall(callId, ['active'])
    if (!call.view.held) await this.hold(callId, true)
    const consultView = await this.dial(target)
    const consult = this.calls.get(consultView.id)!
    consult.view = { ...consult.view, consultFor: callId }
    this.changed()
    return consult.view
  }

  /** Attended transfer, step 2: the customer's leg is REFERred to the colleague, replacing our consultation. */
  async completeTransfer(consultCallId: string): Promise<CallView> {
    const consult = this.requireCall(consultCallId, ['active'])
    const original = consult.view.consultFor ? this.calls.get(consult.view.consultFor) : undefined
    if (!original || original.view.state !== 'active') throw new AppError('conflict', 'The call being transferred has ended')
    await this.refer(original, consult.session.remote_identity.uri.toString(), consult.view.remoteNumber, consult.session)
    return original.view
  }

  /** Three-party conference: resume the customer and mix both legs' audio on this desktop. */
  async conference(consultCallId: string): Promise<PhoneSnapshot> {
    const consult = this.requireCall(consultCallId, ['active'])
    const original = consult.view.consultFor ? this.calls.get(consult.view.consultFor) : undefined
    if (!original || original.view.state !== 'active') throw new AppError('conflict', 'The held call has ended')
    if (original.view.held) await this.hold(original.view.id, false)
    await Promise.all([this.peer(original).mix([consult.view.id]), this.peer(consult).mix([original.view.id])])
    original.view = { ...original.view, conferenced: true }
    consult.view = { ...consult.view, conferenced: true }
    this.changed()
    return this.snapshot()
  }

  /** Ends after-call work: the disposition and note go into the call log; then 示闲 if asked. */
  async finishWrapUp(callId: string, disposition: string | null, note: string, ready: boolean): Promise<PhoneSnapshot> {
    const call = this.calls.get(callId)
    if (!call || call.view.state !== 'ended') throw new AppError('not_found', `No ended call ${callId} to wrap up`)
    await this.deps.recordCall(this.logRecord(call, disposition, note.trim() || null))
    const wrapUp = this.wrapUp
    if (wrapUp?.callId === callId) {
      clearTimeout(wrapUp.timer)
      this.wrapUp = null
      // 话后处理 must have landed before 示闲, or it would overwrite it.
      await wrapUp.entered
      if (ready) await this.setState({ state: 'ready' })
    }
    this.forgetLater(callId, 0)
    this.changed()
    return this.snapshot()
  }

  // --- JsSIP wiring -------------------------------------------------------------------------

  private connect(account: SipAccount): void {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(account.wsUrl)],
      uri: account.sipUri,
      authorization_user: account.authUser,
      password: account.password,
      display_name: account.displayName ?? undefined,
      register: true,
      register_expires: REGISTER_EXPIRES_SEC,
      session_timers: false,
      // Back quickly after a registrar restart or a network drop; JsSIP re-registers on reconnect.
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 15,
      user_agent: 'OmniDesk softphone',
    })
    this.ua = ua
    this.registration = { state: 'connecting', error: null, detail: null, since: null }
    ua.on('connecting', () => this.setRegistration({ state: 'connecting' }))
    ua.on('disconnected', () => this.setRegistration({ state: 'connecting', error: 'network', detail: 'Lost the connection to the SIP server', since: null }))
    ua.on('registered', () => this.setRegistration({ state: 'registered', error: null, detail: null, since: Date.now() }))
    ua.on('unregistered', () => this.setRegistration({ state: 'unregistered', since: null }))
    ua.on('registrationFailed', (e) => {
      const cause = e.cause as string
      const error = cause === JsSIP.C.causes.AUTHENTICATION_ERROR ? 'auth' : cause === JsSIP.C.causes.CONNECTION_ERROR || cause === JsSIP.C.causes.REQUEST_TIMEOUT ? 'network' : 'rejected'
      const detail = e.response ? `${e.response.status_code} ${e.response.reason_phrase}` : cause
      this.setRegistration({ state: 'failed', error, detail, since: null })
    })
    ua.on('newRTCSession', (e: { originator: 'local' | 'remote'; session: unknown }) => {
      const session = e.session as RTCSession
      if (e.originator === 'remote') void this.onIncoming(session).catch((err: unknown) => this.deps.onError?.('phone.incoming', err))
      else this.onLocalSession(session)
    })
    ua.start()
  }

  private async onIncoming(session: RTCSession): Promise<void> {
    const replaced = [...this.calls.values()].find((c) => c.replacedBy === session)
    const number = numberFromSipUri(session.remote_identity.uri.user ?? '')
    const callId = randomUUID()
    if (!replaced) {
      const state = this.deps.presence()?.state
      // Not ready, wrapping up or already talking: the caller hears busy and the PBX tries elsewhere.
      if (state !== 'ready' || this.liveCalls().length > 0) {
        session.terminate({ status_code: 486, reason_phrase: 'Busy Here' })
        return
      }
    }
    const customer = await this.deps.lookupCustomer(number).catch(() => null)
    if (session.isEnded()) return
    const call = this.track(callId, session, 'inbound', number, session.remote_identity.display_name || null, customer)
    // The colleague's side of an attended transfer: the new leg takes over the consultation.
    if (replaced || this.account?.autoAnswer) call.session.answer(this.callOptions(callId))
  }

  /** Outgoing sessions we did not start ourselves: the new leg JsSIP opens when a REFER is accepted. */
  private onLocalSession(session: RTCSession): void {
    const connection = session.connection as unknown as RemotePeerConnection | undefined
    const callId = connection instanceof RemotePeerConnection ? connection.callId : randomUUID()
    if (this.placing.has(callId) || [...this.calls.values()].some((c) => c.session === session)) return
    const number = numberFromSipUri(session.remote_identity.uri.user ?? '')
    this.track(callId, session, 'outbound', number, session.remote_identity.display_name || null, null)
    void this.deps.lookupCustomer(number).then((customer) => this.update(callId, { customer }), () => undefined)
  }

  private track(callId: string, session: RTCSession, direction: CallView['direction'], number: string, name: string | null, customer: CallView['customer']): Call {
    const call: Call = {
      session,
      customerId: customer?.id ?? null,
      transferredTo: null,
      view: newCallView({ id: callId, direction, remoteNumber: number, remoteName: name, customer, offeredAt: Date.now() }),
    }
    this.calls.set(callId, call)
    session.on('progress', () => this.update(callId, { state: direction === 'outbound' ? 'early' : 'ringing' }))
    session.on('confirmed', () => {
      this.update(callId, { state: 'active', answeredAt: Date.now() })
      if (this.deps.presence()?.state !== 'on_call') void this.setState({ state: 'on_call' })
      void this.refreshCallSettings().then(async () => {
        if (this.policy === 'all' && call.view.state === 'active') await this.setRecording(call, true)
      }).catch((err: unknown) => this.deps.onError?.('phone.record', err))
    })
    session.on('hold', (e) => this.update(callId, e.originator === 'local' ? { held: true } : { remoteHeld: true }))
    session.on('unhold', (e) => this.update(callId, e.originator === 'local' ? { held: false } : { remoteHeld: false }))
    session.on('muted', () => this.update(callId, { muted: true }))
    session.on('unmuted', () => this.update(callId, { muted: false }))
    session.on('newDTMF', (e: { originator: string; dtmf: { tone: string } }) => {
      if (e.originator !== 'remote') return
      const current = this.calls.get(callId)
      if (current) this.update(callId, { dtmfReceived: (current.view.dtmfReceived + e.dtmf.tone).slice(-64) })
    })
    const on = session.on.bind(session) as unknown as (event: string, listener: (e: never) => void) => void
    on('refer', (e: { accept: (init: () => void, options: object) => void }) => {
      // We are the customer's side of a transfer: follow it to the new party.
      e.accept(() => undefined, this.callOptions(randomUUID()))
    })
    on('replaces', (e: { accept: (init: (newSession: RTCSession) => void) => void }) => {
      e.accept((newSession) => {
        call.replacedBy = newSession
      })
    })
    session.on('ended', (e) => this.onEnded(callId, e.originator === 'local' ? (call.transferredTo ? 'transferred' : 'local') : 'remote'))
    session.on('failed', (e) => this.onEnded(callId, failureCause(e.cause as string, e.originator)))
    this.changed()
    return call
  }

  private onEnded(callId: string, cause: string): void {
    const call = this.calls.get(callId)
    if (!call || call.view.state === 'ended') return
    unbindCall(callId)
    call.view = { ...call.view, state: 'ended', endedAt: Date.now(), endCause: cause, held: false, muted: false, recording: false }
    const record = this.logRecord(call, null, null)
    void this.deps.recordCall(record).catch((err: unknown) => this.deps.onError?.('phone.record', err))
    if (this.awaitingAudio.has(callId)) {
      void this.deps.spool.describe(callId, record.durationSec).catch((err: unknown) => this.deps.onError?.('phone.recording', err))
      // No engine to finish it: what was streamed before the engine went is all there is.
      if (!this.deps.port.attached) this.awaitingAudio.delete(callId)
    }
    const answered = call.view.answeredAt !== null
    if (answered && this.liveCalls().length === 0) this.startWrapUp(callId)
    else this.forgetLater(callId, ENDED_VISIBLE_MS)
    this.changed()
  }

  private startWrapUp(callId: string): void {
    if (this.wrapUp) clearTimeout(this.wrapUp.timer)
    const ms = this.wrapUpSec * 1000
    const timer = setTimeout(() => void this.finishWrapUp(callId, null, '', true).catch((err: unknown) => this.deps.onError?.('phone.wrapUp', err)), ms)
    this.wrapUp = { callId, until: Date.now() + ms, timer, entered: this.setState({ state: 'after_call_work' }) }
  }

  private refer(call: Call, targetUri: string, label: string, replaces?: RTCSession): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const refer = call.session.refer.bind(call.session) as unknown as (target: string, options: object) => unknown
      const subscriber = refer(targetUri, {
        replaces,
        eventHandlers: {
          requestFailed: () => reject(new AppError('conflict', 'The transfer was refused')),
          requestSucceeded: () => resolve(),
          accepted: () => {
            call.transferredTo = label
            this.safely('transfer', () => call.session.terminate())
            if (replaces) this.safely('transfer', () => replaces.terminate())
          },
          failed: () => this.deps.onError?.('phone.transfer', new Error(`Transfer to ${label} failed`)),
        },
      })
      if (!subscriber) reject(new AppError('conflict', 'The call cannot be transferred now'))
    })
  }

  private callOptions(callId: string) {
    bindCallToPort(callId, this.deps.port)
    const connection = { iceServers: this.account?.iceServers ?? [], [CALL_ID_KEY]: callId }
    return {
      pcConfig: connection,
      mediaConstraints: { audio: true, video: false },
      mediaStream: placeholderStream(callId),
    } as never
  }

  private peer(call: Call): RemotePeerConnection {
    const connection = call.session.connection as unknown
    if (!(connection instanceof RemotePeerConnection)) throw new AppError('unavailable', 'The call has no media')
    return connection
  }

  private logRecord(call: Call, disposition: string | null, note: string | null): CallRecord {
    const v = call.view
    const endedAt = v.endedAt ?? Date.now()
    return {
      id: v.id,
      direction: v.direction,
      remoteNumber: v.remoteNumber.slice(0, 64),
      customerId: v.customer?.id ?? call.customerId,
      offeredAt: v.offeredAt,
      answeredAt: v.answeredAt,
      endedAt,
      durationSec: v.answeredAt ? Math.max(0, Math.round((endedAt - v.answeredAt) / 1000)) : 0,
      missed: v.direction === 'inbound' && v.answeredAt === null && v.endCause !== 'busy',
      endCause: v.endCause ?? 'local',
      disposition,
      note,
      transferredTo: call.transferredTo,
    }
  }

  private async setRecording(call: Call, enabled: boolean): Promise<void> {
    if (call.view.recording === enabled) return
    // Known before the engine hears of it: its first chunk may overtake the answer to this request.
    const first = enabled && !this.awaitingAudio.has(call.view.id)
    if (first) this.awaitingAudio.add(call.view.id)
    try {
      await this.peer(call).record(enabled)
    } catch (err) {
      if (first) this.awaitingAudio.delete(call.view.id)
      throw err
    }
    this.update(call.view.id, { recording: enabled })
  }

  private async refreshCallSettings(): Promise<void> {
    const settings = await this.deps.callSettings().catch(() => null)
    if (!settings) return
    this.policy = settings.recordingPolicy
    this.wrapUpSec = settings.wrapUpSec
  }

  private async setState(change: StateChange): Promise<void> {
    await this.deps.setAgentState(change).catch((err: unknown) => this.deps.onError?.('phone.agentState', err))
  }

  private forgetLater(callId: string, ms: number): void {
    const timer = setTimeout(() => {
      this.endedTimers.delete(timer)
      if (this.wrapUp?.callId === callId) return
      if (this.calls.get(callId)?.view.state === 'ended') {
        this.calls.delete(callId)
        this.changed()
      }
    }, ms)
    this.endedTimers.add(timer)
  }

  private update(callId: string, patch: Partial<CallView>): void {
    const call = this.calls.get(callId)
    if (!call || call.view.state === 'ended') return
    call.view = { ...call.view, ...patch }
    if (patch.customer !== undefined) call.customerId = patch.customer?.id ?? call.customerId
    this.changed()
  }

  private setRegistration(patch: Partial<Registration>): void {
    this.registration = { ...this.registration, ...patch }
    this.changed()
  }

  private changed(): void {
    this.emit('changed', this.snapshot())
  }

  private liveCalls(): Call[] {
    return [...this.calls.values()].filter((c) => c.view.state !== 'ended')
  }

  private targetUri(number: string): string {
    const host = /@([^;>]+)/.exec(this.account?.sipUri ?? '')?.[1]
    if (!host) throw new AppError('unavailable', 'No SIP account')
    return `sip:${number}@${host}`
  }

  private requireAgent(): string {
    if (!this.agentId) throw new AppError('unauthenticated', 'Sign in first')
    return this.agentId
  }

  private requireRegistered(): JsSIP.UA {
    if (!this.ua || !this.account) throw new AppError('unavailable', 'The phone has no SIP account', { reason: 'unconfigured' })
    if (this.registration.state !== 'registered') throw new AppError('unavailable', 'The phone is not registered', { reason: 'unregistered' })
    if (!this.deps.port.attached) throw new AppError('unavailable', 'No audio: the phone window is not open', { reason: 'no_media' })
    return this.ua
  }

  private requireCall(callId: string, states: CallView['state'][]): Call {
    const call = this.calls.get(callId)
    if (!call) throw new AppError('not_found', `No call ${callId}`)
    if (!states.includes(call.view.state)) throw new AppError('conflict', `The call is ${call.view.state}`)
    return call
  }

  private safely(where: string, action: () => void): void {
    try {
      action()
    } catch (err) {
      this.deps.onError?.(where, err)
    }
  }
}

function failureCause(cause: string, originator: string): string {
  const c = JsSIP.C.causes
  switch (cause) {
    case c.BUSY:
      return 'busy'
    case c.REJECTED:
      return 'rejected'
    case c.CANCELED:
      return 'canceled'
    case c.NO_ANSWER:
      return 'no_answer'
    case c.UNAVAILABLE:
    case c.NOT_FOUND:
      return 'unavailable'
    case c.INCOMPATIBLE_SDP:
    case c.BAD_MEDIA_DESCRIPTION:
    case c.WEBRTC_ERROR:
      return 'media'
    default:
      return originator === 'local' ? 'failed' : 'failed_remote'
  }
}
