/**
 * What the phone's keys do — Ctrl+Shift+A/H/M in the page, Electron's global hotkeys, a headset's
 * button — decided from the phone's snapshot alone, so the same rules hold wherever the key comes from.
 */
import type { PhoneSnapshot } from './phone'

export interface PhoneKeyAction {
  /** An AgentApi method. */
  method: 'phone.answer' | 'phone.decline' | 'phone.hangup' | 'phone.mute'
  input: { callId: string; muted?: boolean }
}

/** The call the agent is talking on: active and not on hold (a held customer during a consultation is not it). */
function talking(s: PhoneSnapshot) {
  return s.calls.find((c) => c.state === 'active' && !c.held)
}

export function answerKey(s: PhoneSnapshot): PhoneKeyAction | null {
  const ringing = s.calls.find((c) => c.state === 'ringing')
  return ringing ? { method: 'phone.answer', input: { callId: ringing.id } } : null
}

/** Hangs up the call being talked on, else one being placed or held; with only a ringing call, declines it. */
export function hangupKey(s: PhoneSnapshot): PhoneKeyAction | null {
  const live = talking(s) ?? s.calls.find((c) => c.state !== 'ended' && c.state !== 'ringing')
  if (live) return { method: 'phone.hangup', input: { callId: live.id } }
  const ringing = s.calls.find((c) => c.state === 'ringing')
  return ringing ? { method: 'phone.decline', input: { callId: ringing.id } } : null
}

export function muteKey(s: PhoneSnapshot): PhoneKeyAction | null {
  const live = talking(s)
  return live ? { method: 'phone.mute', input: { callId: live.id, muted: !live.muted } } : null
}

/**
 * A headset's one button (it reaches the desktop as the media play/pause key): answers a ringing
 * call when the agent is not already talking, otherwise hangs up the call they are on.
 */
export function headsetButton(s: PhoneSnapshot): PhoneKeyAction | null {
  return (talking(s) ? null : answerKey(s)) ?? hangupKey(s)
}

/** The headset button is only taken from other applications (music players) while a call is up or ringing. */
export function headsetButtonWanted(s: PhoneSnapshot): boolean {
  return s.calls.some((c) => c.state !== 'ended')
}
