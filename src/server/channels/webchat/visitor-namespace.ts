import type { Server, Socket } from 'socket.io'
import type { z } from 'zod'
import { AppError, toErrorInfo, type Result } from '../../../shared/errors'
import {
  VISITOR_NAMESPACE,
  visitorClientEventSchemas,
  type VisitorClientEventName,
  type VisitorClientEventResults,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
} from '../../../shared/protocol/visitor-socket'
import { parseOrThrow } from '../../../shared/validation'
import type { Inbox } from '../../inbox/inbox'
import { REOPEN_WINDOW_MS } from '../../inbox/conversation-store'
import type { Logger } from '../../logger'
import { visitorRoom, type VisitorNamespace, type VisitorSocketData } from './webchat-channel'
import { DEFAULT_SITE_KEY, LEFT_MESSAGE_PREFIX, threadKeyOf, type WebchatSite, type WebchatStore } from './webchat-store'
import { visitorDisplayName, type VisitorTokens } from './visitor-tokens'

type VisitorSocket = Socket<VisitorClientToServerEvents, VisitorServerToClientEvents, Record<string, never>, VisitorSocketData>

export interface VisitorNamespaceDeps {
  inbox: Inbox
  store: WebchatStore
  tokens: VisitorTokens
  /** Whether an agent's desktop is connected (presence is kept in memory). */
  isOnline: (agentId: string) => boolean
  log: Logger
}

/** The cookie the chat page's response sets, for visitors whose page keeps no token of its own. */
export const VISITOR_COOKIE = 'od_visitor'

/** Events a visitor may send per window: enough for fast typists, not for a flood. */
const EVENT_BUDGET = 40
const BUDGET_REFILL_PER_SECOND = 4

type Handler<E extends VisitorClientEventName> = (
  payload: z.output<(typeof visitorClientEventSchemas)[E]>,
  socket: VisitorSocket,
  site: WebchatSite,
) => Promise<VisitorClientEventResults[E]>

