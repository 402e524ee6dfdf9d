/** A thin layer over better-sqlite3: statements prepared once and reused, typed rows, transactions. */
import type Database from 'better-sqlite3'

type Param = string | number | bigint | null | Buffer

export class Sqlite {
  private readonly statements = new Map<string, Database.Statement>()

  constructor(readonly db: Database.Database) {}

  /** Preparing costs more than running most of these statements, so each SQL text is prepared once. */
  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  get<T>(sql: string, ...params: Param[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined
  }

  all<T>(sql: string, ...params: Param[]): T[] {
    return this.statement(sql).all(...params) as T[]
  }

  run(sql: string, ...params: Param[]): Database.RunResult {
    return this.statement(sql).run(...params)
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  /**
   * A transaction for something the agent did. It exists nowhere else until the server has it, so
   * it is synced to disk with FULL (the WAL is fsynced at commit): it survives a power cut too,
   * not only a crash of the app. Agents act a few times a minute, so the fsync costs nothing felt.
   */
  durableTransaction<T>(fn: () => T): T {
    this.db.pragma('synchronous = FULL')
    try {
      return this.transaction(fn)
    } finally {
      this.db.pragma('synchronous = NORMAL')
    }
  }
}
