/**
 * Preload: exposes the AgentApi transport to the renderer and nothing else. The renderer never
 * sees ipcRenderer; it can only call known AgentApi methods and listen to known AgentApi events.
 *
 * Built as CommonJS because a sandboxed preload cannot be an ES module — and a sandboxed preload
 * cannot `require` packages from node_modules either. The contract module (agent-api.ts) builds
 * zod schemas at load time, so importing any value from it would leave a `require("zod")` in
 * out/preload/index.cjs that fails inside the sandbox. This file therefore imports only *types*
 * from the contract and restates the names it needs; the type annotations below make
 * `tsc` fail if they ever drift from the contract (a missing, extra or misspelt name).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { Result } from '../shared/errors'
import type {
  AgentApiEvent,
  AgentApiMethod,
  AgentApiTransport,
  IPC_EVENT_CHANNEL as IpcEventChannel,
  IPC_INVOKE_CHANNEL as IpcInvokeChannel,
} from '../shared/ipc/agent-api'

const INVOKE_CHANNEL: typeof IpcInvokeChannel = 'agent-api:invoke'
const EVENT_CHANNEL: typeof IpcEventChannel = 'agent-api:event'

/** Every AgentApi method name; the Record type forces exactly the contract's set. */
const methodNames: Readonly<Record<AgentApiMethod, true>> = {
  'app.info': true,
  'session.get': true,
  'session.login': true,
  'session.logout': true,
  'agentState.set': true,
  'team.list': true,
  'team.forceState': true,
}

/** Every AgentApi event name; the Record type forces exactly the contract's set. */
const eventNames: Readonly<Record<AgentApiEvent, true>> = {
  'connection.changed': true,
  'session.changed': true,
  'agentState.changed': true,
  'team.memberChanged': true,
}

function isMethod(name: unknown): name is AgentApiMethod {
  return typeof name === 'string' && Object.hasOwn(methodNames, name)
}

function isEvent(name: unknown): name is AgentApiEvent {
  return typeof name === 'string' && Object.hasOwn(eventNames, name)
}

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
    return ipcRenderer.invoke(INVOKE_CHANNEL, method, input) as Promise<Result<unknown>>
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
    ipcRenderer.on(EVENT_CHANNEL, handler)
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      ipcRenderer.removeListener(EVENT_CHANNEL, handler)
    }
  },
}

contextBridge.exposeInMainWorld('agentApi', transport)
