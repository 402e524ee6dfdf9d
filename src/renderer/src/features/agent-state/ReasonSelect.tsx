import { useTranslation } from 'react-i18next'
import { useReasonCodes, useReasonLabel } from './use-state-label'

interface ReasonSelectProps {
  id: string
  testId: string
  value: string
  disabled?: boolean
  autoFocus?: boolean
  onChange(reasonCode: string): void
}

/** The server-configured 示忙 reasons, for the agent's own picker and a lead's force alike. */
export function ReasonSelect({ id, testId, value, disabled, autoFocus, onChange }: ReasonSelectProps) {
  const { t } = useTranslation()
  const reasonCodes = useReasonCodes()
  const reasonLabel = useReasonLabel()
  return (
    <select id={id} data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)} disabled={disabled} autoFocus={autoFocus}>
      <option value="" disabled>
        {t('agentState.chooseReason')}
      </option>
      {reasonCodes.map((reason) => (
        <option key={reason.code} value={reason.code}>
          {reasonLabel(reason.code)}
        </option>
      ))}
    </select>
  )
}
