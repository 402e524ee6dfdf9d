import { create } from 'zustand'
import type { CallRecord, CallView, PhoneSnapshot } from '../../../../shared/domain/phone'
import type { AppError } from '../../../../shared/errors'
import type { AgentApiInput } from '../../../../shared/ipc/agent-api'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { createRefresher } from '../../lib/refresher'

/**
 * The phone as main reports it (PhoneSnapshot via phone.get / phone.changed), the call log, and
 * the last failed action. Main owns every call: the renderer only asks and shows.
 */
export type PhoneAction =
  | 'configure'
  | 'dial'
  | 'answer'
  | 'decline'
  | 'hangup'
  | 'mute'
  | 'hold'
  | 'dtmf'
  | 'transfer'
  | 'consult'
  | 'completeTransfer'
  | 'conference'
  | 'wrapUp'
  | 'record'

export type DtmfVia = 'rfc4733' | 'info'

export interface PhoneActionError {
  action: PhoneAction
  callId: string | null
  error: AppError
}

interface PhoneStore {
  snapshot: PhoneSnapshot | null
  loadError: AppError | null
  callLog: CallRecord[]
  callLogLoaded: boolean
  /** Actions waiting for main's answer, by `${action}:${callId}` (buttons show them as busy). */
  pending: Record<string, true>
  lastError: PhoneActionError | null
  load(): Promise<void>
  apply(snapshot: PhoneSnapshot): void
  clearError(): void
  reset(): void
}

export const usePhoneStore = create<PhoneStore>()((set) => ({
  snapshot: null,
  loadError: null,
  callLog: [],
  callLogLoaded: false,
  pending: {},
  lastError: null,
  load: async () => {
    try {
      const snapshot = await getAgentApi().invoke('phone.get')
      set({ snapshot, loadError: null })
    } catch (err) {
      set({ loadError: toAppError(err) })
    }
    callLogRefresher.request()
  },
  apply: (snapshot) => set({ snapshot }),
  clearError: () => set({ lastError: null }),
  reset: () => set({ snapshot: null, loadError: null, callLog: [], callLogLoaded: false, pending: {}, lastError: null }),
}))

const callLogRefresher = createRefresher(async () => {
  try {
    const callLog = await getAgentApi().invoke('phone.callLog', { limit: 100 })
    usePhoneStore.setState({ callLog, callLogLoaded: true })
  } catch (err) {
    console.warn('Could not read the call log', toAppError(err))
  }
}, 300)

export function refreshCallLog(): void {
  callLogRefresher.request()
}

/** A call's newest view (from an action's answer) shown at once, before phone.changed follows. */
function mergeCall(call: CallView): void {
  const snapshot = usePhoneStore.getState().snapshot
  if (!snapshot) return
  const known = snapshot.calls.some((c) => c.id === call.id)
  const calls = known ? snapshot.calls.map((c) => (c.id === call.id ? call : c)) : [call, ...snapshot.calls]
  usePhoneStore.setState({ snapshot: { ...snapshot, calls } })
}

function isSnapshot(value: unknown): value is PhoneSnapshot {
  return typeof value === 'object' && value !== null && 'registration' in value && 'calls' in value
}

/**
 * Runs one phone action. The error is kept for the call panel (and returned to the caller, e.g.
 * the dial pad shows "letters cannot be dialled" beside its input).
 */
async function run<T extends CallView | PhoneSnapshot>(action: PhoneAction, callId: string | null, invoke: () => Promise<T>): Promise<{ value: T } | { error: AppError }> {
  const key = `${action}:${callId ?? ''}`
  usePhoneStore.setState((s) => ({ pending: { ...s.pending, [key]: true }, lastError: null }))
  try {
    const value = await invoke()
    if (isSnapshot(value)) usePhoneStore.getState().apply(value)
    else mergeCall(value)
    return { value }
  } catch (err) {
    const error = toAppError(err)
    usePhoneStore.setState({ lastError: { action, callId, error } })
    return { error }
  } finally {
    usePhoneStore.setState((s) => {
      const { [key]: _done, ...pending } = s.pending
      return { pending }
    })
  }
}

export function isPending(pending: Record<string, true>, action: PhoneAction, callId: string | null = null): boolean {
  return pending[`${action}:${callId ?? ''}`] === true
}

const api = () => getAgentApi()

export const phone = {
  configure: (input: AgentApiInput<'phone.configure'>) => run('configure', null, () => api().invoke('phone.configure', input)),
  dial: (target: string, customerId?: string) => run('dial', null, () => api().invoke('phone.dial', customerId ? { target, customerId } : { target })),
  answer: (callId: string) => run('answer', callId, () => api().invoke('phone.answer', { callId })),
  decline: (callId: string) => run('decline', callId, () => api().invoke('phone.decline', { callId })),
  hangup: (callId: string) => run('hangup', callId, () => api().invoke('phone.hangup', { callId })),
  mute: (callId: string, muted: boolean) => run('mute', callId, () => api().invoke('phone.mute', { callId, muted })),
  hold: (callId: string, held: boolean) => run('hold', callId, () => api().invoke('phone.hold', { callId, held })),
  dtmf: (callId: string, tones: string, via: DtmfVia) => run('dtmf', callId, () => api().invoke('phone.dtmf', { callId, tones, via })),
  transfer: (callId: string, target: string) => run('transfer', callId, () => api().invoke('phone.transfer', { callId, target })),
  consult: (callId: string, target: string) => run('consult', callId, () => api().invoke('phone.consult', { callId, target })),
  completeTransfer: (consultCallId: string) => run('completeTransfer', consultCallId, () => api().invoke('phone.completeTransfer', { consultCallId })),
  conference: (consultCallId: string) => run('conference', consultCallId, () => api().invoke('phone.conference', { consultCallId })),
  wrapUp: (input: AgentApiInput<'phone.wrapUp'>) => run('wrapUp', input.callId, () => api().invoke('phone.wrapUp', input)),
  record: (callId: string, enabled: boolean) => run('record', callId, () => api().invoke('phone.record', { callId, enabled })),
}

export const liveStates: readonly CallView['state'][] = ['ringing', 'dialing', 'early', 'active']

export function isLive(call: CallView): boolean {
  return call.state !== 'ended'
}

export function isIncoming(call: CallView): boolean {
  return call.direction === 'inbound' && call.state === 'ringing'
}

/** The call the agent is talking on (not held, not a ringing offer), else the first live one. */
export function currentCall(calls: readonly CallView[]): CallView | null {
  const live = calls.filter((c) => isLive(c) && !isIncoming(c))
  return live.find((c) => c.state === 'active' && !c.held) ?? live[0] ?? null
}
