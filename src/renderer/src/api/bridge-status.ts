import { create } from 'zustand'

/**
 * The state of the page's link to its host. In Electron the link is IPC and always `ready`;
 * in web mode it is the WebSocket bridge, which can drop and reconnect, or be refused.
 */
export type BridgePhase = 'connecting' | 'ready' | 'reconnecting' | 'refused'
export type BridgeRefusal = 'bad_secret' | 'bad_origin' | 'missing_secret'

export interface BridgeStatus {
  phase: BridgePhase
  refusal: BridgeRefusal | null
}

interface BridgeStatusStore extends BridgeStatus {
  /** How many times the link became ready; a rise after the first means "reconnected, resync". */
  readyCount: number
  update(status: BridgeStatus): void
}

export const useBridgeStatus = create<BridgeStatusStore>()((set) => ({
  phase: 'connecting',
  refusal: null,
  readyCount: 0,
  update: (status) =>
    set((prev) => ({
      ...status,
      readyCount: status.phase === 'ready' && prev.phase !== 'ready' ? prev.readyCount + 1 : prev.readyCount,
    })),
}))
