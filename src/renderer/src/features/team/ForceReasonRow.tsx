import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TeamMember } from '../../../../shared/domain/agent'
import { useReasonCodes, useReasonLabel } from '../agent-state/use-state-label'

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
  const reasonCodes = useReasonCodes()
  const reasonLabel = useReasonLabel()
  const [reasonCode, setReasonCode] = useState('')
  return (
    <tr className="force-reason-row">
      <td colSpan={columns}>
        <div className="force-reason">
          <label htmlFor="force-reason-select">{t('team.forceReasonFor', { name: member.displayName })}</label>
          <select id="force-reason-select" data-testid="force-reason-select" value={reasonCode} onChange={(event) => setReasonCode(event.target.value)} autoFocus>
            <option value="" disabled>
              {t('agentState.chooseReason')}
            </option>
            {reasonCodes.map((reason) => (
              <option key={reason.code} value={reason.code}>
                {reasonLabel(reason.code)}
              </option>
            ))}
          </select>
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
