import { useTranslation } from 'react-i18next'
import { agentStates, type TeamMember } from '../../../../shared/domain/agent'

/** Head counts per state, the first thing a lead scans for. */
export function TeamSummary({ members }: { members: TeamMember[] }) {
  const { t } = useTranslation()
  const online = members.filter((m) => m.presence.online).length
  return (
    <div className="team-summary" data-testid="team-summary">
      <SummaryCell testId="team-count-total" label={t('team.summary.total')} count={members.length} />
      <SummaryCell testId="team-count-online" label={t('team.summary.online')} count={online} modifier="online" />
      {agentStates.map((state) => (
        <SummaryCell
          key={state}
          testId={`team-count-${state}`}
          label={t(`agentState.states.${state}`)}
          count={members.filter((m) => m.presence.state === state).length}
          modifier={state}
        />
      ))}
    </div>
  )
}

function SummaryCell({ testId, label, count, modifier }: { testId: string; label: string; count: number; modifier?: string }) {
  return (
    <div className={`team-summary-cell${modifier ? ` team-summary-cell--${modifier}` : ''}`} data-testid={testId} data-count={count}>
      <span className="team-summary-count">{count}</span>
      <span className="team-summary-label">{label}</span>
    </div>
  )
}
