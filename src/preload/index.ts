/**
 * Preload: exposes the AgentApi transport to the renderer and nothing else. The renderer never
 * sees ipcRenderer; it can only call known AgentApi methods and listen to known AgentApi events.
 *
 * Built as CommonJS because a sandboxed preload cannot be an ES module — and a sandboxed preload
 * cannot `require` packages from node_modules either. The contract module (agent-api.ts) builds
 * zod schemas at load time, so the preload takes its names from the dependency-free
 * agent-api-names.ts, which agent-api.ts checks against its schemas at compile time.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { Result } from '../shared/errors'
import type { AgentApiTransport } from '../shared/ipc/agent-api'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, isAgentApiEventName as isEvent, isAgentApiMethodName as isMethod } from '../shared/ipc/agent-api-names'

function describe(name: unknown): string {
  return String(name).slice(0, 100)
}

const transport: AgentApiTransport = {
  invoke(method: string, input: unknown): Promise<Result<unknown>> {
    if (!isMethod(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown_method', message: `Unknown AgentApi method: ${describe(method)}` },
      })
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input) as Promise<Result<unknown>>
  },

  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!isEvent(event)) {
      throw new TypeError(`Unknown AgentApi event: ${describe(event)}`)
    }
    if (typeof listener !== 'function') {
      throw new TypeError('AgentApi listener must be a function')
    }
    // The Electron event object (whose `sender` is ipcRenderer) is never passed on.
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    }
  },
}

contextBridge.exposeInMainWorld('agentApi', transport)
