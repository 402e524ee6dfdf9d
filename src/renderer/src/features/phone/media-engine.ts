import type { AgentApi, AgentApiInput } from '../../../../shared/ipc/agent-api'
import type { MediaReplyValue, MediaRequest, MediaRequestEnvelope, PeerState, RecordingChunkInput, SessionDescriptionInit } from '../../../../shared/ipc/phone-media'
import { openMicrophone, routeToOutput, type AudioDeviceChoice } from './audio-devices'

/**
 * The media engine: the real RTCPeerConnections behind main's SIP user agent.
 *
 * Main owns JsSIP and every call's signalling; JsSIP talks to a stand-in peer connection in main
 * that turns each of its calls into a request here (shared/ipc/phone-media.ts). This renderer runs
 * them on one real RTCPeerConnection per call, with the agent's microphone and speaker, and
 * answers every request — an error is an answer too, so main's JsSIP never waits forever. What the
 * connection does on its own (ICE candidates, state changes) is reported with a snapshot of the
 * state JsSIP reads synchronously.
 */
export interface MediaEngineOptions {
  /** The agent's chosen devices, read when a call starts. */
  devices(): AudioDeviceChoice
}

export interface CallMediaStats {
  callId: string
  /** RTP packets and bytes received from / sent to the other party (audio). */
  inbound: { packets: number; bytes: number; audioLevel: number }
  outbound: { packets: number; bytes: number }
  /** The negotiated direction of the audio transceiver (sendonly while this side holds). */
  direction: RTCRtpTransceiverDirection | null
  sending: boolean
  iceConnectionState: RTCIceConnectionState
  /** The calls whose far-end audio is mixed into what this call sends (three-party conference). */
  mixedWith: string[]
  recording: RecordingState | 'off'
}

export interface MediaEngine {
  readonly mediaId: string
  /** Becomes (again) the engine main sends media requests to: at start and after the link to main reconnects. */
  attach(): Promise<void>
  /** Moves every live call to the chosen microphone and output. */
  useDevices(choice: AudioDeviceChoice): Promise<void>
  stats(callId: string): Promise<CallMediaStats | null>
  callIds(): string[]
  /** Ends every connection and stops listening (sign-out). */
  stop(): void
}

interface Mix {
  withCallIds: string[]
  destination: MediaStreamAudioDestinationNode
  sources: MediaStreamAudioSourceNode[]
}

/**
 * Both directions of one call, mixed and encoded while it lasts, and streamed to main as it is
 * encoded (main keeps it on disk), so a crash of this page loses at most the last slice.
 */
interface Recording {
  /** Main tells one recorder's chunks from another's (a reloaded page records the rest of a call anew). */
  id: string
  recorder: MediaRecorder
  mime: RecordingChunkInput['mime']
  destination: MediaStreamAudioDestinationNode
  mic: MediaStreamAudioSourceNode
  remote: MediaStreamAudioSourceNode | null
  /** The next chunk's number, and the sends in order. */
  seq: number
  sending: Promise<void>
  /** Main refused a chunk: the rest would not fit, so nothing more is sent. */
  broken: boolean
}

/** Raw bytes per chunk: 1.5 MB is 2 MB of base64, one bridge frame (RecordingChunkInputSchema). */
const RECORDING_CHUNK_BYTES = 1_500_000
/** The recorder hands over what it has every second, so a crash loses at most that much. */
const RECORDING_SLICE_MS = 1_000

function recordingFormat(): { mimeType: string; mime: RecordingChunkInput['mime'] } {
  for (const [mimeType, mime] of [
    ['audio/webm;codecs=opus', 'audio/webm'],
    ['audio/webm', 'audio/webm'],
    ['audio/ogg;codecs=opus', 'audio/ogg'],
  ] as const) {
    if (MediaRecorder.isTypeSupported(mimeType)) return { mimeType, mime }
  }
  throw new Error('This host cannot record audio as WebM or Ogg')
}

