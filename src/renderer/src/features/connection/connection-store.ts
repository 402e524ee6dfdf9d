import { create } from 'zustand'
import type { AgentApi, ConnectionStatus } from '../../../../shared/ipc/agent-api'

interface ConnectionStore {
  /** The main process's link to the central server; null until the first snapshot. */
  connection: ConnectionStatus | null
  apply(connection: ConnectionStatus): void
}

export const useConnectionStore = create<ConnectionStore>()((set) => ({
  connection: null,
  apply: (connection) => set({ connection }),
}))

export function listenToConnection(api: AgentApi): () => void {
  return api.on('connection.changed', (connection) => useConnectionStore.getState().apply(connection))
}
