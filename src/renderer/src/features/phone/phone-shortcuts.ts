import { answerKey, hangupKey, headsetButton, muteKey, type PhoneKeyAction } from '../../../../shared/domain/phone-keys'
import type { PhoneSnapshot } from '../../../../shared/domain/phone'
import { phone, usePhoneStore } from './phone-store'

/**
 * The phone's keys while this window has the focus (global hotkeys, with the window in the
 * background, are registered by the Electron main process):
 * Ctrl+Shift+A answers the ringing call, Ctrl+Shift+H hangs up (or declines a ringing call),
 * Ctrl+Shift+M mutes or unmutes; a headset's button (the media play/pause key) answers, then
 * hangs up.
 */
export const phoneShortcuts = { answer: 'A', hangup: 'H', mute: 'M' } as const

const withCtrlShift: Record<string, (s: PhoneSnapshot) => PhoneKeyAction | null> = {
  [phoneShortcuts.answer]: answerKey,
  [phoneShortcuts.hangup]: hangupKey,
  [phoneShortcuts.mute]: muteKey,
}

function perform(action: PhoneKeyAction): void {
  const { callId, muted } = action.input
  if (action.method === 'phone.answer') void phone.answer(callId)
  else if (action.method === 'phone.decline') void phone.decline(callId)
  else if (action.method === 'phone.hangup') void phone.hangup(callId)
  else void phone.mute(callId, muted ?? true)
}

export function installPhoneShortcuts(): () => void {
  const onKey = (event: KeyboardEvent) => {
    const snapshot = usePhoneStore.getState().snapshot
    if (!snapshot || event.altKey || event.metaKey) return
    const pick =
      event.key === 'MediaPlayPause' && !event.ctrlKey && !event.shiftKey
        ? headsetButton
        : event.ctrlKey && event.shiftKey
          ? withCtrlShift[event.key.toUpperCase()]
          : undefined
    const action = pick?.(snapshot)
    if (!action) return
    event.preventDefault()
    perform(action)
  }
  window.addEventListener('keydown', onKey)
  return () => window.removeEventListener('keydown', onKey)
}
