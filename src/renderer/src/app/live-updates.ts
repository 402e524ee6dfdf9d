import type { AgentApi } from '../../../shared/ipc/agent-api'
import { useBridgeStatus } from '../api/bridge-status'
import { listenToAgentState } from '../features/agent-state/agent-state-store'
import { listenToConnection } from '../features/connection/connection-store'
import { listenToSession, useSessionStore } from '../features/session/session-store'
import { useNavigation } from '../features/shell/navigation'
import { listenToTeam, useTeamStore } from '../features/team/team-store'

/**
 * Feeds every AgentApi event into its store, resyncs after the web bridge reconnects, and
 * starts each newly signed-in agent on the inbox rather than where the previous one left off.
 */
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
    useSessionStore.subscribe((current, previous) => {
      if (current.snapshot?.agent?.id !== previous.snapshot?.agent?.id) useNavigation.getState().go('inbox')
    }),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
