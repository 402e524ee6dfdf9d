import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCentralServer, type CentralServer } from '../../src/server/app'
import type { ServerConfig } from '../../src/server/config'
import { openDatabase, type Db } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'

export interface RunningCentre {
  server: CentralServer
  /** SQLite file or postgres:// URL. */
  databaseUrl: string
  /** Temp folder of this centre, removed by cleanup(). */
  dir: string
  /** Starts the server again on the same port and database (after server.stop()). */
  restart(): Promise<CentralServer>
  cleanup(): Promise<void>
}

/**
 * A central server on a free port over a fresh, migrated store (a SQLite file in a temp folder,
 * or `config.databaseUrl`), filled by `seed` before it starts.
 */
export async function startSeededCentre(seed: (db: Db) => Promise<unknown>, config: Partial<ServerConfig> = {}): Promise<RunningCentre> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-centre-'))
  const databaseUrl = config.databaseUrl ?? join(dir, 'server.sqlite')
  const db = openDatabase(databaseUrl)
  await migrateToLatest(db)
  await seed(db)
  await db.destroy()
  const base: Partial<ServerConfig> = { port: 0, logLevel: 'silent', ...config, databaseUrl }
  const centre: RunningCentre = {
    server: await startCentralServer(base),
    databaseUrl,
    dir,
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
