import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import { VISITOR_NAMESPACE, type VisitorClientToServerEvents, type VisitorServerToClientEvents, type VisitorSession } from '../../src/shared/protocol/visitor-socket'
import { onCleanup } from './cleanup'
import type { InboxRelayAuth, InboxRelayClientToServer, InboxRelayServerToClient } from './inbox-relay-protocol'

export type VisitorClient = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>
export type InboxRelayClient = Socket<InboxRelayServerToClient, InboxRelayClientToServer>

/** Own connection per client, WebSocket only, no reconnection (a drop must show up, not heal). */
const CLIENT_OPTIONS: Partial<ManagerOptions & SocketOptions> = { transports: ['websocket'], forceNew: true, reconnection: false }

const open = new Set<{ close(): unknown }>()
let registered = false

function remember<S extends { close(): unknown }>(socket: S): S {
  open.add(socket)
  if (!registered) {
    registered = true
    onCleanup('inbox bench clients', closeInboxClients)
  }
  return socket
}

export function closeInboxClients(): void {
  for (const socket of open) socket.close()
  open.clear()
}

function connected<S extends Socket>(socket: S, what: string, timeoutMs: number, readyEvent: 'connect' | 'session' = 'connect'): Promise<S> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close()
      reject(new Error(`${what}: not ready within ${timeoutMs} ms`))
    }, timeoutMs)
    ;(socket as Socket).once(readyEvent, () => {
      clearTimeout(timer)
      resolve(socket)
    })
    socket.once('connect_error', (err) => {
      clearTimeout(timer)
      socket.close()
      reject(err)
    })
  })
}

/** A web-chat visitor on the real /visitor namespace of a site; resolves at `session` with the visitor id. */
export async function connectVisitor(serverUrl: string, site: string, timeoutMs: number): Promise<{ socket: VisitorClient; visitorId: string }> {
  const socket: VisitorClient = remember(io(`${serverUrl}${VISITOR_NAMESPACE}`, { ...CLIENT_OPTIONS, auth: { site, page: 'https://www.example.com/bench' } }))
  const session = new Promise<VisitorSession>((resolve) => socket.once('session', resolve))
  await connected(socket, 'visitor', timeoutMs, 'session')
  return { socket, visitorId: (await session).visitorId }
}

export function connectInboxRelay(relayUrl: string, auth: InboxRelayAuth, timeoutMs: number): Promise<InboxRelayClient> {
  const socket: InboxRelayClient = remember(io(relayUrl, { ...CLIENT_OPTIONS, auth }))
  return connected(socket, 'relay client', timeoutMs)
}
