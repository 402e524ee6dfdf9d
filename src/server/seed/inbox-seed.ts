import type { Transaction } from 'kysely'
import type { Database } from '../db/schema'
import { recordChanges } from '../sync/change-log'
import type { DemoDataset } from './dataset'
import type { SkillKey } from './organisation'

/**
 * What agents answer with in the demo: canned responses (快捷回复) per skill group and for all,
 * and dedicated agents (VIP受理专席) for the top-tier customers.
 */
const CANNED: readonly { shortcut: string; title: string; text: string; skill: SkillKey | null }[] = [
  { shortcut: 'hi', title: '问候', text: '您好{{customer.name}}，我是客服{{agent.name}}，很高兴为您服务，请问有什么可以帮您？', skill: null },
  { shortcut: 'wait', title: '请稍候', text: '好的，正在为您查询，请稍候片刻。', skill: null },
  { shortcut: 'more', title: '还有其他问题吗', text: '请问还有其他可以帮您的吗？', skill: null },
  { shortcut: 'bye', title: '结束语', text: '感谢您的耐心，祝您生活愉快！如有问题欢迎随时联系我们。', skill: null },
  { shortcut: 'sorry', title: '致歉', text: '非常抱歉给您带来不便，我们会尽快为您处理。', skill: null },
  { shortcut: 'bill', title: '账单说明', text: '您本月的账单包括套餐月租、超出套餐的流量和通话费用，详细清单可在营业厅App“账单查询”中查看。', skill: 'billing' },
  { shortcut: 'refund', title: '退费流程', text: '退费申请受理后，款项将在3-5个工作日内原路退回，请留意到账短信。', skill: 'billing' },
  { shortcut: 'restart', title: '重启光猫', text: '请先将光猫和路由器断电，等待30秒后重新通电，约2分钟后再试一下网络。', skill: 'broadband' },
  { shortcut: 'repair', title: '预约上门', text: '已为您登记报修，维修师傅会在24小时内与您电话联系预约上门时间。', skill: 'broadband' },
  { shortcut: 'plan', title: '套餐变更', text: '套餐变更次月生效，当月仍按原套餐计费。您确认办理吗？', skill: 'orders' },
  { shortcut: 'complaint', title: '投诉受理', text: '您的投诉已受理，工单号将以短信发送给您，我们会在48小时内回复处理结果。', skill: 'complaints' },
]

/** How many of the top-tier customers get a dedicated agent. */
const DEDICATED_CUSTOMERS = 8

export async function insertInboxSeed(trx: Transaction<Database>, dataset: DemoDataset, at: number): Promise<void> {
  const skillIds = new Map(dataset.organisation.skillGroups.map((g) => [g.key, g.id]))
  const rows = CANNED.map((c, i) => ({
    id: `canned-${String(i + 1).padStart(2, '0')}`,
    shortcut: c.shortcut,
    title: c.title,
    text: c.text,
    skill_group_id: c.skill ? (skillIds.get(c.skill) ?? null) : null,
    active: 1,
  }))
  await trx.insertInto('canned_responses').values(rows).execute()
  await recordChanges(trx, 'canned_response', rows.map((r) => r.id), at)

  const agents = dataset.organisation.staff.filter((s) => s.role === 'agent')
  const vips = dataset.customers.customers.filter((c) => c.tier === '钻' || c.tier === '1A').slice(0, DEDICATED_CUSTOMERS)
  for (const [i, customer] of vips.entries()) {
    const agent = agents[i % Math.max(1, Math.min(agents.length, 3))]
    if (!agent) break
    await trx.updateTable('customers').set({ dedicated_agent_id: agent.id }).where('id', '=', customer.id).execute()
  }
}
