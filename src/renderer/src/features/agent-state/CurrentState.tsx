import { useTranslation } from 'react-i18next'
import { useAgentStateStore } from './agent-state-store'
import { StatePill } from './StatePill'
import { StateTimer } from './StateTimer'
import { useStateLabel } from './use-state-label'

/** The agent's own state, how long it has lasted, and who forced it if a lead did. */
export function CurrentState() {
  const { t } = useTranslation()
  const presence = useAgentStateStore((s) => s.presence)
  const stateLabel = useStateLabel()

  if (!presence) {
    return (
      <span className="state-pill state-pill--unknown" data-testid="current-state" data-state="" data-reason="">
        {t('agentState.unknown')}
      </span>
    )
  }
  return (
    <div className="current-state">
      <StatePill state={presence.state} reasonCode={presence.reasonCode} testId="current-state" />
      <StateTimer since={presence.since} testId="state-timer" />
      {presence.forcedBy && (
        <span className="forced-notice" data-testid="forced-notice" role="note">
          {t('agentState.forcedNotice', { name: presence.forcedBy.name, state: stateLabel(presence.state, presence.reasonCode) })}
        </span>
      )}
    </div>
  )
}
