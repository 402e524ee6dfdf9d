import { useState, type ChangeEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { agentStates, type AgentStateName } from '../../../../shared/domain/agent'
import { errorText } from '../../i18n/error-text'
import { useAgentStateStore } from './agent-state-store'
import { ReasonSelect } from './ReasonSelect'

/**
 * Choosing a state other than 示忙 applies at once. 示忙 needs a reason first: choosing it
 * shows a reason list and an apply button. While the agent is 示忙 the reason list stays, so
 * they can switch reason (小休 → 就餐) without leaving the state.
 */
interface Draft {
  /** `presence.since` of the state the draft was started in. */
  since: number | null
  /** 示忙 picked but not yet applied. */
  pickingReason: boolean
  /** The reason picked in the list; null means "as it is now". */
  pickedReason: string | null
}

function noDraft(since: number | null): Draft {
  return { since, pickingReason: false, pickedReason: null }
}

export function StatePicker() {
  const { t } = useTranslation()
  const presence = useAgentStateStore((s) => s.presence)
  const changing = useAgentStateStore((s) => s.changing)
  const changeError = useAgentStateStore((s) => s.changeError)
  const change = useAgentStateStore((s) => s.change)
  const since = presence?.since ?? null
  const [storedDraft, setDraft] = useState<Draft>(noDraft(since))
  // A draft belongs to the state it was started in; a new state (own or forced) ends it.
  const { pickingReason, pickedReason } = storedDraft.since === since ? storedDraft : noDraft(since)

  const currentState = presence?.state ?? null
  const shownState = pickingReason ? 'not_ready' : (currentState ?? '')
  const currentReason = currentState === 'not_ready' ? (presence?.reasonCode ?? '') : ''
  const shownReason = pickedReason ?? currentReason
  const reasonChanged = shownReason !== '' && (pickingReason || shownReason !== currentReason)

  function onStateChange(event: ChangeEvent<HTMLSelectElement>) {
    const state = event.target.value as AgentStateName
    if (state === 'not_ready') {
      setDraft({ since, pickingReason: true, pickedReason: null })
      return
    }
    setDraft(noDraft(since))
    void change({ state })
  }

  function applyReason() {
    if (shownReason) void change({ state: 'not_ready', reasonCode: shownReason })
  }

  function cancel() {
    setDraft(noDraft(since))
  }

  return (
    <div className="state-picker" data-testid="state-picker">
      <label className="visually-hidden" htmlFor="state-select">
        {t('agentState.label')}
      </label>
      <select id="state-select" data-testid="state-select" value={shownState} onChange={onStateChange} disabled={changing}>
        {shownState === '' && (
          <option value="" disabled>
            {t('agentState.unknown')}
          </option>
        )}
        {agentStates.map((state) => (
          <option key={state} value={state}>
            {t(`agentState.states.${state}`)}
          </option>
        ))}
      </select>
      {shownState === 'not_ready' && (
        <>
          <label className="visually-hidden" htmlFor="reason-select">
            {t('agentState.reason')}
          </label>
          <ReasonSelect
            id="reason-select"
            testId="reason-select"
            value={shownReason}
            onChange={(reasonCode) => setDraft({ since, pickingReason, pickedReason: reasonCode })}
            disabled={changing}
          />
          <button type="button" className="button button--primary button--small" data-testid="state-apply" onClick={applyReason} disabled={changing || !reasonChanged}>
            {t('agentState.apply')}
          </button>
          {pickingReason && (
            <button type="button" className="button button--small" data-testid="state-cancel" onClick={cancel} disabled={changing}>
              {t('agentState.cancel')}
            </button>
          )}
        </>
      )}
      {changeError && (
        <span className="inline-error" data-testid="state-error" role="alert">
          {errorText(t, changeError)}
        </span>
      )}
    </div>
  )
}
