import { hashPassword } from '../../src/server/auth/passwords'
import type { ServerConfig } from '../../src/server/config'
import type { Db } from '../../src/server/db/database'
import { recordChanges } from '../../src/server/sync/change-log'
import { startSeededCentre, type RunningCentre } from './centre-process'

export const PASSWORD = 'pass-123'

/**
 * A small centre: one team (lead1, agent1, agent2), a second team (lead2, agent3), and an admin.
 * `logChanges: false` for a database from before the change log (migration 002) existed.
 */
export async function seedMiniCentre(db: Db, { logChanges = true } = {}): Promise<void> {
  const now = Date.now()
  const hash = await hashPassword(PASSWORD)
  await db.insertInto('teams').values([
    { id: 't1', name: '一组', created_at: now },
    { id: 't2', name: '二组', created_at: now },
  ]).execute()
  const agents = [
    ['a1', 'agent1', '王芳', 'agent', 't1'],
    ['a2', 'agent2', '李娜', 'agent', 't1'],
    ['a3', 'agent3', '张伟', 'agent', 't2'],
    ['l1', 'lead1', '刘洋', 'lead', 't1'],
    ['l2', 'lead2', '陈静', 'lead', 't2'],
    ['ad', 'admin', '系统管理员', 'admin', null],
  ] as const
  await db
    .insertInto('agents')
    .values(agents.map(([id, username, name, role, team]) => ({
      id, username, display_name: name, role, team_id: team, password_hash: hash,
      chat_capacity: 5, email_capacity: 2, disabled: 0, created_at: now,
    })))
    .execute()
  await db.insertInto('skill_groups').values({ id: 's1', name: '话费账单', description: '' }).execute()
  await db.insertInto('agent_skills').values({ agent_id: 'a1', skill_group_id: 's1', level: 2 }).execute()
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('reason_codes').values([
      { code: 'break', label_zh: '小休', label_en: 'Break', sort: 1, active: 1 },
      { code: 'meal', label_zh: '就餐', label_en: 'Meal', sort: 2, active: 1 },
      { code: 'training', label_zh: '培训', label_en: 'Training', sort: 3, active: 1 },
    ]).execute()
    // Like every write of a synced record, with its change-log rows, so desktops sync them.
    if (logChanges) await recordChanges(trx, 'reason_code', ['break', 'meal', 'training'])
  })
}

export type TestCentre = RunningCentre

/** The mini centre behind a real central server on a free port (SQLite, or `config.databaseUrl`). */
export function startTestCentre(config: Partial<ServerConfig> = {}): Promise<TestCentre> {
  return startSeededCentre((db) => seedMiniCentre(db), config)
}
