import { useTranslation } from 'react-i18next'
import type { AgentStateName, TeamMember } from '../../../../shared/domain/agent'
import { formatTimeInState } from '../../lib/format-duration'
import { StatePill } from '../agent-state/StatePill'

interface TeamRowProps {
  member: TeamMember
  now: number
  isSelf: boolean
  busy: boolean
  onForce(state: Exclude<AgentStateName, 'not_ready'>): void
  onForceNotReady(): void
}

export function TeamRow({ member, now, isSelf, busy, onForce, onForceNotReady }: TeamRowProps) {
  const { t } = useTranslation()
  const { presence, username } = member
  return (
    <tr
      data-testid={`team-row-${username}`}
      data-state={presence.state}
      data-reason={presence.reasonCode ?? ''}
      data-online={presence.online ? 'true' : 'false'}
      className={presence.online ? undefined : 'is-offline'}
    >
      <td className="team-name">{member.displayName}</td>
      <td className="team-username">{username}</td>
      <td>
        <StatePill state={presence.state} reasonCode={presence.reasonCode} />
      </td>
      <td className="numeric">{formatTimeInState(presence.since, now)}</td>
      <td>
        <span className={`presence-online presence-online--${presence.online ? 'on' : 'off'}`}>
          <span className="status-dot" aria-hidden="true" />
          {presence.online ? t('team.online') : t('team.offline')}
        </span>
      </td>
      <td>
        {presence.forcedBy && (
          <span className="forced-marker" data-testid={`team-forced-${username}`}>
            {t('team.forcedBy', { name: presence.forcedBy.name })}
          </span>
        )}
      </td>
      <td>
        {isSelf ? (
          <span className="muted">{t('team.self')}</span>
        ) : (
          <div className="team-actions">
            <button type="button" className="button button--small" data-testid={`force-not-ready-${username}`} disabled={busy} onClick={onForceNotReady}>
              {t('team.forceNotReady')}
            </button>
            <button type="button" className="button button--small" data-testid={`force-ready-${username}`} disabled={busy} onClick={() => onForce('ready')}>
              {t('team.forceReady')}
            </button>
            <button type="button" className="button button--small button--danger" data-testid={`force-signout-${username}`} disabled={busy} onClick={() => onForce('signed_out')}>
              {t('team.forceSignOut')}
            </button>
          </div>
        )}
      </td>
    </tr>
  )
}
