/**
 * The bench's own way into a web host: a second client on its AgentApi bridge (the WebSocket the
 * page uses, with the page's Origin and the launch secret), so the bench can configure the phone,
 * dial and watch `phone.changed` exactly as the page would, while the page itself stays the media
 * engine.
 */
import WebSocket from 'ws'
import type { Result } from '../../src/shared/errors'
import type { AgentApi } from '../../src/shared/ipc/agent-api'
import { BRIDGE_PATH, HostToPageSchema, type PageToHost } from '../../src/shared/ipc/bridge-protocol'
import { createAgentApi } from '../../src/shared/ipc/typed-client'

export interface BridgeClient {
  /** Event listeners run as soon as their frame arrives: performance.now() in one is its arrival time. */
  api: AgentApi
  close(): void
}

export async function connectBridge(origin: string, secret: string): Promise<BridgeClient> {
  const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}${BRIDGE_PATH}`, { headers: { origin } })
  const pending = new Map<number, (result: Result<unknown>) => void>()
  const listeners = new Set<(event: string, payload: unknown) => void>()
  let nextId = 1

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('close', (code, reason) => reject(new Error(`bridge closed (${code} ${reason.toString()}) before it was ready`)))
    socket.once('open', () => socket.send(JSON.stringify({ t: 'hello', secret } satisfies PageToHost)))
    socket.on('message', (data) => {
      const frame = HostToPageSchema.parse(JSON.parse(data.toString()))
      if (frame.t === 'ready') resolve()
      else if (frame.t === 'result') {
        pending.get(frame.id)?.(frame.result as Result<unknown>)
        pending.delete(frame.id)
      } else for (const listener of listeners) listener(frame.event, frame.payload)
    })
  })
  socket.on('close', () => {
    for (const settle of pending.values()) settle({ ok: false, error: { code: 'offline', message: 'The bench lost its bridge to the web host' } })
    pending.clear()
  })

  const api = createAgentApi({
    invoke: (method, input) =>
      new Promise<Result<unknown>>((resolve) => {
        const id = nextId++
        pending.set(id, resolve)
        socket.send(JSON.stringify({ t: 'call', id, method, input } satisfies PageToHost))
      }),
    on: (event, listener) => {
      const wrapped = (name: string, payload: unknown) => {
        if (name === event) listener(payload)
      }
      listeners.add(wrapped)
      return () => listeners.delete(wrapped)
    },
  })

  return {
    api,
    close: () => socket.close(),
  }
}
