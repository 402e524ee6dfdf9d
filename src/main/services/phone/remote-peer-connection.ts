/**
 * The RTCPeerConnection JsSIP sees in the main process. Each method JsSIP calls is sent to the
 * media engine (a renderer holding the real connection) through the MediaPort; what JsSIP reads
 * synchronously (signalingState, iceGatheringState, localDescription, ...) is mirrored from the
 * PeerState every answer and event carries. Which call a connection belongs to travels inside
 * the pcConfig JsSIP passes through untouched (CALL_ID_KEY), because JsSIP constructs the
 * connection itself with `new RTCPeerConnection(pcConfig)`.
 */
import type { IceServer } from '../../../shared/domain/phone'
import type { MediaReplyValue, MediaRequest, PeerState, SessionDescriptionInit } from '../../../shared/ipc/phone-media'

export const CALL_ID_KEY = 'omnideskCallId'

/** Where the stand-ins send their requests: one per process, set by the Softphone. */
export interface MediaPort {
  request(callId: string, request: MediaRequest): Promise<MediaReplyValue>
  /** Events from the real connection for this call, until the returned function is called. */
  subscribe(callId: string, listener: (event: PortEvent) => void): () => void
}

export interface PortEvent {
  kind: 'icecandidate' | 'statechange'
  candidate?: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null
  state: PeerState
}

/**
 * The port each call's connection will use, set just before JsSIP constructs it. Keyed by call
 * rather than one per process: tests run several desktops' services in one process.
 */
const portsByCall = new Map<string, MediaPort>()

export function bindCallToPort(callId: string, port: MediaPort): void {
  portsByCall.set(callId, port)
}

export function unbindCall(callId: string): void {
  portsByCall.delete(callId)
}

export class RemoteSessionDescription {
  readonly type: SessionDescriptionInit['type']
  readonly sdp: string
  constructor(init: SessionDescriptionInit) {
    this.type = init.type
    this.sdp = init.sdp
  }
  toJSON(): SessionDescriptionInit {
    return { type: this.type, sdp: this.sdp }
  }
}

type Listener = (event: unknown) => void

/** The audio track JsSIP toggles for mute and hold: `enabled` is forwarded to the real sender. */
class RemoteAudioTrack {
  readonly kind = 'audio'
  readonly id: string
  private isEnabled = true
  constructor(
    callId: string,
    private readonly onEnabled: (enabled: boolean) => void,
  ) {
    this.id = `audio-${callId}`
  }
  get enabled(): boolean {
    return this.isEnabled
  }
  set enabled(value: boolean) {
    if (value === this.isEnabled) return
    this.isEnabled = value
    this.onEnabled(value)
  }
  stop(): void {
    // The real track is stopped by the media engine when the connection closes.
  }
}

/** What JsSIP passes as `mediaStream`, so it never calls getUserMedia in main. */
export class RemoteMediaStream {
  readonly id: string
  constructor(private readonly track: RemoteAudioTrack) {
    this.id = `stream-${track.id}`
  }
  getTracks(): RemoteAudioTrack[] {
    return [this.track]
  }
  getAudioTracks(): RemoteAudioTrack[] {
    return [this.track]
  }
  getVideoTracks(): RemoteAudioTrack[] {
    return []
  }
}

/** The stream handed to JsSIP as `mediaStream`: mute and hold reach the real sender through getSenders(). */
export function placeholderStream(callId: string): RemoteMediaStream {
  return new RemoteMediaStream(new RemoteAudioTrack(callId, () => undefined))
}

const initialState: PeerState = {
  signalingState: 'stable',
  iceGatheringState: 'new',
  iceConnectionState: 'new',
  localDescription: null,
  remoteDescription: null,
}

export class RemotePeerConnection {
  readonly callId: string
  private state: PeerState = initialState
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly port: MediaPort
  private readonly unsubscribe: () => void
  /** Requests run one after another: the engine must create the connection before anything else. */
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false
  private readonly iceServers: IceServer[]
  readonly track: RemoteAudioTrack
  private readonly sender: { track: RemoteAudioTrack; dtmf: { toneBuffer: string; insertDTMF: (tones: string, duration?: number, gap?: number) => void } }

  constructor(config: { iceServers?: IceServer[]; [CALL_ID_KEY]?: string } = {}) {
    const callId = config[CALL_ID_KEY]
    const port = callId ? portsByCall.get(callId) : undefined
    if (!callId || !port) throw new Error('RemotePeerConnection needs a call bound to a media port (created by the Softphone only)')
    portsByCall.delete(callId)
    this.callId = callId
    this.port = port
    this.track = new RemoteAudioTrack(callId, (enabled) => void this.send({ op: 'setSending', enabled }).catch(() => undefined))
    this.sender = {
      track: this.track,
      dtmf: {
        toneBuffer: '',
        insertDTMF: (tones, duration = 100, gap = 70) => void this.send({ op: 'insertDtmf', tones, duration, gap }).catch(() => undefined),
      },
    }
    this.unsubscribe = this.port.subscribe(callId, (event) => this.onPortEvent(event))
    this.iceServers = config.iceServers ?? []
    void this.send({ op: 'create', iceServers: this.iceServers }).catch(() => undefined)
  }

