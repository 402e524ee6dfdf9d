/// <reference types="vite/client" />
import type { AgentApiTransport } from '../../shared/ipc/agent-api'

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the page is served by the web host. */
    agentApi?: AgentApiTransport
  }
}

export {}
