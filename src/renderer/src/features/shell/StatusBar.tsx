import { useTranslation } from 'react-i18next'
import type { AgentProfile } from '../../../../shared/domain/agent'
import { CurrentState } from '../agent-state/CurrentState'
import { StatePicker } from '../agent-state/StatePicker'
import { ConnectionIndicator } from '../connection/ConnectionIndicator'
import { SignoffBadge } from '../kb/SignoffModal'
import { OutboxIndicators } from '../offline/OutboxIndicators'
import { RegistrationIndicator } from '../phone/RegistrationIndicator'
import { LogoutButton } from '../session/LogoutButton'
import { LanguageSwitch } from '../settings/LanguageSwitch'

export function StatusBar({ agent }: { agent: AgentProfile }) {
  const { t } = useTranslation()
  return (
    <header className="status-bar">
      <div className="status-bar-agent">
        <span className="status-bar-name" data-testid="status-agent-name">
          {agent.displayName}
        </span>
        <span className={`role-badge role-badge--${agent.role}`} data-testid="status-agent-role" data-role={agent.role}>
          {t(`role.${agent.role}`)}
        </span>
      </div>
      <div className="status-bar-state">
        <CurrentState />
        <StatePicker />
      </div>
      <div className="status-bar-tools">
        <SignoffBadge />
        <OutboxIndicators />
        <RegistrationIndicator />
        <ConnectionIndicator />
        <LanguageSwitch />
        <LogoutButton />
      </div>
    </header>
  )
}
