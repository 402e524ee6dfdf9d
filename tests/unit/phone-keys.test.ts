import { describe, expect, it } from 'vitest'
import { newCallView, type CallView, type PhoneSnapshot } from '../../src/shared/domain/phone'
import { answerKey, hangupKey, headsetButton, headsetButtonWanted, muteKey } from '../../src/shared/domain/phone-keys'

/** An answered inbound call from the customer, changed by `patch`. */
function call(id: string, patch: Partial<CallView>): CallView {
  return { ...newCallView({ id, direction: 'inbound', remoteNumber: '13800138000', remoteName: null, customer: null, offeredAt: 1 }), state: 'active', answeredAt: 2, ...patch }
}

function phone(...calls: CallView[]): PhoneSnapshot {
  return {
    account: null,
    registration: { state: 'registered', error: null, detail: null, since: 1 },
    calls,
    wrapUp: null,
    mediaReady: true,
    recordingPolicy: 'none',
    recordingsPending: 0,
  }
}

describe('phone keys outside the page (global hotkeys, headset button)', () => {
  it('do nothing without calls, and the headset button is left to other applications', () => {
    const idle = phone(call('old', { state: 'ended' }))
    for (const key of [answerKey, hangupKey, muteKey, headsetButton]) expect(key(idle)).toBeNull()
    expect(headsetButtonWanted(idle)).toBe(false)
  })

  it('the headset button answers a ringing call, then hangs it up', () => {
    const ringing = phone(call('in', { state: 'ringing', answeredAt: null }))
    expect(headsetButtonWanted(ringing)).toBe(true)
    expect(headsetButton(ringing)).toEqual({ method: 'phone.answer', input: { callId: 'in' } })
    expect(headsetButton(phone(call('in', {})))).toEqual({ method: 'phone.hangup', input: { callId: 'in' } })
  })

  it('while talking, a second call ringing does not take the headset button away from the call', () => {
    const s = phone(call('talk', {}), call('second', { state: 'ringing', answeredAt: null }))
    expect(headsetButton(s)).toEqual({ method: 'phone.hangup', input: { callId: 'talk' } })
    expect(answerKey(s)).toEqual({ method: 'phone.answer', input: { callId: 'second' } })
  })

  it('during a consultation, hang-up and mute act on the colleague, not the held customer', () => {
    const s = phone(call('customer', { held: true }), call('consult', { direction: 'outbound', consultFor: 'customer' }))
    expect(hangupKey(s)).toEqual({ method: 'phone.hangup', input: { callId: 'consult' } })
    expect(muteKey(s)).toEqual({ method: 'phone.mute', input: { callId: 'consult', muted: true } })
    expect(muteKey(phone(call('c', { muted: true })))).toEqual({ method: 'phone.mute', input: { callId: 'c', muted: false } })
  })

  it('hang-up cancels a call being placed, and declines one that only rings', () => {
    expect(hangupKey(phone(call('out', { direction: 'outbound', state: 'early', answeredAt: null })))).toEqual({ method: 'phone.hangup', input: { callId: 'out' } })
    expect(hangupKey(phone(call('in', { state: 'ringing', answeredAt: null })))).toEqual({ method: 'phone.decline', input: { callId: 'in' } })
    expect(muteKey(phone(call('in', { state: 'ringing', answeredAt: null })))).toBeNull()
  })
})
