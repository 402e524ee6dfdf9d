import type { AgentApi } from '../../../shared/ipc/agent-api'
import { useBridgeStatus } from '../api/bridge-status'
import { listenToAgentState } from '../features/agent-state/agent-state-store'
import { listenToConnection } from '../features/connection/connection-store'
import { listenToInbox } from '../features/inbox/inbox-live'
import { customersDataChanged, customersOutboxChanged, resetCustomers, useCustomersStore } from '../features/customers/customers-store'
import { kbDataChanged, kbOutboxChanged, resetKb, useKbStore } from '../features/kb/kb-store'
import { listenToSignoffs, resetSignoffs, signoffsMayHaveChanged, useSignoffStore } from '../features/kb/signoff-store'
import { listenToOffline, useOfflineStore } from '../features/offline/offline-store'
import { listenToPhone } from '../features/phone/phone-live'
import { listenToSession, useSessionStore } from '../features/session/session-store'
import { useNavigation } from '../features/shell/navigation'
import { listenToTeam, useTeamStore } from '../features/team/team-store'

/**
 * Feeds every AgentApi event into its store, resyncs after the web bridge reconnects, and
 * starts each newly signed-in agent on the inbox rather than where the previous one left off,
 * with their own sync and outbox status and their own regulations to sign.
 */
export function startLiveUpdates(api: AgentApi): () => void {
  const stops = [
    listenToSession(api),
    listenToConnection(api),
    listenToAgentState(api),
    listenToTeam(api),
    listenToOffline(api),
    listenToSignoffs(api),
    listenToInbox(api),
    // The softphone's media engine, ringing and shortcuts while an agent is signed in.
    listenToPhone(api),
    // Views re-read what they show when the cache changed under them.
    api.on('data.changed', ({ entities }) => {
      kbDataChanged(entities)
      customersDataChanged(entities)
      signoffsMayHaveChanged(entities)
    }),
    // Delivery (待发送 → 已送达) or a refusal (冲突) changes how local actions are shown.
    api.on('outbox.changed', () => {
      kbOutboxChanged()
      customersOutboxChanged()
      signoffsMayHaveChanged()
    }),
    useBridgeStatus.subscribe((current, previous) => {
      // Events sent while the bridge was down are lost; read the state again instead.
      if (current.readyCount > previous.readyCount && previous.readyCount > 0) {
        void useSessionStore.getState().refresh()
        if (useTeamStore.getState().loadState !== 'idle') void useTeamStore.getState().load()
        if (useSessionStore.getState().phase === 'signedIn') resyncOfflineFirst()
      }
    }),
    useSessionStore.subscribe((current, previous) => {
      const agentId = current.snapshot?.agent?.id
      if (agentId === previous.snapshot?.agent?.id) return
      useNavigation.getState().go('inbox')
      // Another agent's (or no agent's) data must not stay on screen.
      resetKb()
      resetCustomers()
      resetSignoffs()
      useOfflineStore.getState().reset()
      if (agentId) {
        void useOfflineStore.getState().load()
        // The regulations still to sign pop up right after sign-in.
        void useSignoffStore.getState().load()
      }
    }),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}

function resyncOfflineFirst(): void {
  void useOfflineStore.getState().load()
  void useSignoffStore.getState().load()
  void useKbStore.getState().refresh({ results: true, categories: true, article: true })
  void useCustomersStore.getState().refresh({ results: true, card: true })
}
