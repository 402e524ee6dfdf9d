/**
 * Global hotkeys for the phone, so a headset-wearing agent can answer, hang up and mute while
 * another application has the focus; and the headset's own button (the media play/pause key),
 * taken only while a call rings or is up. They act through the same AgentApi router as the page.
 */
import { globalShortcut } from 'electron'
import type { PhoneSnapshot } from '../../shared/domain/phone'
import type { MainServices } from '../services/main-services.types'
import { answerKey, hangupKey, headsetButton, headsetButtonWanted, muteKey, type PhoneKeyAction } from '../../shared/domain/phone-keys'

export const PHONE_HOTKEYS = {
  answer: 'CommandOrControl+Shift+A',
  hangup: 'CommandOrControl+Shift+H',
  mute: 'CommandOrControl+Shift+M',
} as const

const HEADSET_BUTTON = 'MediaPlayPause'

export function registerPhoneHotkeys(services: MainServices): () => void {
  const snapshot = async (): Promise<PhoneSnapshot | null> => {
    const result = await services.router.invoke('phone.get', {})
    return result.ok ? (result.value as PhoneSnapshot) : null
  }
  const act = (pick: (s: PhoneSnapshot) => PhoneKeyAction | null) => () => {
    void snapshot().then(async (s) => {
      const action = s && pick(s)
      if (action) await services.router.invoke(action.method, action.input)
    })
  }
  const registered = new Set<string>()
  const bind = (accelerator: string, handler: () => void) => {
    // Another application may own the combination already; the page's shortcuts still work.
    if (globalShortcut.register(accelerator, handler)) registered.add(accelerator)
    else console.warn(`[hotkeys] ${accelerator} is taken by another application`)
  }
  const unbind = (accelerator: string) => {
    if (registered.delete(accelerator)) globalShortcut.unregister(accelerator)
  }
  bind(PHONE_HOTKEYS.answer, act(answerKey))
  bind(PHONE_HOTKEYS.hangup, act(hangupKey))
  bind(PHONE_HOTKEYS.mute, act(muteKey))

  let headsetWanted = false
  const stopFollowing = services.onEvent((event, payload) => {
    if (event !== 'phone.changed') return
    const wanted = headsetButtonWanted(payload as PhoneSnapshot)
    if (wanted === headsetWanted) return
    headsetWanted = wanted
    if (wanted) bind(HEADSET_BUTTON, act(headsetButton))
    else unbind(HEADSET_BUTTON)
  })
  return () => {
    stopFollowing()
    for (const accelerator of [...registered]) unbind(accelerator)
  }
}