export function attachVisitorNamespace(
  io: Server,
  deps: VisitorNamespaceDeps,
): { nsp: VisitorNamespace; statusChanged(): void; statusOfVisitor(threadKey: string): void; stop(): void } {
  const nsp = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace
  const { store, inbox } = deps

  nsp.use(async (socket, next) => {
    try {
      const auth = (typeof socket.handshake.auth === 'object' && socket.handshake.auth !== null ? socket.handshake.auth : {}) as Record<string, unknown>
      const siteKey = typeof auth['site'] === 'string' && auth['site'] !== '' ? auth['site'].slice(0, 64) : DEFAULT_SITE_KEY
      const site = await store.site(siteKey)
      if (!site) throw new AppError('not_found', 'This chat is not available')
      const presented = typeof auth['token'] === 'string' ? auth['token'] : cookieValue(socket.handshake.headers.cookie, VISITOR_COOKIE)
      // A missing or forged token is no error: the page simply starts as a new visitor.
      const visitorId = deps.tokens.verify(presented) ?? deps.tokens.issue().visitorId
      const page = typeof auth['page'] === 'string' ? auth['page'].slice(0, 500) : ''
      socket.data = { visitorId, siteKey: site.key, page }
      next()
    } catch (err) {
      const info = toErrorInfo(err)
      const error = new Error(info.code) as Error & { data?: unknown }
      error.data = info
      next(error)
    }
  })

  const handlers: { [E in VisitorClientEventName]: Handler<E> } = {
    'message:send': async (payload, socket, site) => {
      const { visitorId } = socket.data
      const attachments = await store.ownUploads(visitorId, payload.attachmentIds)
      if (!attachments) throw new AppError('not_found', 'A file of this message was not uploaded by you')
      const received = await inbox.receive({
        ...(await inboundBase(socket, site)),
        externalId: payload.clientId,
        text: payload.text,
        attachments,
      })
      const message = await store.message(received.messageId)
      if (!message) throw new AppError('internal', 'The message was not stored')
      // The visitor's other tabs show it too.
      if (received.created) socket.to(visitorRoom(threadKeyOf(visitorId))).emit('message', message)
      void sendStatus(socket, site)
      return { message, duplicate: !received.created }
    },
    // Agents' desktops have no typing event yet: the visitor's typing is accepted and not passed on.
    typing: async () => null,
    read: async (payload, socket) => {
      if (!(await store.markRead(socket.data.visitorId, payload.upTo))) throw new AppError('not_found', 'No such reply in your conversation')
      return null
    },
    identify: async (payload, socket) => store.identify(socket.data.visitorId, payload),
    rate: async (payload, socket) => {
      const conversation = await store.conversationOf(socket.data.visitorId, payload.conversationId)
      if (!conversation) throw new AppError('not_found', 'No such conversation')
      await inbox.rate(conversation.id, payload.rating)
      await store.saveFeedback(socket.data.visitorId, conversation.id, payload.rating, payload.comment?.trim() ?? '')
      return null
    },
    leaveMessage: async (payload, socket, site) => {
      const { visitorId } = socket.data
      await store.identify(visitorId, { name: payload.name, phone: payload.phone, email: payload.email })
      const contact = [`联系人：${payload.name}`, payload.phone ? `电话：${payload.phone}` : '', payload.email ? `邮箱：${payload.email}` : ''].filter(Boolean)
      const base = await inboundBase(socket, site)
      const received = await inbox.receive({
        ...base,
        externalId: `${LEFT_MESSAGE_PREFIX}${payload.clientId}`,
        text: `【访客留言】${payload.text}\n${contact.join('\n')}`,
        // Still queued: the next agent with the skill answers it.
        meta: { ...base.meta, leftMessage: '1' },
      })
      const message = await store.message(received.messageId)
      if (message && received.created) socket.to(visitorRoom(threadKeyOf(visitorId))).emit('message', message)
      return { conversationId: received.conversationId }
    },
    history: async (payload, socket) => store.history(socket.data.visitorId, payload.before),
  }

  /** What every message of this visitor carries into the inbox. */
  async function inboundBase(socket: VisitorSocket, site: WebchatSite) {
    const { visitorId, page } = socket.data
    const profile = await store.profile(visitorId)
    const meta: Record<string, string> = { site: site.key, siteName: site.name.slice(0, 200) }
    if (page) meta['page'] = page
    if (profile.name) meta['visitorName'] = profile.name
    // The inbox recognises a known customer by these.
    if (profile.phone) meta['phone'] = profile.phone
    if (profile.email) meta['email'] = profile.email
    return {
      channel: 'chat' as const,
      threadKey: threadKeyOf(visitorId),
      identity: { kind: 'visitor' as const, value: visitorId, displayName: profile.name ?? visitorDisplayName(visitorId) },
      subject: site.name,
      skillGroupId: site.skillGroupId,
      meta,
    }
  }

  /** `available` may be given when many visitors of one site are told at once (it is the same for all). */
  async function sendStatus(socket: VisitorSocket, site: WebchatSite, available?: Promise<boolean>): Promise<void> {
    try {
      const [agentsAvailable, queuePosition] = await Promise.all([
        available ?? store.agentsAvailable(site.skillGroupId, deps.isOnline),
        store.queuePosition(socket.data.visitorId),
      ])
      socket.emit('status', { agentsAvailable, queuePosition })
    } catch (err) {
      deps.log.warn({ err }, 'visitor status failed')
    }
  }

  nsp.on('connection', (socket: VisitorSocket) => {
    const { visitorId, siteKey } = socket.data
    void socket.join(visitorRoom(threadKeyOf(visitorId)))
    const budget = new EventBudget(EVENT_BUDGET, BUDGET_REFILL_PER_SECOND)
    // Handlers wait for the welcome, so the session is announced before any answer.
    const ready = welcome(socket).catch((err: unknown) => {
      deps.log.error({ err }, 'visitor welcome failed')
      socket.disconnect(true)
      return null
    })

    for (const event of Object.keys(handlers) as VisitorClientEventName[]) {
      socket.on(event, (payload: unknown, ack?: unknown) => void dispatch(socket, event, payload, ack, budget, ready))
    }
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && Object.hasOwn(handlers, event)) return
      const error = { code: 'unknown_event' as const, message: `Unknown event: ${String(event).slice(0, 100)}` }
      const ack = args.at(-1)
      if (typeof ack === 'function') ack({ ok: false, error })
      else socket.emit('protocol:error', { ...error, event: String(event).slice(0, 100) })
    })
    deps.log.debug({ visitorId, siteKey }, 'visitor connected')
  })

  async function welcome(socket: VisitorSocket): Promise<WebchatSite> {
    const { visitorId, siteKey } = socket.data
    const site = await store.site(siteKey)
    if (!site) throw new AppError('not_found', 'This chat is not available')
    const profile = await store.touchVisitor(visitorId, siteKey)
    socket.emit('session', {
      visitorId,
      token: deps.tokens.sign(visitorId),
      displayName: profile.name ?? visitorDisplayName(visitorId),
      site: { key: site.key, name: site.name, welcome: site.welcome },
    })
    await sendStatus(socket, site)
    // A survey the visitor missed while away.
    const latest = await store.latestConversation(visitorId)
    if (latest?.status === 'resolved' && latest.rating === null && Date.now() - (latest.resolved_at ?? 0) < REOPEN_WINDOW_MS && !(await store.hasFeedback(latest.id))) {
      socket.emit('survey:request', { conversationId: latest.id, agentName: '' })
    }
    return site
  }

  async function dispatch<E extends VisitorClientEventName>(
    socket: VisitorSocket,
    event: E,
    payload: unknown,
    ack: unknown,
    budget: EventBudget,
    ready: Promise<WebchatSite | null>,
  ): Promise<void> {
    const reply = (result: Result<unknown>) => {
      if (typeof ack === 'function') (ack as (r: Result<unknown>) => void)(result)
      else if (!result.ok) socket.emit('protocol:error', { code: result.error.code, message: result.error.message, event })
    }
    try {
      if (!budget.take()) throw new AppError('too_many_attempts', 'Too many messages at once; please slow down')
      const site = await ready
      if (!site) throw new AppError('not_found', 'This chat is not available')
      const schema: z.ZodType = visitorClientEventSchemas[event]
      const input = parseOrThrow(schema, payload, `payload for ${event}`) as Parameters<Handler<E>>[0]
      const handler = handlers[event] as Handler<E>
      reply({ ok: true, value: await handler(input, socket, site) })
    } catch (err) {
      if (!(err instanceof AppError)) deps.log.error({ err, event }, 'visitor event failed')
      reply({ ok: false, error: toErrorInfo(err) })
    }
  }

  /** Tells every connected visitor whether someone can answer now (agents came and went). */
  async function broadcastStatus(): Promise<void> {
    const sockets = (await nsp.fetchSockets()) as unknown as VisitorSocket[]
    const sites = new Map<string, WebchatSite | null>()
    // Whether anyone can answer is asked once per skill group per broadcast, not once per visitor.
    const availability = new Map<string, Promise<boolean>>()
    for (const socket of sockets) {
      if (!socket.data?.siteKey) continue
      if (!sites.has(socket.data.siteKey)) sites.set(socket.data.siteKey, await store.site(socket.data.siteKey))
      const site = sites.get(socket.data.siteKey)
      if (!site) continue
      let available = availability.get(site.skillGroupId)
      if (!available) {
        available = store.agentsAvailable(site.skillGroupId, deps.isOnline)
        availability.set(site.skillGroupId, available)
      }
      await sendStatus(socket, site, available)
    }
  }

  /** Tells one visitor's tabs where they stand (their chat was taken or answered). */
  async function statusOfVisitor(threadKey: string): Promise<void> {
    const sockets = (await nsp.in(visitorRoom(threadKey)).fetchSockets()) as unknown as VisitorSocket[]
    const first = sockets[0]
    const site = first?.data?.siteKey ? await store.site(first.data.siteKey) : null
    if (site) for (const socket of sockets) await sendStatus(socket, site)
  }

  let statusTimer: NodeJS.Timeout | null = null
  /** Presence and routing changes arrive in bursts; visitors hear the outcome once. */
  function statusChanged(): void {
    if (statusTimer) return
    statusTimer = setTimeout(() => {
      statusTimer = null
      void broadcastStatus().catch((err: unknown) => deps.log.warn({ err }, 'visitor status broadcast failed'))
    }, 1_000)
    statusTimer.unref()
  }

  return {
    nsp,
    statusChanged,
    statusOfVisitor: (threadKey: string) => void statusOfVisitor(threadKey).catch((err: unknown) => deps.log.warn({ err }, 'visitor status failed')),
    stop: () => {
      if (statusTimer) clearTimeout(statusTimer)
    },
  }
}

/** A token bucket: `capacity` events at once, refilled at `perSecond`. */
class EventBudget {
  private tokens: number
  private at = Date.now()

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.tokens = capacity
  }

  take(): boolean {
    const now = Date.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond)
    this.at = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}
