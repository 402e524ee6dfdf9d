import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../src/server/auth/passwords'
import { openDatabase } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import type { NewAgent } from '../../src/server/db/schema'
import { onCleanup } from './cleanup'

export const BENCH_PASSWORD = 'bench-pass-123'
export const LEAD_COUNT = 100
/** The agent whose state changes are fanned out to the leads (team t1). */
export const FANOUT_AGENT = { id: 'a-fan', username: 'fanagent' }
/** Agents for the web host's login runs, in another team so they do not disturb the leads. */
export const WEB_AGENTS = Array.from({ length: 5 }, (_, i) => ({ id: `a-web${i + 1}`, username: `webagent${i + 1}` }))

export const leadUsername = (i: number) => `lead${String(i + 1).padStart(3, '0')}`

export interface SeededCentre {
  dbFile: string
  dir: string
}

/**
 * A temporary SQLite centre: team t1 with 100 leads and one agent, team t2 with the web agents,
 * and reason codes. One scrypt hash is shared by every account (hashing 106 times would take
 * seconds); each login still runs the full scrypt check.
 */
export async function seedBenchCentre(): Promise<SeededCentre> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-'))
  onCleanup(`temp dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }))
  const dbFile = join(dir, 'server.sqlite')
  const db = openDatabase(dbFile)
  try {
    await migrateToLatest(db)
    const now = Date.now()
    const hash = await hashPassword(BENCH_PASSWORD)
    await db.insertInto('teams').values([
      { id: 't1', name: '压测一组', created_at: now },
      { id: 't2', name: '压测二组', created_at: now },
    ]).execute()
    const account = (id: string, username: string, role: NewAgent['role'], team: string): NewAgent => ({
      id, username, display_name: username, role, team_id: team, password_hash: hash,
      chat_capacity: 5, email_capacity: 2, disabled: 0, created_at: now,
    })
    const agents: NewAgent[] = [
      ...Array.from({ length: LEAD_COUNT }, (_, i) => account(`l${i + 1}`, leadUsername(i), 'lead', 't1')),
      account(FANOUT_AGENT.id, FANOUT_AGENT.username, 'agent', 't1'),
      ...WEB_AGENTS.map((a) => account(a.id, a.username, 'agent', 't2')),
    ]
    await db.insertInto('agents').values(agents).execute()
    await db.insertInto('reason_codes').values([
      { code: 'break', label_zh: '小休', label_en: 'Break', sort: 1, active: 1 },
      { code: 'meal', label_zh: '就餐', label_en: 'Meal', sort: 2, active: 1 },
    ]).execute()
  } finally {
    await db.destroy()
  }
  return { dbFile, dir }
}
