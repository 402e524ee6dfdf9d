import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { AgentApi } from '../../../../shared/ipc/agent-api'
import type { OutboxStatus, SyncStatus } from '../../../../shared/ipc/views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'

/**
 * What the main process has not yet delivered (the outbox and its conflicts) and how far the
 * local cache is synced. Both arrive as snapshots: read at sign-in, then pushed as events.
 */
interface OfflineStore {
  sync: SyncStatus | null
  outbox: OutboxStatus | null
  conflictsOpen: boolean
  /** Conflicts with a resolveConflict call in flight. */
  resolving: Record<string, true>
  resolveError: { opId: string; error: AppError } | null
  load(): Promise<void>
  applySync(sync: SyncStatus): void
  applyOutbox(outbox: OutboxStatus): void
  setConflictsOpen(open: boolean): void
  resolve(opId: string, resolution: 'retry' | 'discard'): Promise<void>
  reset(): void
}

/** How many snapshots arrived, to tell whether a read's answer is older than an event. */
const received = { sync: 0, outbox: 0 }

const initial = {
  sync: null,
  outbox: null,
  conflictsOpen: false,
  resolving: {},
  resolveError: null,
} satisfies Partial<OfflineStore>

export const useOfflineStore = create<OfflineStore>()((set, get) => ({
  ...initial,
  load: async () => {
    const api = getAgentApi()
    const before = { ...received }
    const [sync, outbox] = await Promise.allSettled([api.invoke('sync.status'), api.invoke('outbox.status')])
    // An event that arrived while reading is newer than the answer, and wins.
    if (sync.status === 'fulfilled') {
      if (received.sync === before.sync) get().applySync(sync.value)
    } else console.warn('Could not read the sync status', toAppError(sync.reason))
    if (outbox.status === 'fulfilled') {
      if (received.outbox === before.outbox) get().applyOutbox(outbox.value)
    } else console.warn('Could not read the outbox status', toAppError(outbox.reason))
  },
  applySync: (sync) => {
    received.sync += 1
    set({ sync })
  },
  applyOutbox: (outbox) => {
    received.outbox += 1
    const open = get().conflictsOpen && outbox.conflicts.length > 0
    const resolveError = get().resolveError
    const stillThere = resolveError !== null && outbox.conflicts.some((c) => c.opId === resolveError.opId)
    set({ outbox, conflictsOpen: open, resolveError: stillThere ? resolveError : null })
  },
  setConflictsOpen: (conflictsOpen) => set({ conflictsOpen }),
  resolve: async (opId, resolution) => {
    set({ resolving: { ...get().resolving, [opId]: true }, resolveError: null })
    try {
      const outbox = await getAgentApi().invoke('outbox.resolveConflict', { opId, resolution })
      get().applyOutbox(outbox)
    } catch (err) {
      set({ resolveError: { opId, error: toAppError(err) } })
    } finally {
      const { [opId]: _done, ...rest } = get().resolving
      set({ resolving: rest })
    }
  },
  reset: () => {
    // Answers still on their way belong to the previous session.
    received.sync += 1
    received.outbox += 1
    set(initial)
  },
}))

export function listenToOffline(api: AgentApi): () => void {
  const stops = [
    api.on('sync.changed', (sync) => useOfflineStore.getState().applySync(sync)),
    api.on('outbox.changed', (outbox) => useOfflineStore.getState().applyOutbox(outbox)),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
