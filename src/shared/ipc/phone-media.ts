/**
 * The media port: the narrow channel through which the main process, which owns SIP signalling
 * (JsSIP), drives the WebRTC peer connections that can only live in a Chromium context (a hidden
 * media window in Electron, the page itself in the web host).
 *
 * JsSIP talks to a stand-in RTCPeerConnection in main (services/phone/remote-peer-connection.ts);
 * each method it calls becomes one request here, sent to the renderer as the `phone.media` event.
 * The renderer that attached as the media engine runs it on a real RTCPeerConnection and answers
 * with `phone.mediaReply`; what the real connection does on its own (ICE candidates, state
 * changes) comes back as `phone.mediaEvent`. What JsSIP reads synchronously (signalingState,
 * iceGatheringState, localDescription) travels with every answer and event as a PeerState.
 */
import { z } from 'zod'
import { IceServerSchema } from '../domain/phone'

/** Electron's hidden media window loads the app page with this hash: it runs only the media engine. */
export const MEDIA_WINDOW_HASH = '#media'

const Id = z.string().min(1).max(64)
/** Far larger than any audio SDP with many candidates; refuses pasted garbage. */
const MAX_SDP_CHARS = 64 * 1024

export const SessionDescriptionSchema = z
  .object({ type: z.enum(['offer', 'answer', 'pranswer', 'rollback']), sdp: z.string().max(MAX_SDP_CHARS) })
  .strict()
export type SessionDescriptionInit = z.infer<typeof SessionDescriptionSchema>

export const PeerStateSchema = z
  .object({
    signalingState: z.enum(['stable', 'have-local-offer', 'have-remote-offer', 'have-local-pranswer', 'have-remote-pranswer', 'closed']),
    iceGatheringState: z.enum(['new', 'gathering', 'complete']),
    iceConnectionState: z.enum(['new', 'checking', 'connected', 'completed', 'failed', 'disconnected', 'closed']),
    localDescription: SessionDescriptionSchema.nullable(),
    remoteDescription: SessionDescriptionSchema.nullable(),
  })
  .strict()
export type PeerState = z.infer<typeof PeerStateSchema>

/** One request from main to the media engine. */
export const MediaRequestSchema = z.discriminatedUnion('op', [
  /** A new connection for a call, with the microphone's track already added. */
  z.object({ op: z.literal('create'), iceServers: z.array(IceServerSchema) }),
  z.object({ op: z.literal('createOffer'), iceRestart: z.boolean() }),
  z.object({ op: z.literal('createAnswer') }),
  z.object({ op: z.literal('setLocalDescription'), description: SessionDescriptionSchema }),
  z.object({ op: z.literal('setRemoteDescription'), description: SessionDescriptionSchema }),
  /** Mute or unmute what this side sends (JsSIP's mute and hold both come here). */
  z.object({ op: z.literal('setSending'), enabled: z.boolean() }),
  /** RFC 4733 telephone-events on the audio sender. */
  z.object({ op: z.literal('insertDtmf'), tones: z.string().regex(/^[0-9*#A-Da-d,]{1,64}$/), duration: z.number().int().min(40).max(6000), gap: z.number().int().min(30).max(6000) }),
  /** Join this call's audio with others' on this desktop (three-party conference), or leave. */
  z.object({ op: z.literal('mix'), withCallIds: z.array(Id).max(4) }),
  /**
   * Start or stop (pause) recording both directions (mixed). The recording is streamed to main
   * with `phone.recordingChunk` as it is made, so a crashed page loses at most its last second;
   * it is finished when the connection closes.
   */
  z.object({ op: z.literal('record'), enabled: z.boolean() }),
  z.object({ op: z.literal('close') }),
])
export type MediaRequest = z.infer<typeof MediaRequestSchema>
export type MediaOp = MediaRequest['op']

/** The `phone.media` event: a request addressed to one media engine. */
export const MediaRequestEnvelopeSchema = z.object({
  mediaId: Id,
  reqId: z.number().int().nonnegative(),
  callId: Id,
  request: MediaRequestSchema,
})
export type MediaRequestEnvelope = z.infer<typeof MediaRequestEnvelopeSchema>

/** What each op answers with. */
export const MediaReplyValueSchema = z
  .object({
    /** createOffer / createAnswer. */
    description: SessionDescriptionSchema.optional(),
    state: PeerStateSchema,
  })
  .strict()
export type MediaReplyValue = z.infer<typeof MediaReplyValueSchema>

export const MediaReplyInputSchema = z.discriminatedUnion('ok', [
  z.object({ mediaId: Id, reqId: z.number().int().nonnegative(), ok: z.literal(true), value: MediaReplyValueSchema }).strict(),
  z.object({ mediaId: Id, reqId: z.number().int().nonnegative(), ok: z.literal(false), error: z.string().max(500) }).strict(),
])
export type MediaReplyInput = z.infer<typeof MediaReplyInputSchema>

export const IceCandidateSchema = z
  .object({
    candidate: z.string().max(2_000),
    sdpMid: z.string().max(64).nullable(),
    sdpMLineIndex: z.number().int().nonnegative().nullable(),
  })
  .strict()

/** Something the real connection did on its own. A null candidate ends gathering. */
export const MediaEventInputSchema = z
  .object({
    mediaId: Id,
    callId: Id,
    kind: z.enum(['icecandidate', 'statechange']),
    candidate: IceCandidateSchema.nullable().optional(),
    state: PeerStateSchema,
  })
  .strict()
export type MediaEventInput = z.infer<typeof MediaEventInputSchema>

export const AttachMediaInputSchema = z.object({ mediaId: Id }).strict()

export const recordingTypes = ['audio/webm', 'audio/ogg'] as const
/** ~1.5 MB of audio per chunk: one bridge frame each, however long the call. */
const MAX_CHUNK_BASE64 = 2 * 1024 * 1024

/** `phone.recordingChunk`: a piece of a call's recording as the engine records it, in order from seq 0. */
export const RecordingChunkInputSchema = z
  .object({
    mediaId: Id,
    callId: Id,
    /** One per recorder: a call recorded by two engines in turn (a page reloaded mid-call) is two recordings. */
    recordingId: Id,
    seq: z.number().int().nonnegative().max(100_000),
    last: z.boolean(),
    mime: z.enum(recordingTypes),
    dataBase64: z.string().max(MAX_CHUNK_BASE64).regex(/^[A-Za-z0-9+/]*={0,2}$/),
  })
  .strict()
export type RecordingChunkInput = z.infer<typeof RecordingChunkInputSchema>
