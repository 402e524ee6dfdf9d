/**
 * Stands in for the renderer's media engine when a desktop's main-process services run under
 * Node alone: it speaks the real media port (phone.attachMedia, the phone.media event,
 * phone.mediaReply, phone.mediaEvent) and answers with plausible audio SDP, so SIP signalling
 * through a real Kamailio can be tested without a browser. Like Chromium, it refuses a session
 * description it cannot parse. Real audio is tested in Chromium (tests/e2e/phone.spec.ts).
 */
import type { TestDesktop } from './desktop'
import type { MediaRequestEnvelope, PeerState, SessionDescriptionInit } from '../../src/shared/ipc/phone-media'

interface FakePeer {
  state: PeerState
  sending: boolean
  dtmf: string
  mixedWith: string[]
  recording: boolean
  /** Recording chunks main has taken, like a real engine's stream: the first at the start, the rest at the end. */
  chunksSent: number
  recordingId: string | null
}

/** What the fake "records": recognisable bytes, in three chunks like a real engine's stream (the first when recording starts). */
export function fakeRecording(callId: string): Buffer {
  return Buffer.from(`fake-webm:${callId}:`.repeat(200))
}

let nextPort = 40_000

export interface FakeMediaEngine {
  mediaId: string
  peers: Map<string, FakePeer>
  /** Every request received, for assertions about what main asked for. */
  requests: MediaRequestEnvelope[]
  /** Make the offers this engine creates unparseable, as a broken peer's would be. */
  corruptOffers: boolean
  stop(): void
}

export async function attachFakeMediaEngine(desktop: TestDesktop, mediaId = `fake-${Math.random().toString(36).slice(2)}`): Promise<FakeMediaEngine> {
  const peers = new Map<string, FakePeer>()
  const requests: MediaRequestEnvelope[] = []
  let stopped = false
  const engine: FakeMediaEngine = {
    mediaId,
    peers,
    requests,
    corruptOffers: false,
    stop: () => {
      stopped = true
      off()
    },
  }
  const off = desktop.api.on('phone.media', (envelope) => {
    if (envelope.mediaId !== mediaId) return
    requests.push(envelope)
    void handle(envelope)
  })

  async function handle({ reqId, callId, request }: MediaRequestEnvelope): Promise<void> {
    const reply = (value: { description?: SessionDescriptionInit; state: PeerState }) =>
      desktop.services.router.invoke('phone.mediaReply', { mediaId, reqId, ok: true, value })
    const fail = (error: string) => desktop.services.router.invoke('phone.mediaReply', { mediaId, reqId, ok: false, error })
    if (request.op === 'create') {
      peers.set(callId, { state: initial(), sending: true, dtmf: '', mixedWith: [], recording: false, chunksSent: 0, recordingId: null })
      await reply({ state: initial() })
      return
    }
    const peer = peers.get(callId)
    if (!peer) return void (await fail(`No connection for ${callId}`))
    switch (request.op) {
      case 'createOffer':
        return void (await reply({ description: { type: 'offer', sdp: engine.corruptOffers ? 'this is not SDP' : audioSdp('sendrecv') }, state: peer.state }))
      case 'createAnswer': {
        const offered = peer.state.remoteDescription?.sdp ?? ''
        const direction = /a=sendonly/.test(offered) ? 'recvonly' : /a=inactive/.test(offered) ? 'inactive' : 'sendrecv'
        return void (await reply({ description: { type: 'answer', sdp: audioSdp(direction) }, state: peer.state }))
      }
      case 'setLocalDescription':
        // Gathering on loopback is immediate: the description already carries its candidate.
        peer.state = {
          ...peer.state,
          localDescription: request.description,
          signalingState: request.description.type === 'offer' ? 'have-local-offer' : 'stable',
          iceGatheringState: 'complete',
        }
        return void (await reply({ state: peer.state }))
      case 'setRemoteDescription':
        if (!parses(request.description.sdp)) return void (await fail('Failed to parse SessionDescription: no audio m-line'))
        peer.state = {
          ...peer.state,
          remoteDescription: request.description,
          signalingState: request.description.type === 'offer' ? 'have-remote-offer' : 'stable',
        }
        await reply({ state: peer.state })
        if (peer.state.signalingState === 'stable' && peer.state.iceConnectionState === 'new') {
          peer.state = { ...peer.state, iceConnectionState: 'connected' }
          await desktop.services.router.invoke('phone.mediaEvent', { mediaId, callId, kind: 'statechange', state: peer.state })
        }
        return
      case 'setSending':
        peer.sending = request.enabled
        return void (await reply({ state: peer.state }))
      case 'insertDtmf':
        peer.dtmf += request.tones
        return void (await reply({ state: peer.state }))
      case 'mix':
        peer.mixedWith = request.withCallIds
        return void (await reply({ state: peer.state }))
      case 'record':
        peer.recording = request.enabled
        await reply({ state: peer.state })
        if (request.enabled && !peer.recordingId) {
          peer.recordingId = `rec-${Math.random().toString(36).slice(2)}`
          await sendChunk(callId, peer, 0)
        }
        return
      case 'close': {
        peer.state = { ...peer.state, signalingState: 'closed', iceConnectionState: 'closed' }
        await reply({ state: peer.state })
        if (!peer.recordingId) return
        for (let seq = 1; seq < 3; seq++) await sendChunk(callId, peer, seq)
        return
      }
    }
  }

  /** Chunks go one after another, like the real engine's (a close must not resend the one in flight). */
  let sending: Promise<void> = Promise.resolve()
  function sendChunk(callId: string, peer: FakePeer, seq: number): Promise<void> {
    sending = sending.then(async () => {
      if (stopped || seq < peer.chunksSent) return
      const audio = fakeRecording(callId)
      const third = Math.ceil(audio.length / 3)
      const dataBase64 = audio.subarray(seq * third, (seq + 1) * third).toString('base64')
      const result = await desktop.services.router.invoke('phone.recordingChunk', { mediaId, callId, recordingId: peer.recordingId, seq, last: seq === 2, mime: 'audio/webm', dataBase64 })
      if (result.ok) peer.chunksSent = seq + 1
    })
    return sending
  }

  const attached = await desktop.services.router.invoke('phone.attachMedia', { mediaId })
  if (!attached.ok) throw new Error(`attachMedia failed: ${attached.error.message}`)
  return engine
}

function initial(): PeerState {
  return { signalingState: 'stable', iceGatheringState: 'new', iceConnectionState: 'new', localDescription: null, remoteDescription: null }
}

/** What Chromium needs at the least: a version line and an audio m-line. */
function parses(sdp: string): boolean {
  return /^v=0\r?\n/.test(sdp) && /\r?\nm=audio \d+ /.test(sdp)
}

function audioSdp(direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'): string {
  const port = nextPort++
  return [
    'v=0',
    `o=- ${port} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `m=audio ${port} UDP/TLS/RTP/SAVPF 111 126`,
    'c=IN IP4 127.0.0.1',
    `a=candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host`,
    'a=ice-ufrag:fake',
    'a=ice-pwd:fakefakefakefakefakefake',
    'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
    'a=setup:actpass',
    'a=mid:0',
    `a=${direction}`,
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtpmap:126 telephone-event/8000',
    '',
  ].join('\r\n')
}
