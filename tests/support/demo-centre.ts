import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCentralServer, type CentralServer } from '../../src/server/app'
import type { ServerConfig } from '../../src/server/config'
import { openDatabase } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import { DEFAULT_DEMO_PASSWORD, seedDemoData, type SeedOptions } from '../../src/server/seed'

export const DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD

export interface DemoCentre {
  server: CentralServer
  databaseUrl: string
  /** Starts the server again on the same port and database (after server.stop()). */
  restart(): Promise<CentralServer>
  cleanup(): Promise<void>
}

/** The demo centre of the seed (smaller when asked) behind a real central server on a free port. */
export async function startDemoCentre(seed: SeedOptions = {}, config: Partial<ServerConfig> = {}): Promise<DemoCentre> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-demo-'))
  const databaseUrl = config.databaseUrl ?? join(dir, 'server.sqlite')
  const db = openDatabase(databaseUrl)
  await migrateToLatest(db)
  await seedDemoData(db, seed)
  await db.destroy()
  const base: Partial<ServerConfig> = { port: 0, logLevel: 'silent', ...config, databaseUrl }
  const centre: DemoCentre = {
    server: await startCentralServer(base),
    databaseUrl,
    async restart() {
      centre.server = await startCentralServer({ ...base, port: centre.server.port })
      return centre.server
    },
    async cleanup() {
      await centre.server.stop().catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return centre
}
