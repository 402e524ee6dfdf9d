/**
 * Opening the agent's cache file: the name, the integrity check, moving a bad file aside, the
 * connection settings and the migrations.
 */
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { CacheOpenReport } from './local-cache'
import { migrate, SchemaTooNewError } from './migrations'

/** Agent ids are UUIDs today; anything else is made safe for every file system and kept distinct by a hash. */
export function cacheFileName(agentId: string): string {
  const safe = agentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)
  if (safe === agentId && safe !== '') return `${safe}.sqlite`
  const hash = createHash('sha256').update(agentId).digest('hex').slice(0, 12)
  return `${safe || 'agent'}-${hash}.sqlite`
}

export interface OpenedCacheFile {
  db: Database.Database
  file: string
  report: CacheOpenReport
}

/** SQLite's companions of a database file; they belong to it and move with it. */
const COMPANIONS = ['-wal', '-shm'] as const

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-')
}

/** Renames the file (and its WAL and shared-memory files) to `<file>.corrupt-<time>`; never deletes anything. */
function moveAside(file: string): string {
  let target = `${file}.corrupt-${timestamp()}`
  for (let n = 2; existsSync(target); n++) target = `${file}.corrupt-${timestamp()}-${n}`
  renameSync(file, target)
  for (const suffix of COMPANIONS) {
    // A stale WAL left beside a fresh file would be replayed into it, so it moves too.
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix)
  }
  return target
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL')
  // NORMAL in WAL mode: a commit is in the WAL (the OS has it) before it returns, so it survives
  // a crash of the app; only a power cut can lose the last commits. Sync pages can be pulled
  // again, so that is enough for them; local actions switch to FULL for their own transaction
  // (see CacheStore.localAction), because they exist nowhere else.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = OFF')
  // 64 MB page cache: the KB index of 100,000 articles is ~110 MB; the hot part stays in memory.
  db.pragma('cache_size = -65536')
  db.pragma('temp_store = MEMORY')
  db.pragma('busy_timeout = 5000')
}

class IntegrityCheckFailed extends Error {}

/** Damage that makes the file useless as a cache; anything else (a locked file, no permission) is not the file's fault. */
function isDamaged(err: unknown): boolean {
  if (err instanceof IntegrityCheckFailed || err instanceof SchemaTooNewError) return true
  const code = err instanceof Database.SqliteError ? err.code : ''
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR_SHORT_READ'
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/**
 * Checked before SQLite opens the file: on closing, SQLite deletes the WAL beside a file it could
 * not read, which would destroy part of what is being kept aside. An empty file is a valid empty
 * database.
 */
function hasForeignHeader(file: string): boolean {
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length)
    const read = readSync(fd, head, 0, head.length, 0)
    return read > 0 && !head.subarray(0, read).equals(SQLITE_HEADER.subarray(0, read))
  } finally {
    closeSync(fd)
  }
}

/** Opens and checks an existing file; throws when it is not a healthy cache this build can use. */
function openChecked(file: string): { db: Database.Database; migrated: string[] } {
  if (hasForeignHeader(file)) throw new IntegrityCheckFailed('not an SQLite database')
  const db = new Database(file, { fileMustExist: true })
  try {
    const result = db.pragma('quick_check', { simple: true })
    if (result !== 'ok') throw new IntegrityCheckFailed(`quick_check: ${String(result)}`)
    configure(db)
    return { db, migrated: migrate(db) }
  } catch (err) {
    db.close()
    throw err
  }
}

function openFresh(file: string): { db: Database.Database; migrated: string[] } {
  const db = new Database(file)
  try {
    configure(db)
    return { db, migrated: migrate(db) }
  } catch (err) {
    db.close()
    throw err
  }
}

/**
 * The file is a cache: when it is not a database, is truncated, fails `quick_check` or comes
 * from a newer build, it is moved aside (kept for a look by support) and a fresh one is made;
 * the next sync fills it again.
 */
export function openCacheFile(dir: string, agentId: string): OpenedCacheFile {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, cacheFileName(agentId))
  let movedAsideTo: string | null = null
  if (existsSync(file)) {
    try {
      const { db, migrated } = openChecked(file)
      return { db, file, report: { movedAsideTo, migrated } }
    } catch (err) {
      if (!isDamaged(err)) throw err
      movedAsideTo = moveAside(file)
    }
  }
  const { db, migrated } = openFresh(file)
  return { db, file, report: { movedAsideTo, migrated } }
}
