import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TeamMember } from '../../../../shared/domain/agent'
import { ReasonSelect } from '../agent-state/ReasonSelect'

interface ForceReasonRowProps {
  member: TeamMember
  columns: number
  busy: boolean
  onConfirm(reasonCode: string): void
  onCancel(): void
}

/** Opens under a row when the lead forces 示忙: a lead must say why, like the agent would. */
export function ForceReasonRow({ member, columns, busy, onConfirm, onCancel }: ForceReasonRowProps) {
  const { t } = useTranslation()
  const [reasonCode, setReasonCode] = useState('')
  return (
    <tr className="force-reason-row">
      <td colSpan={columns}>
        <div className="force-reason">
          <label htmlFor="force-reason-select">{t('team.forceReasonFor', { name: member.displayName })}</label>
          <ReasonSelect id="force-reason-select" testId="force-reason-select" value={reasonCode} onChange={setReasonCode} autoFocus />
          <button type="button" className="button button--primary button--small" data-testid="force-reason-confirm" disabled={busy || !reasonCode} onClick={() => onConfirm(reasonCode)}>
            {t('team.confirm')}
          </button>
          <button type="button" className="button button--small" data-testid="force-reason-cancel" onClick={onCancel}>
            {t('team.cancel')}
          </button>
        </div>
      </td>
    </tr>
  )
}
