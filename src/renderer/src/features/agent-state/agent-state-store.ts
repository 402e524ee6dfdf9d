import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { AgentStateName, PersonRef, Presence, StateChange } from '../../../../shared/domain/agent'
import type { AgentApi } from '../../../../shared/ipc/agent-api'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'

/** A lead changed this agent's state; shown once as a banner, apart from the lasting notice. */
export interface ForcedChange {
  by: PersonRef
  state: AgentStateName
  reasonCode: string | null
  /** Distinguishes two forced changes in a row so the banner restarts its timer. */
  at: number
}

interface AgentStateStore {
  presence: Presence | null
  changing: boolean
  changeError: AppError | null
  forcedChange: ForcedChange | null
  /** `announce` is false for snapshots at start-up, which are not news to the agent. */
  apply(presence: Presence | null, announce: boolean): void
  change(change: StateChange): Promise<boolean>
  dismissForcedChange(): void
}

export const useAgentStateStore = create<AgentStateStore>()((set, get) => ({
  presence: null,
  changing: false,
  changeError: null,
  forcedChange: null,
  apply: (presence, announce) => {
    const previous = get().presence
    const forcedBy = presence?.forcedBy ?? null
    if (!presence || !forcedBy) {
      set({ presence, forcedChange: null })
    } else if (announce && isNewForcedChange(previous, presence)) {
      set({ presence, forcedChange: { by: forcedBy, state: presence.state, reasonCode: presence.reasonCode, at: Date.now() } })
    } else {
      set({ presence })
    }
  },
  change: async (change) => {
    set({ changing: true, changeError: null })
    try {
      const presence = await getAgentApi().invoke('agentState.set', change)
      set({ presence, changing: false, forcedChange: null })
      return true
    } catch (err) {
      set({ changing: false, changeError: toAppError(err) })
      return false
    }
  },
  dismissForcedChange: () => set({ forcedChange: null }),
}))

function isNewForcedChange(previous: Presence | null, next: Presence): boolean {
  return (
    !previous ||
    previous.since !== next.since ||
    previous.state !== next.state ||
    previous.reasonCode !== next.reasonCode ||
    previous.forcedBy?.id !== next.forcedBy?.id
  )
}

export function listenToAgentState(api: AgentApi): () => void {
  return api.on('agentState.changed', (presence) => useAgentStateStore.getState().apply(presence, true))
}
