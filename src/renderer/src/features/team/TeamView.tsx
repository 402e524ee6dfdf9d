import { Fragment, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { errorText } from '../../i18n/error-text'
import { useNow } from '../../lib/clock'
import { useSessionStore } from '../session/session-store'
import { ForceReasonRow } from './ForceReasonRow'
import { TeamRow } from './TeamRow'
import { TeamSummary } from './TeamSummary'
import { useTeamStore } from './team-store'

const COLUMNS = 7

/** 班组监控: the lead's live table of their team, with forced state changes per agent. */
export function TeamView() {
  const { t } = useTranslation()
  const self = useSessionStore((s) => s.snapshot?.agent ?? null)
  const members = useTeamStore((s) => s.members)
  const loadState = useTeamStore((s) => s.loadState)
  const loadError = useTeamStore((s) => s.loadError)
  const forcing = useTeamStore((s) => s.forcing)
  const forceError = useTeamStore((s) => s.forceError)
  const load = useTeamStore((s) => s.load)
  const forceState = useTeamStore((s) => s.forceState)
  const now = useNow()
  /** The agent whose 强制示忙 reason list is open; one at a time. */
  const [reasonFor, setReasonFor] = useState<string | null>(null)

  useEffect(() => {
    void load()
  }, [load])

  const failedMember = forceError ? members.find((m) => m.agentId === forceError.agentId) : undefined

  return (
    <section className="page team-view" data-testid="team-view">
      <header className="page-header">
        <h2 className="page-title">{t('team.title')}</h2>
        {self?.teamName && <span className="page-subtitle">{t('team.teamName', { name: self.teamName })}</span>}
        <button type="button" className="button button--small page-header-action" data-testid="team-refresh" onClick={() => void load()} disabled={loadState === 'loading'}>
          {t('team.refresh')}
        </button>
      </header>
      <TeamSummary members={members} />
      {loadError && (
        <p className="form-error" data-testid="team-error" role="alert">
          {errorText(t, loadError)}
        </p>
      )}
      {forceError && (
        <p className="form-error" data-testid="team-force-error" role="alert">
          {failedMember ? `${failedMember.displayName}: ` : ''}
          {t('team.forceFailed', { error: errorText(t, forceError.error) })}
        </p>
      )}
      {members.length === 0 ? (
        <p className="team-placeholder">{loadState === 'loading' || loadState === 'idle' ? t('team.loading') : t('team.empty')}</p>
      ) : (
        <table className="team-table">
          <thead>
            <tr>
              <th>{t('team.columns.name')}</th>
              <th>{t('team.columns.username')}</th>
              <th>{t('team.columns.state')}</th>
              <th className="numeric">{t('team.columns.duration')}</th>
              <th>{t('team.columns.connection')}</th>
              <th>{t('team.columns.forcedBy')}</th>
              <th>{t('team.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <Fragment key={member.agentId}>
                <TeamRow
                  member={member}
                  now={now}
                  isSelf={member.agentId === self?.id}
                  busy={forcing[member.agentId] === true}
                  onForce={(state) => {
                    setReasonFor(null)
                    void forceState({ agentId: member.agentId, state })
                  }}
                  onForceNotReady={() => setReasonFor(reasonFor === member.agentId ? null : member.agentId)}
                />
                {reasonFor === member.agentId && (
                  <ForceReasonRow
                    member={member}
                    columns={COLUMNS}
                    busy={forcing[member.agentId] === true}
                    onCancel={() => setReasonFor(null)}
                    onConfirm={(reasonCode) => {
                      void forceState({ agentId: member.agentId, state: 'not_ready', reasonCode }).then((done) => {
                        if (done) setReasonFor(null)
                      })
                    }}
                  />
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
