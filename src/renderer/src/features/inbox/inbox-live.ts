import i18next from 'i18next'
import type { AgentApi } from '../../../../shared/ipc/agent-api'
import { useBridgeStatus } from '../../api/bridge-status'
import { useSessionStore } from '../session/session-store'
import { showToast } from '../toast/toast-store'
import { conversationDataChanged, conversationOutboxChanged, resetConversation, useConversationStore } from './conversation-store'
import { beep, notifierDataChanged, resetNotifier, useNotifierStore } from './inbox-notifier'
import { inboxListDataChanged, inboxListOutboxChanged, resetInboxList, useInboxStore } from './inbox-store'

/**
 * Feeds AgentApi events into the inbox's stores: re-reads on data.changed / outbox.changed,
 * shows the server's alarms (inbox.alert), and starts each signed-in agent with an empty inbox.
 */
export function listenToInbox(api: AgentApi): () => void {
  const stops = [
    api.on('data.changed', ({ entities }) => {
      inboxListDataChanged(entities)
      conversationDataChanged(entities)
      notifierDataChanged(entities)
    }),
    api.on('outbox.changed', () => {
      inboxListOutboxChanged()
      conversationOutboxChanged()
    }),
    api.on('inbox.alert', (alert) => {
      const text = i18next.t(`inbox.alert.${alert.kind}`, { subject: alert.subject, detail: alert.detail })
      const serious = alert.kind === 'sla_breach' || alert.kind === 'delivery_failed'
      showToast(text, serious ? 'error' : 'info')
      if (!useNotifierStore.getState().muted && alert.kind === 'transferred_to_you') beep()
    }),
    useBridgeStatus.subscribe((current, previous) => {
      // Events sent while the web bridge was down are lost: read again.
      if (current.readyCount > previous.readyCount && previous.readyCount > 0 && useSessionStore.getState().phase === 'signedIn') {
        void useInboxStore.getState().refresh()
        void useConversationStore.getState().refresh()
      }
    }),
    useSessionStore.subscribe((current, previous) => {
      const agentId = current.snapshot?.agent?.id
      if (agentId === previous.snapshot?.agent?.id) return
      // Another agent's (or no agent's) conversations must not stay on screen.
      resetInboxList()
      resetConversation()
      resetNotifier(agentId !== undefined)
    }),
  ]
  if (useSessionStore.getState().snapshot?.agent) resetNotifier(true)
  return () => {
    for (const stop of stops) stop()
  }
}
