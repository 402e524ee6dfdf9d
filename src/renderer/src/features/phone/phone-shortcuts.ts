import { currentCall, isIncoming, phone, usePhoneStore } from './phone-store'

/**
 * The phone's keys while this window has the focus (global hotkeys, with the window in the
 * background, are registered by the Electron main process):
 * Ctrl+Shift+A answers the ringing call, Ctrl+Shift+H hangs up (or declines a ringing call),
 * Ctrl+Shift+M mutes or unmutes.
 */
export const phoneShortcuts = { answer: 'A', hangup: 'H', mute: 'M' } as const

export function installPhoneShortcuts(): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) return
    const key = event.key.toUpperCase()
    const calls = usePhoneStore.getState().snapshot?.calls ?? []
    const ringing = calls.find(isIncoming) ?? null
    const call = currentCall(calls)
    if (key === phoneShortcuts.answer && ringing) {
      event.preventDefault()
      void phone.answer(ringing.id)
    } else if (key === phoneShortcuts.hangup && (call || ringing)) {
      event.preventDefault()
      if (call) void phone.hangup(call.id)
      else if (ringing) void phone.decline(ringing.id)
    } else if (key === phoneShortcuts.mute && call && call.state === 'active') {
      event.preventDefault()
      void phone.mute(call.id, !call.muted)
    }
  }
  window.addEventListener('keydown', onKey)
  return () => window.removeEventListener('keydown', onKey)
}
