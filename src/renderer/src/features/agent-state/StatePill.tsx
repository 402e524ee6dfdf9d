import type { AgentStateName } from '../../../../shared/domain/agent'
import { useStateLabel } from './use-state-label'

/** A state with its colour, e.g. a red "示忙(就餐)". */
export function StatePill({ state, reasonCode, testId }: { state: AgentStateName; reasonCode: string | null; testId?: string }) {
  const stateLabel = useStateLabel()
  return (
    <span className={`state-pill state-pill--${state}`} data-testid={testId} data-state={state} data-reason={reasonCode ?? ''}>
      {stateLabel(state, reasonCode)}
    </span>
  )
}
