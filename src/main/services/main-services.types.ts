import type { AgentApiEvent, AgentApiEventPayload } from '../../shared/ipc/agent-api'
import type { ApiRouter } from './api-router'
import type { SecretCipher } from './session/session-vault'

export type AgentApiEventListener = <E extends AgentApiEvent>(event: E, payload: AgentApiEventPayload<E>) => void

/** What a composition root (Electron main or the web host) gets from the services. */
export interface MainServices {
  router: ApiRouter
  /** Subscribes to every AgentApi event; returns an unsubscribe function. */
  onEvent(listener: AgentApiEventListener): () => void
  /**
   * The page or window that attached as the phone's media engine is gone (its socket closed, its
   * renderer crashed): the phone stops waiting on it and keeps what it had recorded.
   */
  mediaEngineGone(mediaId: string): void
  dispose(): Promise<void>
}

export interface MainServicesOptions {
  /** Folder for this desktop's own files (settings, later the local cache). */
  dataDir: string
  appVersion: string
  host: 'electron' | 'web'
  /** Central server to offer on the login screen. */
  defaultServerUrl: string | null
  /** Seals the kept session with the OS secret store (Electron's safeStorage); plain owner-only file without. */
  secretCipher?: SecretCipher
}
