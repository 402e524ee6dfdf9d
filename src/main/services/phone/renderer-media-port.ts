/**
 * The MediaPort over AgentApi: requests go out as `phone.media` events addressed to the renderer
 * that attached as the media engine; its `phone.mediaReply` and `phone.mediaEvent` calls come
 * back here. One engine at a time: a reloaded page attaches with a new mediaId and replaces the
 * old one, whose unanswered requests fail at once instead of hanging a call.
 */
import { AppError } from '../../../shared/errors'
import type { MediaEventInput, MediaReplyInput, MediaReplyValue, MediaRequest, MediaRequestEnvelope } from '../../../shared/ipc/phone-media'
import type { MediaPort, PortEvent } from './remote-peer-connection'

/** getUserMedia and ICE gathering take ~0.3 s; an engine that has not answered in this long is gone. */
const REQUEST_TIMEOUT_MS = 15_000

interface Pending {
  callId: string
  resolve: (value: MediaReplyValue) => void
  reject: (err: Error) => void
  timer: ReturnType<typeof setTimeout>
}

export class RendererMediaPort implements MediaPort {
  private mediaId: string | null = null
  private nextReqId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<string, Set<(event: PortEvent) => void>>()

  constructor(
    private readonly emitRequest: (envelope: MediaRequestEnvelope) => void,
    private readonly onEngineChanged: () => void = () => undefined,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  get attached(): boolean {
    return this.mediaId !== null
  }

  isEngine(mediaId: string): boolean {
    return this.mediaId === mediaId
  }

  attach(mediaId: string): void {
    if (this.mediaId === mediaId) return
    this.failPending(`The media engine was replaced`)
    this.mediaId = mediaId
    this.onEngineChanged()
  }

  /** The engine's renderer went away (Electron knows; the web host sees the page's socket close). */
  detach(mediaId?: string): void {
    if (mediaId !== undefined && mediaId !== this.mediaId) return
    this.mediaId = null
    this.failPending('The media engine went away')
    this.onEngineChanged()
  }

  request(callId: string, request: MediaRequest): Promise<MediaReplyValue> {
    const mediaId = this.mediaId
    if (!mediaId) return Promise.reject(new AppError('unavailable', 'No audio: the phone window is not open'))
    const reqId = this.nextReqId++
    return new Promise<MediaReplyValue>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId)
        reject(new AppError('timeout', `The media engine did not answer ${request.op}`))
      }, this.timeoutMs)
      this.pending.set(reqId, { callId, resolve, reject, timer })
      this.emitRequest({ mediaId, reqId, callId, request })
    })
  }

  subscribe(callId: string, listener: (event: PortEvent) => void): () => void {
    let set = this.listeners.get(callId)
    if (!set) this.listeners.set(callId, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(callId)
    }
  }

  /** `phone.mediaReply`: an answer for a request this port sent to the current engine. */
  reply(input: MediaReplyInput): void {
    if (input.mediaId !== this.mediaId) throw new AppError('conflict', 'This page is not the media engine')
    const pending = this.pending.get(input.reqId)
    if (!pending) throw new AppError('not_found', `No media request ${input.reqId} is waiting`)
    this.pending.delete(input.reqId)
    clearTimeout(pending.timer)
    if (input.ok) pending.resolve(input.value)
    else pending.reject(new Error(`Media engine: ${input.error}`))
  }

  /** `phone.mediaEvent`: the real connection of a call did something on its own. */
  event(input: MediaEventInput): void {
    if (input.mediaId !== this.mediaId) throw new AppError('conflict', 'This page is not the media engine')
    const set = this.listeners.get(input.callId)
    if (!set) throw new AppError('not_found', `No call ${input.callId} has media`)
    const event: PortEvent = { kind: input.kind, candidate: input.candidate ?? null, state: input.state }
    for (const listener of [...set]) listener(event)
  }

  private failPending(message: string): void {
    for (const [reqId, pending] of this.pending) {
      clearTimeout(pending.timer)
      pending.reject(new AppError('unavailable', message))
      this.pending.delete(reqId)
    }
  }
}
