import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import type { AgentStateName, ReasonCode } from '../../../../shared/domain/agent'
import { useSessionStore } from '../session/session-store'

const noReasonCodes: ReasonCode[] = []

/** The server's reason codes, e.g. 小休 / Short break. */
export function useReasonCodes(): ReasonCode[] {
  return useSessionStore((s) => s.snapshot?.reasonCodes ?? noReasonCodes)
}

/** Labels a reason code in the UI language; a code the server did not list shows as itself. */
export function useReasonLabel(): (code: string) => string {
  const { i18n } = useTranslation()
  const reasonCodes = useReasonCodes()
  const english = i18n.language === 'en'
  return useCallback(
    (code: string) => {
      const reason = reasonCodes.find((r) => r.code === code)
      if (!reason) return code
      return english ? reason.labelEn : reason.labelZh
    },
    [reasonCodes, english],
  )
}

/** "示忙(小休)" / "Not ready (Short break)", or just the state when there is no reason. */
export function useStateLabel(): (state: AgentStateName, reasonCode: string | null) => string {
  const { t } = useTranslation()
  const reasonLabel = useReasonLabel()
  return useCallback(
    (state: AgentStateName, reasonCode: string | null) => {
      const stateLabel = t(`agentState.states.${state}`)
      return reasonCode ? t('agentState.withReason', { state: stateLabel, reason: reasonLabel(reasonCode) }) : stateLabel
    },
    [t, reasonLabel],
  )
}