function base64Of(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

interface CallMedia {
  pc: RTCPeerConnection
  mic: MediaStream
  sender: RTCRtpSender
  /** What JsSIP asked for (mute and hold both turn it off); applies to whatever track is sent. */
  sending: boolean
  remote: MediaStream
  speaker: HTMLAudioElement
  mix: Mix | null
  recording: Recording | null
}

const CLOSED: PeerState = {
  signalingState: 'closed',
  iceGatheringState: 'complete',
  iceConnectionState: 'closed',
  localDescription: null,
  remoteDescription: null,
}

function description(d: RTCSessionDescription | RTCSessionDescriptionInit | null): SessionDescriptionInit | null {
  return d && d.type ? { type: d.type, sdp: d.sdp ?? '' } : null
}

function peerState(pc: RTCPeerConnection): PeerState {
  return {
    signalingState: pc.signalingState,
    iceGatheringState: pc.iceGatheringState,
    iceConnectionState: pc.iceConnectionState,
    localDescription: description(pc.localDescription),
    remoteDescription: description(pc.remoteDescription),
  }
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return text.slice(0, 500)
}

function newMediaId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `media-${Date.now()}-${Math.random().toString(36).slice(2)}`
}

const newRecordingId = newMediaId

export function startMediaEngine(api: AgentApi, options: MediaEngineOptions): MediaEngine {
  const mediaId = newMediaId()
  const calls = new Map<string, CallMedia>()
  /** Requests for one call run in the order they came; different calls do not wait for each other. */
  const queues = new Map<string, Promise<void>>()
  /**
   * What goes back to main for one call (answers and events) is sent one at a time, each after
   * main has taken the one before. Main handles each message asynchronously; sent together, an
   * ICE event could be handled before the answer it follows, and main would then take the
   * answer's older state (gathering) for the newest and wait for a candidate already reported.
   */
  const outboxes = new Map<string, Promise<void>>()
  let audioContext: AudioContext | null = null
  let stopped = false

  function post(callId: string, what: string, send: () => Promise<unknown>): void {
    const next = (outboxes.get(callId) ?? Promise.resolve()).then(() => send().then(() => undefined, (err: unknown) => console.warn(`Could not send ${what} of call ${callId}`, err)))
    outboxes.set(callId, next)
    void next.finally(() => {
      if (outboxes.get(callId) === next) outboxes.delete(callId)
    })
  }

  function report(callId: string, pc: RTCPeerConnection, kind: 'icecandidate' | 'statechange', candidate?: RTCIceCandidate | null): void {
    if (stopped || calls.get(callId)?.pc !== pc) return
    const event =
      kind === 'icecandidate'
        ? { mediaId, callId, kind, candidate: candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } : null, state: peerState(pc) }
        : { mediaId, callId, kind, state: peerState(pc) }
    post(callId, kind, () => api.invoke('phone.mediaEvent', event))
  }

  function callFor(callId: string): CallMedia {
    const call = calls.get(callId)
    if (!call) throw new Error(`No media for call ${callId}`)
    return call
  }

  function context(): AudioContext {
    audioContext ??= new AudioContext()
    // Suspended until the page has had a click; by the time there is a call it has.
    void audioContext.resume().catch(() => undefined)
    return audioContext
  }

  async function create(callId: string, iceServers: RTCIceServer[]): Promise<MediaReplyValue> {
    // Main creates again when it believes the old connection gone (this engine re-attached): start
    // afresh. Main starts a new recording too, so the old one is dropped rather than sent.
    close(callId, false)
    const devices = options.devices()
    const mic = await openMicrophone(devices.inputId)
    const track = mic.getAudioTracks()[0]
    if (!track) {
      mic.getTracks().forEach((t) => t.stop())
      throw new Error('The microphone gave no audio track')
    }
    if (stopped) {
      track.stop()
      throw new Error('The media engine has stopped')
    }
    let pc: RTCPeerConnection
    try {
      pc = new RTCPeerConnection({ iceServers })
    } catch (err) {
      track.stop()
      throw err
    }
    const sender = pc.addTrack(track, mic)
    const remote = new MediaStream()
    const speaker = new Audio()
    speaker.autoplay = true
    speaker.srcObject = remote
    void routeToOutput(speaker, devices.outputId)
    const call: CallMedia = { pc, mic, sender, sending: true, remote, speaker, mix: null, recording: null }
    calls.set(callId, call)

    pc.onicecandidate = (e) => {
      // An empty candidate string marks the end of one generation (Firefox); null ends gathering.
      if (e.candidate && e.candidate.candidate === '') return
      report(callId, pc, 'icecandidate', e.candidate)
    }
    pc.onsignalingstatechange = () => report(callId, pc, 'statechange')
    pc.onicegatheringstatechange = () => report(callId, pc, 'statechange')
    pc.oniceconnectionstatechange = () => report(callId, pc, 'statechange')
    pc.ontrack = (e) => {
      if (e.track.kind !== 'audio' || remote.getTrackById(e.track.id)) return
      remote.addTrack(e.track)
      if (call.recording && !call.recording.remote) {
        call.recording.remote = context().createMediaStreamSource(remote)
        call.recording.remote.connect(call.recording.destination)
      }
      // Chromium only feeds a remote track into Web Audio (the conference mix) while an element plays it.
      speaker.play().catch((err: unknown) => {
        // Interrupted because the call closed meanwhile: nothing to play any more.
        if (!(err instanceof DOMException && err.name === 'AbortError')) console.warn(`Could not play the audio of call ${callId}`, err)
      })
    }
    return { state: peerState(pc) }
  }

  async function mix(callId: string, withCallIds: string[]): Promise<void> {
    const call = callFor(callId)
    const others = withCallIds.filter((id) => id !== callId).map((id) => ({ id, media: callFor(id) }))
    const previous = call.mix
    if (others.length === 0) {
      // Out of the conference: the microphone alone again.
      const mic = call.mic.getAudioTracks()[0] ?? null
      if (mic) mic.enabled = call.sending
      await call.sender.replaceTrack(mic)
      call.mix = null
    } else {
      for (const other of others) {
        if (other.media.remote.getAudioTracks().length === 0) throw new Error(`Call ${other.id} has no audio from the far end yet`)
      }
      const ctx = context()
      const destination = ctx.createMediaStreamDestination()
      const sources = [ctx.createMediaStreamSource(call.mic), ...others.map((o) => ctx.createMediaStreamSource(o.media.remote))]
      for (const source of sources) source.connect(destination)
      const mixed = destination.stream.getAudioTracks()[0]
      if (!mixed) throw new Error('The audio mixer gave no track')
      mixed.enabled = call.sending
      await call.sender.replaceTrack(mixed)
      call.mix = { withCallIds: others.map((o) => o.id), destination, sources }
    }
    if (previous) dismantle(previous)
  }

  function dismantle(m: Mix): void {
    for (const source of m.sources) source.disconnect()
    m.destination.stream.getTracks().forEach((t) => t.stop())
  }

  function record(callId: string, enabled: boolean): void {
    const call = callFor(callId)
    const current = call.recording
    if (!enabled) {
      if (current?.recorder.state === 'recording') current.recorder.pause()
      return
    }
    if (current) {
      if (current.recorder.state === 'paused') current.recorder.resume()
      return
    }
    const ctx = context()
    const { mimeType, mime } = recordingFormat()
    const destination = ctx.createMediaStreamDestination()
    const micSource = ctx.createMediaStreamSource(call.mic)
    micSource.connect(destination)
    const remoteSource = call.remote.getAudioTracks().length > 0 ? ctx.createMediaStreamSource(call.remote) : null
    remoteSource?.connect(destination)
    const recorder = new MediaRecorder(destination.stream, { mimeType })
    const recording: Recording = { id: newRecordingId(), recorder, mime, destination, mic: micSource, remote: remoteSource, seq: 0, sending: Promise.resolve(), broken: false }
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) sendRecording(callId, recording, e.data, false)
    }
    recorder.start(RECORDING_SLICE_MS)
    call.recording = recording
  }

  /** Queues a slice of the recording for main, cut to bridge-sized chunks, after the ones before it. */
  function sendRecording(callId: string, recording: Recording, data: Blob, last: boolean): Promise<void> {
    recording.sending = recording.sending.then(async () => {
      const count = Math.max(1, Math.ceil(data.size / RECORDING_CHUNK_BYTES))
      for (let i = 0; i < count && !recording.broken; i++) {
        const bytes = new Uint8Array(await data.slice(i * RECORDING_CHUNK_BYTES, (i + 1) * RECORDING_CHUNK_BYTES).arrayBuffer())
        const chunk = { mediaId, callId, recordingId: recording.id, seq: recording.seq, last: last && i === count - 1, mime: recording.mime, dataBase64: base64Of(bytes) }
        try {
          await api.invoke('phone.recordingChunk', chunk)
          recording.seq++
        } catch (err) {
          recording.broken = true
          console.warn(`Main refused recording chunk ${chunk.seq} of call ${callId}`, err)
        }
      }
    })
    return recording.sending
  }

  /** The microphone changed under a recording: record the new one. */
  function rewireRecording(call: CallMedia): void {
    const recording = call.recording
    if (!recording) return
    recording.mic.disconnect()
    recording.mic = context().createMediaStreamSource(call.mic)
    recording.mic.connect(recording.destination)
  }

  /** Ends the recorder; its last slice and the end mark follow the chunks already on their way. */
  async function deliverRecording(callId: string, recording: Recording): Promise<void> {
    await new Promise<void>((resolve) => {
      if (recording.recorder.state === 'inactive') return resolve()
      recording.recorder.addEventListener('stop', () => resolve(), { once: true })
      recording.recorder.stop()
    })
    recording.mic.disconnect()
    recording.remote?.disconnect()
    recording.destination.stream.getTracks().forEach((t) => t.stop())
    // Nothing recorded at all (paused throughout): nothing to send.
    await recording.sending
    if (recording.seq === 0) return
    await sendRecording(callId, recording, new Blob([], { type: recording.mime }), true)
  }

  function close(callId: string, deliver = true): void {
    const call = calls.get(callId)
    if (!call) return
    calls.delete(callId)
    if (call.mix) dismantle(call.mix)
    if (call.recording) {
      const recording = call.recording
      call.recording = null
      if (deliver) deliverRecording(callId, recording).catch((err: unknown) => console.warn(`Could not hand over the recording of call ${callId}`, err))
      else if (recording.recorder.state !== 'inactive') recording.recorder.stop()
    }
    call.pc.close()
    call.mic.getTracks().forEach((t) => t.stop())
    call.speaker.pause()
    call.speaker.srcObject = null
  }

  async function perform(callId: string, request: MediaRequest): Promise<MediaReplyValue> {
    switch (request.op) {
      case 'create':
        return create(callId, request.iceServers)
      case 'createOffer': {
        const { pc } = callFor(callId)
        const offer = await pc.createOffer({ iceRestart: request.iceRestart })
        return { description: { type: offer.type, sdp: offer.sdp ?? '' }, state: peerState(pc) }
      }
      case 'createAnswer': {
        const { pc } = callFor(callId)
        const answer = await pc.createAnswer()
        return { description: { type: answer.type, sdp: answer.sdp ?? '' }, state: peerState(pc) }
      }
      case 'setLocalDescription': {
        const { pc } = callFor(callId)
        await pc.setLocalDescription(request.description)
        return { state: peerState(pc) }
      }
      case 'setRemoteDescription': {
        const { pc } = callFor(callId)
        await pc.setRemoteDescription(request.description)
        return { state: peerState(pc) }
      }
      case 'setSending': {
        const call = callFor(callId)
        call.sending = request.enabled
        if (call.sender.track) call.sender.track.enabled = request.enabled
        return { state: peerState(call.pc) }
      }
      case 'insertDtmf': {
        const call = callFor(callId)
        const dtmf = call.sender.dtmf
        if (!dtmf || !dtmf.canInsertDTMF) throw new Error(`Call ${callId} cannot send DTMF tones (no telephone-event negotiated)`)
        dtmf.insertDTMF(request.tones, request.duration, request.gap)
        return { state: peerState(call.pc) }
      }
      case 'mix':
        await mix(callId, request.withCallIds)
        return { state: peerState(callFor(callId).pc) }
      case 'record':
        record(callId, request.enabled)
        return { state: peerState(callFor(callId).pc) }
      case 'close': {
        const call = calls.get(callId)
        close(callId)
        // Closing what is already gone is done, not an error: main may close after a failed create.
        return { state: call ? peerState(call.pc) : CLOSED }
      }
      default:
        throw new Error(`Unknown media request ${(request as { op?: unknown }).op as string}`)
    }
  }

  function handle(envelope: MediaRequestEnvelope): void {
    if (envelope.mediaId !== mediaId || stopped) return
    const { callId, reqId, request } = envelope
    const previous = queues.get(callId) ?? Promise.resolve()
    const next = previous.then(async () => {
      let reply: AgentApiInput<'phone.mediaReply'>
      try {
        const value = await perform(callId, request)
        reply = { mediaId, reqId, ok: true, value }
      } catch (err) {
        console.warn(`Media request ${request.op} for call ${callId} failed`, err)
        reply = { mediaId, reqId, ok: false, error: messageOf(err) }
      }
      post(callId, `the answer to ${request.op} #${reqId}`, () => api.invoke('phone.mediaReply', reply))
    })
    queues.set(callId, next)
    void next.finally(() => {
      if (queues.get(callId) === next) queues.delete(callId)
    })
  }

  const unsubscribe = api.on('phone.media', handle)

  const engine: MediaEngine = {
    mediaId,
    async attach() {
      if (stopped) return
      await api.invoke('phone.attachMedia', { mediaId })
    },
    async useDevices(choice) {
      for (const [callId, call] of calls) {
        void routeToOutput(call.speaker, choice.outputId)
        try {
          const mic = await openMicrophone(choice.inputId)
          const track = mic.getAudioTracks()[0]
          if (!track || calls.get(callId) !== call) {
            mic.getTracks().forEach((t) => t.stop())
            continue
          }
          const old = call.mic
          call.mic = mic
          if (call.mix) await mix(callId, call.mix.withCallIds)
          else {
            track.enabled = call.sending
            await call.sender.replaceTrack(track)
          }
          rewireRecording(call)
          old.getTracks().forEach((t) => t.stop())
        } catch (err) {
          console.warn(`Could not move call ${callId} to the chosen microphone`, err)
        }
      }
    },
    async stats(callId) {
      const call = calls.get(callId)
      if (!call) return null
      const result: CallMediaStats = {
        callId,
        inbound: { packets: 0, bytes: 0, audioLevel: 0 },
        outbound: { packets: 0, bytes: 0 },
        direction: call.pc.getTransceivers().find((t) => t.sender === call.sender)?.currentDirection ?? null,
        sending: call.sending,
        iceConnectionState: call.pc.iceConnectionState,
        mixedWith: call.mix?.withCallIds ?? [],
        recording: call.recording?.recorder.state ?? 'off',
      }
      const report = await call.pc.getStats()
      report.forEach((s: RTCStats & Record<string, unknown>) => {
        if (s['kind'] !== 'audio') return
        if (s.type === 'inbound-rtp') {
          result.inbound.packets += Number(s['packetsReceived'] ?? 0)
          result.inbound.bytes += Number(s['bytesReceived'] ?? 0)
          result.inbound.audioLevel = Math.max(result.inbound.audioLevel, Number(s['audioLevel'] ?? 0))
        } else if (s.type === 'outbound-rtp') {
          result.outbound.packets += Number(s['packetsSent'] ?? 0)
          result.outbound.bytes += Number(s['bytesSent'] ?? 0)
        }
      })
      return result
    },
    callIds: () => [...calls.keys()],
    stop() {
      if (stopped) return
      stopped = true
      unsubscribe()
      for (const callId of [...calls.keys()]) close(callId)
      void audioContext?.close().catch(() => undefined)
      audioContext = null
    },
  }
  return engine
}
