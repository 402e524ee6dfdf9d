/**
 * Global hotkeys for the phone, so a headset-wearing agent can answer, hang up and mute while
 * another application has the focus. They act through the same AgentApi router as the page.
 */
import { globalShortcut } from 'electron'
import type { PhoneSnapshot } from '../../shared/domain/phone'
import type { MainServices } from '../services/main-services.types'

export const PHONE_HOTKEYS = {
  answer: 'CommandOrControl+Shift+A',
  hangup: 'CommandOrControl+Shift+H',
  mute: 'CommandOrControl+Shift+M',
} as const

export function registerPhoneHotkeys(services: MainServices): () => void {
  const snapshot = async (): Promise<PhoneSnapshot | null> => {
    const result = await services.router.invoke('phone.get', {})
    return result.ok ? (result.value as PhoneSnapshot) : null
  }
  const act = (pick: (s: PhoneSnapshot) => { method: string; input: object } | null) => () => {
    void snapshot().then(async (s) => {
      const action = s && pick(s)
      if (action) await services.router.invoke(action.method, action.input)
    })
  }
  const registered: string[] = []
  const bind = (accelerator: string, handler: () => void) => {
    // Another application may own the combination already; the page's shortcuts still work.
    if (globalShortcut.register(accelerator, handler)) registered.push(accelerator)
    else console.warn(`[hotkeys] ${accelerator} is taken by another application`)
  }
  bind(PHONE_HOTKEYS.answer, act((s) => {
    const ringing = s.calls.find((c) => c.state === 'ringing')
    return ringing ? { method: 'phone.answer', input: { callId: ringing.id } } : null
  }))
  bind(PHONE_HOTKEYS.hangup, act((s) => {
    const live = s.calls.find((c) => c.state === 'active' && !c.held) ?? s.calls.find((c) => c.state !== 'ended')
    return live ? { method: 'phone.hangup', input: { callId: live.id } } : null
  }))
  bind(PHONE_HOTKEYS.mute, act((s) => {
    const live = s.calls.find((c) => c.state === 'active' && !c.held)
    return live ? { method: 'phone.mute', input: { callId: live.id, muted: !live.muted } } : null
  }))
  return () => registered.forEach((accelerator) => globalShortcut.unregister(accelerator))
}
