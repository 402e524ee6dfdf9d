import { randomBytes, scryptSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import type { NewAgent } from '../../src/server/db/schema'
import { onCleanup } from './cleanup'

/**
 * The inbox load bench's centre: 500 agents in 10 teams, each agent with one skill; 8 web-chat
 * sites routed to skill groups 1–8 and one QQ bot account watching 10 groups, one per skill group.
 * Agents have the capacities of a real centre (5 chats, 2 emails).
 */
export const INBOX_AGENT_COUNT = 500
export const SKILL_GROUP_COUNT = 10
export const CHAT_SITE_COUNT = 8
export const INBOX_BENCH_PASSWORD = 'inbox-bench-pass-1'
export const QQ_SELF_ID = '2854196310'
export const QQ_TOKEN = 'inbox-bench-onebot-token'
/** QQ groups watched by the bot account, one per skill group (group id, skill group index 0-based). */
const QQ_GROUP_NAMES = ['宽带用户交流群', '话费答疑群', '套餐咨询群', '手机售后群', '漫游服务群', '发票服务群', '投诉建议群', '营业厅预约群', '宽带社群', '手机社群']
export const QQ_GROUPS = QQ_GROUP_NAMES.map((name, i) => ({ groupId: String(734_560_001 + i), name, skillIndex: i }))

export const skillGroupId = (i: number) => `sg${String(i + 1).padStart(2, '0')}`
export const inboxAgentUsername = (i: number) => `desk${String(i + 1).padStart(3, '0')}`
export const inboxAgentId = (i: number) => `d${i + 1}`
export const siteKey = (i: number) => `bench-site-${i + 1}`
/** Agent i's one skill group: agents are spread evenly over the groups. */
export const skillIndexOf = (agentIndex: number) => agentIndex % SKILL_GROUP_COUNT

const SKILL_NAMES = ['宽带报修', '话费查询', '套餐变更', '手机故障', '国际漫游', '发票开具', '投诉受理', '营业厅预约', '宽带社群', '手机社群']

/**
 * The accounts' password hash in the server's own self-describing format, but with scrypt N=2^10
 * instead of 2^15: every desktop still logs in through POST /api/auth/login and the same
 * verifyPassword code, yet 500 logins take seconds instead of a minute on two cores.
 */
function cheapHash(password: string): string {
  const N = 2 ** 10
  const r = 8
  const salt = randomBytes(16)
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { N, r, p: 1 })
  return ['scrypt', N, r, 1, salt.toString('base64'), key.toString('base64')].join('$')
}

export interface InboxCentre {
  dbFile: string
}

export async function seedInboxCentre(): Promise<InboxCentre> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-inbox-'))
  onCleanup(`temp dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }))
  const dbFile = join(dir, 'server.sqlite')
  const db = openDatabase(dbFile)
  try {
    await migrateToLatest(db)
    const now = Date.now()
    const hash = cheapHash(INBOX_BENCH_PASSWORD)
    await db.insertInto('teams').values(Array.from({ length: 10 }, (_, i) => ({ id: `bt${i + 1}`, name: `压测${i + 1}组`, created_at: now }))).execute()
    await db
      .insertInto('skill_groups')
      .values(Array.from({ length: SKILL_GROUP_COUNT }, (_, i) => ({ id: skillGroupId(i), name: SKILL_NAMES[i] ?? `技能组${i + 1}`, description: '' })))
      .execute()
    const agents: NewAgent[] = Array.from({ length: INBOX_AGENT_COUNT }, (_, i) => ({
      id: inboxAgentId(i),
      username: inboxAgentUsername(i),
      display_name: `座席${i + 1}`,
      role: 'agent',
      team_id: `bt${Math.floor(i / (INBOX_AGENT_COUNT / 10)) + 1}`,
      password_hash: hash,
      chat_capacity: 5,
      email_capacity: 2,
      disabled: 0,
      created_at: now,
    }))
    for (let i = 0; i < agents.length; i += 100) await db.insertInto('agents').values(agents.slice(i, i + 100)).execute()
    const skills = agents.map((a, i) => ({ agent_id: a.id, skill_group_id: skillGroupId(skillIndexOf(i)), level: 1 }))
    for (let i = 0; i < skills.length; i += 100) await db.insertInto('agent_skills').values(skills.slice(i, i + 100)).execute()
    await db.insertInto('reason_codes').values([
      { code: 'break', label_zh: '小休', label_en: 'Break', sort: 1, active: 1 },
      { code: 'meal', label_zh: '就餐', label_en: 'Meal', sort: 2, active: 1 },
    ]).execute()
    await db
      .insertInto('webchat_sites')
      .values(
        Array.from({ length: CHAT_SITE_COUNT }, (_, i) => ({
          site_key: siteKey(i),
          name: `${SKILL_NAMES[i] ?? '在线'}在线客服`,
          allowed_origin: '*',
          skill_group_id: skillGroupId(i),
          welcome_text: '您好，欢迎咨询！',
          enabled: 1,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
    await db
      .insertInto('qq_accounts')
      .values({ self_id: QQ_SELF_ID, name: '压测客服号', access_token: QQ_TOKEN, forward_ws_url: null, enabled: 1, created_at: now, updated_at: now })
      .execute()
    await db
      .insertInto('qq_groups')
      .values(QQ_GROUPS.map((g) => ({ self_id: QQ_SELF_ID, group_id: g.groupId, name: g.name, skill_group_id: skillGroupId(g.skillIndex), enabled: 1, created_at: now, updated_at: now })))
      .execute()
  } finally {
    await db.destroy()
  }
  return { dbFile }
}
