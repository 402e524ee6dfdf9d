import i18n from 'i18next'
import type { CallView } from '../../../../shared/domain/phone'
import type { AgentApi } from '../../../../shared/ipc/agent-api'
import { useBridgeStatus } from '../../api/bridge-status'
import { useSessionStore } from '../session/session-store'
import { notificationPreferences } from '../settings/settings-store'
import { useNavigation } from '../shell/navigation'
import { useAudioDevices } from './audio-devices'
import { startMediaEngine, type CallMediaStats, type MediaEngine } from './media-engine'
import { installPhoneShortcuts } from './phone-shortcuts'
import { isIncoming, refreshCallLog, usePhoneStore } from './phone-store'
import { pageRunsMediaEngine } from './media-role'
import { startRinging, stopRinging } from './ringtone'

/**
 * Everything the phone does whatever page is on screen: while an agent is signed in this page is
 * the media engine (main's calls get their audio here), phone.changed feeds the store, incoming
 * calls ring and notify, and the phone's keyboard shortcuts work.
 */
export function listenToPhone(api: AgentApi): () => void {
  let engine: MediaEngine | null = null
  let agentId: string | null = null

  const attach = () => {
    engine
      ?.attach()
      .then(() => usePhoneStore.getState().load())
      .catch((err: unknown) => console.warn('Could not attach as the media engine', err))
  }

  const follow = () => {
    const session = useSessionStore.getState()
    const signedInAs = session.phase === 'signedIn' ? (session.snapshot?.agent?.id ?? null) : null
    if (signedInAs === agentId) return
    agentId = signedInAs
    engine?.stop()
    engine = null
    stopRinging()
    usePhoneStore.getState().reset()
    exposeTestHook(null)
    if (!signedInAs) return
    void usePhoneStore.getState().load()
    if (!pageRunsMediaEngine()) return
    engine = startMediaEngine(api, { devices: () => useAudioDevices.getState() })
    exposeTestHook(engine)
    attach()
  }

  const stops = [
    api.on('phone.changed', (snapshot) => {
      if (agentId) usePhoneStore.getState().apply(snapshot)
    }),
    api.on('data.changed', ({ entities }) => {
      if (agentId && entities.some((e) => e === 'call' || e === 'calls' || e === 'call_log')) refreshCallLog()
    }),
    useSessionStore.subscribe(follow),
    useBridgeStatus.subscribe((current, previous) => {
      // Main forgets an engine whose link dropped; requests sent meanwhile were lost.
      if (current.readyCount > previous.readyCount && previous.readyCount > 0) attach()
    }),
    useAudioDevices.subscribe((choice, before) => {
      if (choice.inputId !== before.inputId || choice.outputId !== before.outputId) void engine?.useDevices(choice)
    }),
    usePhoneStore.subscribe((current, previous) => {
      const calls = current.snapshot?.calls ?? []
      const before = previous.snapshot?.calls ?? []
      announceIncoming(calls, before)
      // A call that ended is in the log now.
      if (calls.some((c) => c.state === 'ended' && before.find((b) => b.id === c.id)?.state !== 'ended')) refreshCallLog()
    }),
    installPhoneShortcuts(),
  ]
  follow()
  return () => {
    for (const stop of stops) stop()
    engine?.stop()
    engine = null
    stopRinging()
  }
}

const notified = new Set<string>()

function announceIncoming(calls: readonly CallView[], before: readonly CallView[]): void {
  const ringing = calls.filter(isIncoming)
  if (ringing.length > 0) startRinging()
  else stopRinging()
  for (const call of ringing) {
    if (notified.has(call.id) || before.some((b) => b.id === call.id && isIncoming(b))) continue
    notified.add(call.id)
    notify(call)
  }
}

function notify(call: CallView): void {
  if (!notificationPreferences().desktop || typeof Notification === 'undefined' || Notification.permission !== 'granted') return
  try {
    const who = call.customer ? `${call.customer.name}(${call.customer.tier})` : (call.remoteName ?? i18n.t('phone.incoming.unknownCaller'))
    const notification = new Notification(i18n.t('phone.incoming.notifyTitle'), {
      body: i18n.t('phone.incoming.notifyBody', { who, number: call.remoteNumber }),
      tag: `call-${call.id}`,
      requireInteraction: true,
    })
    notification.onclick = () => {
      window.focus()
      useNavigation.getState().go('phone')
    }
  } catch (err) {
    console.warn('Could not show the incoming-call notification', err)
  }
}

/** Read-only hooks for end-to-end tests: the RTP counters of a call's real connection. */
interface MediaTestHook {
  mediaId: string
  callIds(): string[]
  stats(callId: string): Promise<CallMediaStats | null>
}

function exposeTestHook(engine: MediaEngine | null): void {
  const w = window as Window & { __omniMedia?: MediaTestHook }
  if (!engine) {
    delete w.__omniMedia
    return
  }
  w.__omniMedia = { mediaId: engine.mediaId, callIds: () => engine.callIds(), stats: (callId) => engine.stats(callId) }
}
