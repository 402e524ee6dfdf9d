import { useTranslation } from 'react-i18next'
import { ActiveCall } from './ActiveCall'
import { IncomingCall } from './IncomingCall'
import { isIncoming, isLive, usePhoneStore } from './phone-store'
import { WrapUpPanel } from './WrapUpPanel'
import './phone.css'

/**
 * Calls stay in view whatever page the agent is on: ringing calls with their screen pop, live
 * calls with their controls, and after-call work.
 */
export function CallDock() {
  const { t } = useTranslation()
  const snapshot = usePhoneStore((s) => s.snapshot)
  if (!snapshot) return null
  const calls = snapshot.calls
  const incoming = calls.filter(isIncoming)
  const live = calls.filter((c) => isLive(c) && !isIncoming(c))
  const wrapUp = snapshot.wrapUp
  if (incoming.length === 0 && live.length === 0 && !wrapUp) return null
  return (
    <aside className="call-dock" aria-label={t('phone.dock.label')} data-testid="call-dock">
      {incoming.map((call) => (
        <IncomingCall key={call.id} call={call} />
      ))}
      {live.map((call) => (
        <ActiveCall key={call.id} call={call} consultedBy={live.find((c) => c.consultFor === call.id) ?? null} />
      ))}
      {wrapUp && <WrapUpPanel key={wrapUp.callId} callId={wrapUp.callId} until={wrapUp.until} call={calls.find((c) => c.id === wrapUp.callId) ?? null} />}
    </aside>
  )
}
