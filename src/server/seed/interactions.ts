import type { InteractionsTable, NewCustomer } from '../db/schema'
import type { Random } from './random'

/**
 * Each customer's recent history across channels (3–8 contacts over the last 90 days), written
 * the way agents summarise a contact in the record: what the customer wanted, what was done.
 */
export const HISTORY_DAYS = 90
const MIN_PER_CUSTOMER = 3
const MAX_PER_CUSTOMER = 8
const DAY = 86_400_000

type Channel = InteractionsTable['channel']
type Direction = InteractionsTable['direction']

/** Placeholders filled per summary, so the same template reads differently from customer to customer. */
interface Fill {
  amount: string
  month: string
  ticket: string
  hours: string
  plan: string
  service: string
  speed: string
}

type Template = (f: Fill) => string

const PLANS = ['畅享129元套餐', '融合199元套餐', '5G畅爽99元套餐', '宽带融合169元套餐', '大流量59元套餐', '校园39元套餐']
const SERVICES = ['视频彩铃', '音乐会员', '云盘会员', '国际漫游包', '流量加油包', '来电提醒', '家庭云']
const SPEEDS = ['300M', '500M', '1000M', 'FTTR千兆']

const PERSON: Record<string, readonly Template[]> = {
  'phone:in': [
    (f) => `客户来电反映${f.month}话费比平时高${f.amount}元，核实身份后逐项解释账单，主要为套餐外流量费用，客户表示认可。`,
    (f) => `客户来电报修宽带无法上网，远程排查光猫LOS灯红色，已派单装维上门，工单号${f.ticket}，承诺${f.hours}小时内上门。`,
    (f) => `客户来电咨询办理${f.plan}，已介绍资费与合约期，客户表示考虑后再办理。`,
    (f) => `客户来电要求退订${f.service}，核实为短信订购且有二次确认记录，已协助退订，下月起不再扣费。`,
    () => `客户来电查询缴费未到账，核实为银行代扣延迟，已告知一般2小时内到账，客户认可。`,
    (f) => `客户来电反映家中Wi-Fi信号差，建议调整路由器位置并介绍${f.speed}组网方案，客户表示考虑。`,
    (f) => `客户来电咨询携号转网条件，已说明合约期内需先解约，做维系挽留，赠送${f.service}三个月，客户暂不转网。`,
    (f) => `客户来电投诉营业厅办理业务等候时间长，已致歉并登记投诉工单${f.ticket}，转投诉处理组跟进。`,
  ],
  'phone:out': [
    (f) => `回访工单${f.ticket}：宽带已修复，客户对处理结果满意，满意度评价“非常满意”。`,
    (f) => `外呼回访投诉处理结果，已为客户减免${f.amount}元，客户表示满意。`,
    (f) => `外呼告知客户合约将于${f.month}到期，介绍续约优惠${f.plan}，客户同意续约。`,
    (f) => `回访装机情况：${f.speed}宽带已开通，测速正常，客户满意。`,
  ],
  'chat:in': [
    (f) => `在线咨询流量包订购方法，已发送手机营业厅办理路径，客户自行订购${f.service}成功。`,
    (f) => `在线反映${f.month}账单有一笔${f.amount}元代收费不清楚，核实为应用商店扣费，已告知查询与申诉渠道。`,
    () => `在线咨询电子发票开具，已指导在手机营业厅按账单开票，客户已收到发票。`,
    (f) => `在线询问${f.plan}的流量是否可以结转，已解释当月剩余通用流量可结转至次月。`,
    () => '在线咨询国际漫游开通方式，已告知出行前开通并推荐对应国家的漫游包。',
    (f) => `在线反映手机无信号，引导重启并检查SIM卡，问题未解决，已登记网络工单${f.ticket}。`,
  ],
  'qq:in': [
    () => '在QQ群咨询宽带续费方式，已私聊告知可在手机营业厅或营业厅续费，并提醒不要在群内发送账户信息。',
    (f) => `在QQ群反映小区宽带晚间网速慢，已记录地址并提交网络质量工单${f.ticket}。`,
    (f) => `在QQ群询问${f.service}如何退订，已私聊指导退订步骤。`,
    () => '在QQ群咨询副卡办理条件，已说明需主卡机主本人到营业厅办理。',
  ],
  'email:in': [
    (f) => `来信要求提供${f.month}通话详单，已核实身份并按流程通过加密邮件发送。`,
    (f) => `来信对${f.amount}元调账结果提出异议，已转计费支撑组复核，工单号${f.ticket}。`,
    () => '来信咨询停机保号办理条件，已回复所需材料与资费标准。',
  ],
  'email:out': [
    (f) => `邮件回复客户详单调取申请，附${f.month}详单，提醒客户注意信息安全。`,
    (f) => `邮件告知投诉工单${f.ticket}处理结果及减免金额${f.amount}元。`,
  ],
  'note:internal': [
    () => '客户偏好短信联系，工作时间尽量不要外呼。',
    (f) => `客户情绪激动，已安抚；如再次来电反映同一问题，请优先查看工单${f.ticket}进度。`,
    () => '客户为老年用户，解释业务时请放慢语速，必要时短信补充说明。',
    (f) => `客户有携号转网意向，已赠送${f.service}做维系，下次来电可继续跟进。`,
    () => '客户反映多次重复来电未解决，已报班长关注。',
  ],
}

