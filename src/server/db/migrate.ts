import { Migrator, type Migration, type MigrationProvider } from 'kysely'
import type { Db } from './database'
import * as m001 from './migrations/001-initial'
import * as m002 from './migrations/002-sync'
import * as m003 from './migrations/003-inbox'
import * as m004 from './migrations/004-kb'
import * as m005 from './migrations/005-qq'
import * as m006 from './migrations/006-email'
import * as m007 from './migrations/007-webchat'
import * as m008 from './migrations/008-calls'
import * as m009 from './migrations/009-recordings'

/** Migrations are compiled in, in order; their names are their versions. */
const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-sync': m002,
  '003-inbox': m003,
  '004-kb': m004,
  '005-qq': m005,
  '006-email': m006,
  '007-webchat': m007,
  '008-calls': m008,
  '009-recordings': m009,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
