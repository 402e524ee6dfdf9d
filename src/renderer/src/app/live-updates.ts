import type { AgentApi } from '../../../shared/ipc/agent-api'
import { useBridgeStatus } from '../api/bridge-status'
import { listenToAgentState } from '../features/agent-state/agent-state-store'
import { listenToConnection } from '../features/connection/connection-store'
import { listenToSession, useSessionStore } from '../features/session/session-store'
import { listenToTeam, useTeamStore } from '../features/team/team-store'

/** Feeds every AgentApi event into its store, and resyncs after the web bridge reconnects. */
export function startLiveUpdates(api: AgentApi): () => void {
  const stops = [
    listenToSession(api),
    listenToConnection(api),
    listenToAgentState(api),
    listenToTeam(api),
    useBridgeStatus.subscribe((current, previous) => {
      // Events sent while the bridge was down are lost; read the state again instead.
      if (current.readyCount > previous.readyCount && previous.readyCount > 0) {
        void useSessionStore.getState().refresh()
        if (useTeamStore.getState().loadState !== 'idle') void useTeamStore.getState().load()
      }
    }),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
