/**
 * A web-chat visitor the way the chat page is one: a socket.io client on /visitor that presents
 * its visitor token (or none), keeps the token the server gives it, and waits for events.
 */
import { io, type Socket } from 'socket.io-client'
import type { Db } from '../../src/server/db/database'
import type { Result } from '../../src/shared/errors'
import type { VisitorClientEventName, VisitorClientEventResults, VisitorSession, VisitorStatus } from '../../src/shared/protocol/visitor-socket'
import { seedMiniCentre } from './mini-centre'

export interface Visitor {
  socket: Socket
  session: VisitorSession
  /** The first status the server sent. */
  status: VisitorStatus
  request<E extends VisitorClientEventName>(event: E, payload: unknown): Promise<Result<VisitorClientEventResults[E]>>
  close(): void
}

/** The mini centre plus a chat widget 'shop' whose chats go to skill group s1 (agent1's). */
export async function seedWebchatCentre(db: Db): Promise<void> {
  await seedMiniCentre(db)
  const now = Date.now()
  await db
    .insertInto('webchat_sites')
    .values({ site_key: 'shop', name: '商城在线客服', allowed_origin: 'https://shop.example.com', skill_group_id: 's1', welcome_text: '您好，请问有什么可以帮您？', enabled: 1, created_at: now, updated_at: now })
    .execute()
}

export async function connectVisitor(baseUrl: string, options: { token?: string; site?: string; page?: string } = {}): Promise<Visitor> {
  const socket = io(`${baseUrl}/visitor`, {
    auth: { token: options.token, site: options.site ?? 'shop', page: options.page ?? 'https://shop.example.com/orders' },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  })
  const [session, status] = await new Promise<[VisitorSession, VisitorStatus]>((resolve, reject) => {
    let session: VisitorSession | null = null
    socket.once('session', (s: VisitorSession) => {
      session = s
    })
    // The server sends the session first, then the status.
    socket.once('status', (status: VisitorStatus) => (session ? resolve([session, status]) : reject(new Error('status before session'))))
    socket.once('connect_error', reject)
  })
  return {
    socket,
    session,
    status,
    request: async (event, payload) => (await socket.timeout(10_000).emitWithAck(event, payload)) as never,
    close: () => socket.disconnect(),
  }
}

/** Resolves with the first `event` whose payload passes `match`. */
export function nextEvent<T>(socket: Socket, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener)
      reject(new Error(`no ${event} event`))
    }, timeoutMs)
    const listener = (payload: T) => {
      if (!match(payload)) return
      clearTimeout(timer)
      socket.off(event, listener)
      resolve(payload)
    }
    socket.on(event, listener)
  })
}
