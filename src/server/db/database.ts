import Sqlite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema'

export type Db = Kysely<Database>

/**
 * Opens the server's store. `url` is `postgres://…` for PostgreSQL; anything else is a SQLite
 * file path (`:memory:` for a throwaway one).
 */
export function openDatabase(url: string): Db {
  if (/^postgres(ql)?:\/\//.test(url)) {
    // BIGINT columns hold ms timestamps well inside 2^53; read them as numbers, not strings.
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }),
    })
  }
  const file = url.replace(/^sqlite:/, '')
  const sqlite = new Sqlite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}
