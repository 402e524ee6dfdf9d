/**
 * The demo centre's QQ setup: one bot account and three customer groups, each routed to one of the
 * demo's skill groups (found by name). A real OneBot implementation (NapCat, Lagrange) can connect
 * with these too: reverse WebSocket ws://<server>/onebot/v11/ws, self id and token below.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'
import { QqConfigService } from './qq-config'

export const DEMO_QQ_SELF_ID = '2854196310'
export const DEMO_QQ_TOKEN = 'omnidesk-demo-onebot-token'

export type DemoQqTopic = 'broadband' | 'billing' | 'orders'

export interface DemoQqGroup {
  groupId: string
  name: string
  topic: DemoQqTopic
  /** The demo skill group (organisation.ts) its conversations queue in. */
  skillGroupName: string
}

export const DEMO_QQ_GROUPS: readonly DemoQqGroup[] = [
  { groupId: '726354810', name: '宽带报修交流群', topic: 'broadband', skillGroupName: '宽带故障' },
  { groupId: '726354811', name: '话费账单答疑群', topic: 'billing', skillGroupName: '话费账单' },
  { groupId: '726354812', name: '套餐业务办理群', topic: 'orders', skillGroupName: '业务办理' },
]

export interface DemoQqSummary {
  selfId: string
  accessToken: string
  groups: { groupId: string; name: string; topic: DemoQqTopic; skillGroupId: string }[]
}

/**
 * Adds the demo account and groups unless they are there already (safe to call on every demo
 * start). Groups whose skill group the centre lacks are skipped.
 */
export async function seedDemoQqConfig(db: Kysely<Database>): Promise<DemoQqSummary> {
  const config = new QqConfigService(db)
  const accounts = await config.listAccounts()
  if (!accounts.some((a) => a.selfId === DEMO_QQ_SELF_ID)) {
    await config.addAccount({ selfId: DEMO_QQ_SELF_ID, name: '客服小翼（演示）', accessToken: DEMO_QQ_TOKEN })
  }
  const skillGroups = await db.selectFrom('skill_groups').select(['id', 'name']).execute()
  const existing = new Set((await config.listGroups(DEMO_QQ_SELF_ID)).map((g) => g.groupId))
  const groups: DemoQqSummary['groups'] = []
  for (const group of DEMO_QQ_GROUPS) {
    const skill = skillGroups.find((s) => s.name === group.skillGroupName)
    if (!skill) continue
    if (!existing.has(group.groupId)) {
      await config.addGroup({ selfId: DEMO_QQ_SELF_ID, groupId: group.groupId, name: group.name, skillGroupId: skill.id })
    }
    groups.push({ groupId: group.groupId, name: group.name, topic: group.topic, skillGroupId: skill.id })
  }
  return { selfId: DEMO_QQ_SELF_ID, accessToken: DEMO_QQ_TOKEN, groups }
}

/**
 * Demo customers who have a QQ number on file, so simulated members are recognised in the customer
 * panel (the rest of the simulated members are strangers).
 */
export async function demoQqMembers(db: Kysely<Database>, limit = 20): Promise<{ userId: string; name: string }[]> {
  const rows = await db
    .selectFrom('customer_contacts')
    .innerJoin('customers', 'customers.id', 'customer_contacts.customer_id')
    .select(['customer_contacts.normalized', 'customers.name'])
    .where('customer_contacts.kind', '=', 'qq')
    .orderBy('customer_contacts.normalized')
    .limit(limit)
    .execute()
  return rows.filter((r) => /^[1-9]\d{4,11}$/.test(r.normalized)).map((r) => ({ userId: r.normalized, name: r.name }))
}
