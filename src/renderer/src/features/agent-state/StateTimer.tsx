import { useTranslation } from 'react-i18next'
import { useNow } from '../../lib/clock'
import { formatTimeInState } from '../../lib/format-duration'

export function StateTimer({ since, testId }: { since: number; testId?: string }) {
  const { t } = useTranslation()
  const now = useNow()
  return (
    <span className="state-timer" data-testid={testId} title={t('agentState.timerTitle')}>
      {formatTimeInState(since, now)}
    </span>
  )
}
