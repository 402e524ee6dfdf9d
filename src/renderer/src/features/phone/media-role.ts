import type { AgentApi, SessionSnapshot } from '../../../../shared/ipc/agent-api'
import { MEDIA_WINDOW_HASH } from '../../../../shared/ipc/phone-media'
import { readAudioChoice, useAudioDevices } from './audio-devices'
import { startMediaEngine, type MediaEngine } from './media-engine'

/**
 * Which page holds the phone's audio. In Electron a hidden window opened by main (with this hash)
 * does, so the agent's window can reload or close without cutting a call; in the web host the one
 * page does everything.
 */
export function isMediaWindow(): boolean {
  return location.hash === MEDIA_WINDOW_HASH
}

/** Whether this page should run the media engine (Electron's app window leaves it to the media window). */
export function pageRunsMediaEngine(): boolean {
  return isMediaWindow() || !window.agentApi
}

/**
 * The media window's whole job: be the media engine while an agent is signed in. The device
 * choice is made in the app window; it reaches this one through localStorage's storage event.
 */
export function runMediaWindow(api: AgentApi): () => void {
  let engine: MediaEngine | null = null
  let agentId: string | null = null
  const follow = (snapshot: SessionSnapshot) => {
    const signedInAs = snapshot.agent?.id ?? null
    if (signedInAs === agentId) return
    agentId = signedInAs
    engine?.stop()
    engine = null
    if (!signedInAs) return
    engine = startMediaEngine(api, { devices: () => useAudioDevices.getState() })
    engine.attach().catch((err: unknown) => console.warn('Could not attach as the media engine', err))
  }
  const onStorage = () => {
    const choice = readAudioChoice()
    const current = useAudioDevices.getState()
    if (choice.inputId === current.inputId && choice.outputId === current.outputId) return
    useAudioDevices.setState(choice)
    void engine?.useDevices(choice)
  }
  window.addEventListener('storage', onStorage)
  const off = api.on('session.changed', follow)
  void api.invoke('session.get').then(follow, (err: unknown) => console.warn('Could not read the session', err))
  return () => {
    off()
    window.removeEventListener('storage', onStorage)
    engine?.stop()
  }
}