  /**
   * A new media engine took over (the page was reloaded or its renderer died): the real connection
   * is gone, so a fresh one is created there, with the same mute state; the caller then
   * renegotiates (a re-INVITE) so the far side sends to the new one.
   */
  async recreate(): Promise<void> {
    if (this.closed) return
    this.state = initialState
    await this.send({ op: 'create', iceServers: this.iceServers })
    if (!this.track.enabled) await this.send({ op: 'setSending', enabled: false })
  }

  get signalingState(): PeerState['signalingState'] {
    return this.state.signalingState
  }
  get iceGatheringState(): PeerState['iceGatheringState'] {
    return this.state.iceGatheringState
  }
  get iceConnectionState(): PeerState['iceConnectionState'] {
    return this.state.iceConnectionState
  }
  get connectionState(): string {
    return this.closed ? 'closed' : this.state.iceConnectionState
  }
  get localDescription(): RemoteSessionDescription | null {
    return this.state.localDescription && new RemoteSessionDescription(this.state.localDescription)
  }
  get remoteDescription(): RemoteSessionDescription | null {
    return this.state.remoteDescription && new RemoteSessionDescription(this.state.remoteDescription)
  }

  async createOffer(options?: { iceRestart?: boolean }): Promise<RemoteSessionDescription> {
    const reply = await this.send({ op: 'createOffer', iceRestart: options?.iceRestart === true })
    return this.described(reply)
  }

  async createAnswer(): Promise<RemoteSessionDescription> {
    return this.described(await this.send({ op: 'createAnswer' }))
  }

  async setLocalDescription(description: SessionDescriptionInit): Promise<void> {
    await this.send({ op: 'setLocalDescription', description: plain(description) })
  }

  async setRemoteDescription(description: SessionDescriptionInit): Promise<void> {
    await this.send({ op: 'setRemoteDescription', description: plain(description) })
  }

  /** The microphone track is added by the engine when it creates the connection. */
  addTrack(): typeof this.sender {
    return this.sender
  }

  getSenders(): (typeof this.sender)[] {
    return this.closed ? [] : [this.sender]
  }

  getReceivers(): never[] {
    return []
  }

  /** Three-party conference: this call's audio mixed with the other calls' on the desktop. */
  mix(withCallIds: string[]): Promise<MediaReplyValue> {
    return this.send({ op: 'mix', withCallIds })
  }

  /** Recording both directions; finished and sent to main by the engine when the connection closes. */
  record(enabled: boolean): Promise<MediaReplyValue> {
    return this.send({ op: 'record', enabled })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.state = { ...this.state, signalingState: 'closed', iceConnectionState: 'closed' }
    void this.send({ op: 'close' }, true)
      .catch(() => undefined)
      .finally(() => this.unsubscribe())
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type)
    if (!set) this.listeners.set(type, (set = new Set()))
    set.add(listener)
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener)
  }

  private send(request: MediaRequest, evenWhenClosed = false): Promise<MediaReplyValue> {
    const next = this.queue.then(() => {
      if (this.closed && !evenWhenClosed) throw new Error('The connection is closed')
      return this.port.request(this.callId, request)
    })
    this.queue = next.catch(() => undefined)
    return next.then((reply) => {
      if (!this.closed) this.state = reply.state
      return reply
    })
  }

  private described(reply: MediaReplyValue): RemoteSessionDescription {
    if (!reply.description) throw new Error('The media engine answered without a session description')
    return new RemoteSessionDescription(reply.description)
  }

  private onPortEvent(event: PortEvent): void {
    if (this.closed) return
    const before = this.state
    this.state = event.state
    if (event.kind === 'icecandidate') {
      this.dispatch('icecandidate', { candidate: event.candidate ?? null })
      return
    }
    if (before.iceGatheringState !== event.state.iceGatheringState) this.dispatch('icegatheringstatechange', {})
    if (before.iceConnectionState !== event.state.iceConnectionState) this.dispatch('iceconnectionstatechange', {})
    if (before.signalingState !== event.state.signalingState) this.dispatch('signalingstatechange', {})
  }

  private dispatch(type: string, event: object): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener({ type, target: this, ...event })
  }
}

function plain(description: SessionDescriptionInit): SessionDescriptionInit {
  return { type: description.type, sdp: description.sdp }
}
