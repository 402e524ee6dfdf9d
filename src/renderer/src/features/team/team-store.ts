import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { AgentStateName, TeamMember } from '../../../../shared/domain/agent'
import type { AgentApi } from '../../../../shared/ipc/agent-api'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'

export type TeamLoadState = 'idle' | 'loading' | 'loaded' | 'failed'

export interface ForceRequest {
  agentId: string
  state: AgentStateName
  reasonCode?: string
}

interface TeamStore {
  members: TeamMember[]
  loadState: TeamLoadState
  loadError: AppError | null
  /** Agents with a force-state call in flight, so their buttons cannot be pressed twice. */
  forcing: Record<string, true>
  forceError: { agentId: string; error: AppError } | null
  load(): Promise<void>
  applyMember(member: TeamMember): void
  forceState(request: ForceRequest): Promise<boolean>
  reset(): void
}

const initial = {
  members: [],
  loadState: 'idle',
  loadError: null,
  forcing: {},
  forceError: null,
} satisfies Partial<TeamStore>

export const useTeamStore = create<TeamStore>()((set, get) => ({
  ...initial,
  load: async () => {
    set({ loadState: 'loading', loadError: null })
    try {
      const members = await getAgentApi().invoke('team.list')
      set({ members, loadState: 'loaded' })
    } catch (err) {
      set({ loadState: 'failed', loadError: toAppError(err) })
    }
  },
  applyMember: (member) => set({ members: upsert(get().members, member) }),
  forceState: async ({ agentId, state, reasonCode }) => {
    set({ forcing: { ...get().forcing, [agentId]: true }, forceError: null })
    try {
      const presence = await getAgentApi().invoke('team.forceState', { agentId, state, reasonCode: reasonCode ?? null })
      const member = get().members.find((m) => m.agentId === agentId)
      // The memberChanged event follows, but the lead should see the result of their own click now.
      if (member) get().applyMember({ ...member, presence })
      return true
    } catch (err) {
      set({ forceError: { agentId, error: toAppError(err) } })
      return false
    } finally {
      const { [agentId]: _done, ...stillForcing } = get().forcing
      set({ forcing: stillForcing })
    }
  },
  reset: () => set(initial),
}))

function upsert(members: TeamMember[], member: TeamMember): TeamMember[] {
  const index = members.findIndex((m) => m.agentId === member.agentId)
  if (index === -1) return [...members, member]
  return members.map((m, i) => (i === index ? member : m))
}

export function listenToTeam(api: AgentApi): () => void {
  return api.on('team.memberChanged', (member) => useTeamStore.getState().applyMember(member))
}