const ENTERPRISE: Record<string, readonly Template[]> = {
  'phone:in': [
    (f) => `企业联系人来电报障：专线中断，已核实链路告警，派单政企装维，工单号${f.ticket}，承诺${f.hours}小时内恢复。`,
    (f) => `企业联系人来电咨询集团V网新增成员，已说明需提交加盖公章的申请表，预计${f.hours}小时内生效。`,
    (f) => `企业联系人来电核对${f.month}账单，对IDC托管费用有疑问，已转客户经理跟进。`,
    () => '企业联系人来电咨询400号码改号，已告知办理流程及所需材料。',
    (f) => `企业联系人来电反映企业宽带晚高峰卡顿，远程测速正常，建议升级至${f.speed}并登记回访。`,
  ],
  'phone:out': [
    (f) => `回访专线故障工单${f.ticket}：业务已恢复，联系人满意。`,
    (f) => `外呼通知${f.month}进行网络割接，预计中断30分钟，联系人已知悉。`,
  ],
  'chat:in': [
    () => '在线咨询物联网卡批量停机流程，已发送申请模板。',
    (f) => `在线申请开具增值税专用发票（${f.month}），已核对税号与开票信息并提交。`,
  ],
  'qq:in': [() => '在企业服务QQ群咨询云电脑扩容，已转客户经理对接。'],
  'email:in': [
    (f) => `来函申请专线带宽临时扩容至${f.speed}，已转政企支撑组评估，工单号${f.ticket}。`,
    (f) => `来函对${f.month}账单有异议，涉及金额${f.amount}元，已转计费支撑组复核。`,
  ],
  'email:out': [(f) => `邮件回复专线故障报告（工单${f.ticket}），说明故障原因与整改措施。`],
  'note:internal': [
    () => '重要保障客户，故障须2小时内上报值长。',
    () => '联系人更换，新联系人信息已在备注中更新，来电请核实身份。',
    (f) => `客户经理要求：涉及费用减免的问题统一转客户经理处理（工单${f.ticket}）。`,
  ],
}

const CHANNEL_WEIGHTS: readonly (readonly [`${Channel}:${Direction}`, number])[] = [
  ['phone:in', 38],
  ['phone:out', 10],
  ['chat:in', 20],
  ['qq:in', 7],
  ['email:in', 8],
  ['email:out', 5],
  ['note:internal', 12],
]

export function buildInteractions(random: Random, ids: Random, customers: readonly NewCustomer[], agentIds: readonly string[], now: number): InteractionsTable[] {
  if (agentIds.length === 0) return []
  const interactions: InteractionsTable[] = []
  for (const customer of customers) {
    const templates = customer.kind === 'enterprise' ? ENTERPRISE : PERSON
    // A customer usually deals with a few agents, not the whole centre.
    const regulars = random.sample(agentIds, 3)
    const count = random.int(MIN_PER_CUSTOMER, MAX_PER_CUSTOMER)
    const times = Array.from({ length: count }, () => now - random.int(0, HISTORY_DAYS * DAY - 1)).sort((a, b) => a - b)
    for (const at of times) {
      const key = random.weighted(CHANNEL_WEIGHTS)
      const [channel, direction] = key.split(':') as [Channel, Direction]
      const template = random.pick(templates[key] ?? PERSON[key] ?? [])
      interactions.push({
        id: ids.uuid(),
        customer_id: customer.id,
        channel,
        direction,
        summary: template(fill(random, at)),
        agent_id: random.chance(0.8) ? random.pick(regulars) : random.pick(agentIds),
        at,
      })
    }
  }
  return interactions
}

function fill(random: Random, at: number): Fill {
  // The month talked about is the one before the contact, in China time.
  const month = new Date(at + 8 * 3_600_000 - 20 * DAY).getUTCMonth() + 1
  return {
    amount: (random.int(500, 30_000) / 100).toFixed(2),
    month: `${month}月`,
    ticket: `GD${new Date(at).toISOString().slice(0, 10).replace(/-/g, '')}${String(random.int(0, 99_999)).padStart(5, '0')}`,
    hours: String(random.pick([4, 12, 24, 48])),
    plan: random.pick(PLANS),
    service: random.pick(SERVICES),
    speed: random.pick(SPEEDS),
  }
}
