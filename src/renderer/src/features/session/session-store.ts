import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { AgentApi, AgentApiInput, AgentApiOutput, SessionSnapshot } from '../../../../shared/ipc/agent-api'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { useAgentStateStore } from '../agent-state/agent-state-store'
import { useConnectionStore } from '../connection/connection-store'
import { useTeamStore } from '../team/team-store'

export type AppInfo = AgentApiOutput<'app.info'>
export type LoginInput = AgentApiInput<'session.login'>

/** starting: asking the host who is signed in; the main process keeps a session across reloads. */
export type SessionPhase = 'starting' | 'startFailed' | 'signedOut' | 'signedIn'

interface SessionStore {
  phase: SessionPhase
  snapshot: SessionSnapshot | null
  appInfo: AppInfo | null
  startError: AppError | null
  start(): Promise<void>
  /** Re-reads the session, e.g. after the web bridge reconnected and events may have been missed. */
  refresh(): Promise<void>
  applySnapshot(snapshot: SessionSnapshot, announce: boolean): void
  /** Throws an AppError when the login is refused; the login form explains it. */
  login(input: LoginInput): Promise<void>
  logout(): Promise<void>
}

export const useSessionStore = create<SessionStore>()((set, get) => ({
  phase: 'starting',
  snapshot: null,
  appInfo: null,
  startError: null,
  start: async () => {
    set({ phase: 'starting', startError: null })
    const api = getAgentApi()
    try {
      const [appInfo, snapshot] = await Promise.all([api.invoke('app.info'), api.invoke('session.get')])
      set({ appInfo })
      get().applySnapshot(snapshot, false)
    } catch (err) {
      set({ phase: 'startFailed', startError: toAppError(err) })
    }
  },
  refresh: async () => {
    if (get().phase === 'starting' || get().phase === 'startFailed') return get().start()
    try {
      get().applySnapshot(await getAgentApi().invoke('session.get'), true)
    } catch (err) {
      // The next session.changed event or reconnect brings the truth; the old view stays meanwhile.
      console.warn('Could not refresh the session', toAppError(err))
    }
  },
  applySnapshot: (snapshot, announce) => {
    const previousAgentId = get().snapshot?.agent?.id
    useConnectionStore.getState().apply(snapshot.connection)
    useAgentStateStore.getState().apply(snapshot.presence, announce)
    if (!snapshot.agent || snapshot.agent.id !== previousAgentId) useTeamStore.getState().reset()
    set({ snapshot, phase: snapshot.agent ? 'signedIn' : 'signedOut' })
  },
  login: async (input) => {
    const snapshot = await getAgentApi().invoke('session.login', input)
    get().applySnapshot(snapshot, false)
  },
  logout: async () => {
    await getAgentApi().invoke('session.logout')
    const snapshot = get().snapshot
    if (snapshot) get().applySnapshot({ ...snapshot, agent: null, presence: null }, false)
  },
}))

export function listenToSession(api: AgentApi): () => void {
  return api.on('session.changed', (snapshot) => useSessionStore.getState().applySnapshot(snapshot, true))
}
