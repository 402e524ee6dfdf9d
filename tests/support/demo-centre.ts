import type { ServerConfig } from '../../src/server/config'
import { DEFAULT_DEMO_PASSWORD, seedDemoData, type SeedOptions } from '../../src/server/seed'
import { startSeededCentre, type RunningCentre } from './centre-process'

export const DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD

export type DemoCentre = RunningCentre

/** The demo centre of the seed (smaller when asked) behind a real central server on a free port. */
export function startDemoCentre(seed: SeedOptions = {}, config: Partial<ServerConfig> = {}): Promise<DemoCentre> {
  return startSeededCentre((db) => seedDemoData(db, seed), config)
}
