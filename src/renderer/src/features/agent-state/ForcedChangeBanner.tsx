import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { useAgentStateStore } from './agent-state-store'
import { useStateLabel } from './use-state-label'

const SHOW_FOR_MS = 10_000

/** Tells the agent, once and visibly, that a lead has just changed their state. */
export function ForcedChangeBanner() {
  const { t } = useTranslation()
  const forcedChange = useAgentStateStore((s) => s.forcedChange)
  const dismiss = useAgentStateStore((s) => s.dismissForcedChange)
  const stateLabel = useStateLabel()

  useEffect(() => {
    if (!forcedChange) return
    const timer = setTimeout(dismiss, SHOW_FOR_MS)
    return () => clearTimeout(timer)
  }, [forcedChange, dismiss])

  if (!forcedChange) return null
  return (
    <div className="banner banner--warning" data-testid="forced-banner" role="alert">
      <span>{t('agentState.forcedBanner', { name: forcedChange.by.name, state: stateLabel(forcedChange.state, forcedChange.reasonCode) })}</span>
      <button type="button" className="banner-close" onClick={dismiss} aria-label={t('agentState.dismiss')}>
        ×
      </button>
    </div>
  )
}
