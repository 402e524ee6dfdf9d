import type { Namespace } from 'socket.io'
import type { VisitorClientToServerEvents, VisitorServerToClientEvents } from '../../../shared/protocol/visitor-socket'
import type { ChannelAdapter, DeliveryOutcome, OutboundMessage, SurveyRequest } from '../../inbox/channel-port'
import type { WebchatStore } from './webchat-store'

export type VisitorNamespace = Namespace<VisitorClientToServerEvents, VisitorServerToClientEvents, Record<string, never>, VisitorSocketData>

export interface VisitorSocketData {
  visitorId: string
  siteKey: string
  /** The page the chat was opened on (the embedding website's URL), shown to agents. */
  page: string
}

/** Visitors' sockets sit in the room of their thread: every tab of one visitor hears every line. */
export const visitorRoom = (threadKey: string): string => threadKey
const visitorOfThread = (threadKey: string): string => threadKey.replace(/^visitor:/, '')

/**
 * The inbox's side of web chat. A reply is pushed to the visitor's open tabs; it is in the database
 * either way, and a page that was closed fetches it with `history` when it comes back, so handing
 * it over is delivery: a chat reply is `sent` at once.
 */
export class WebchatChannel implements ChannelAdapter {
  readonly channel = 'chat' as const

  constructor(
    private readonly nsp: VisitorNamespace,
    private readonly store: WebchatStore,
    /** The visitor's place in the queue may have changed (their chat was taken). */
    private readonly statusOfVisitor: (threadKey: string) => void = () => undefined,
  ) {}

  async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    // The stored copy, so the visitor sees the same time as `history` will show.
    const stored = await this.store.message(message.messageId)
    this.nsp.to(visitorRoom(message.threadKey)).emit('message', stored ?? {
      id: message.messageId,
      conversationId: message.conversationId,
      clientId: null,
      from: 'agent',
      authorName: message.agentName,
      text: message.text,
      attachments: [...message.attachments],
      at: Date.now(),
    })
    // An agent who answers has read what the visitor wrote before.
    const readUpTo = await this.store.agentReadUpTo(visitorOfThread(message.threadKey))
    if (readUpTo) this.nsp.to(visitorRoom(message.threadKey)).emit('read', { upTo: readUpTo })
    this.statusOfVisitor(message.threadKey)
    return { ok: true, externalId: null }
  }

  /** The inline 1–5 rating; a visitor who is away gets it when they come back (see the namespace's welcome). */
  async sendSurvey(request: SurveyRequest): Promise<void> {
    this.nsp.to(visitorRoom(request.threadKey)).emit('survey:request', { conversationId: request.conversationId, agentName: request.agentName })
  }
}
