import { performance } from 'node:perf_hooks'
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents, Welcome } from '../../src/shared/protocol/agent-socket'
import { AGENT_NAMESPACE } from '../../src/shared/protocol/agent-socket'
import { onCleanup } from './cleanup'
import type { RelayClientToServer, RelayServerToClient } from './relay-protocol'

export type AgentClient = Socket<ServerToClientEvents, ClientToServerEvents>
export type RelayClient = Socket<RelayServerToClient, RelayClientToServer>

/** Own connection per client (forceNew), WebSocket only, no reconnection: a drop must show up, not heal. */
const CLIENT_OPTIONS: Partial<ManagerOptions & SocketOptions> = { transports: ['websocket'], forceNew: true, reconnection: false }

/** Every client socket the bench opened and has not closed yet; all closed at cleanup. */
const openSockets = new Set<{ close(): unknown }>()
let cleanupRegistered = false

function remember<S extends { close(): unknown; once(event: 'disconnect', listener: () => void): unknown }>(socket: S): S {
  openSockets.add(socket)
  socket.once('disconnect', () => openSockets.delete(socket))
  if (!cleanupRegistered) {
    cleanupRegistered = true
    onCleanup('socket.io clients', closeAllSockets)
  }
  return socket
}

export function closeAllSockets(): void {
  for (const socket of openSockets) socket.close()
  openSockets.clear()
}

export function openSocketCount(): number {
  return openSockets.size
}

/** Connects to the central server's /agent namespace; resolves at `session:welcome`. */
export function connectAgent(serverUrl: string, token: string, timeoutMs: number): Promise<{ socket: AgentClient; welcome: Welcome; welcomeMs: number }> {
  const started = performance.now()
  const socket: AgentClient = remember(io(`${serverUrl}${AGENT_NAMESPACE}`, { ...CLIENT_OPTIONS, auth: { token } }))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close()
      reject(new Error(`no session:welcome within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('session:welcome', (welcome) => {
      clearTimeout(timer)
      resolve({ socket, welcome, welcomeMs: performance.now() - started })
    })
    socket.once('connect_error', (err) => {
      clearTimeout(timer)
      socket.close()
      reject(err)
    })
  })
}

export function connectRelay(relayUrl: string, timeoutMs: number): Promise<RelayClient> {
  const socket: RelayClient = remember(io(relayUrl, CLIENT_OPTIONS))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close()
      reject(new Error(`relay client not connected within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('connect', () => {
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
