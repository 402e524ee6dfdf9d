import type { KbTopLevelKey, Topic } from './kb-types'
import type { Random } from './random'
import { escapeHtml } from '../sync/kb-html'

/** What the body needs besides the topic: who maintains it and when it last changed. */
export interface ComposeContext {
  topLevel: KbTopLevelKey
  updatedAt: number
  version: number
}

const OWNERS: Record<KbTopLevelKey, string> = {
  billing: '计费支撑组',
  network: '网络运维支撑组',
  orders: '业务支撑组',
  complaints: '投诉管理组',
  rules: '中心综合管理组',
}

const CHANNEL_NAMES = ['热线电话', '在线客服', 'QQ群', '邮件']

const AUDIENCES = [
  '个人及家庭客户适用，政企客户另有约定的从其约定',
  '各客户等级均适用，钻卡、金卡客户按VIP时限处理',
  '新老客户均适用',
]

/** Reminders that hold across topics; one or two are appended so bodies do not all read alike. */
const COMMON_NOTES = [
  '客户对处理结果不满意的，按首问负责制跟进，不得推诿。',
  '系统查询结果与客户描述不一致时，如实向客户说明，并登记工单核查，不得随意承诺。',
  '涉及费用减免、赔偿的，座席不得当场承诺，须按审批流程办理。',
  '网络中断时可先在工作台离线记录客户诉求，恢复后系统自动提交工单。',
  '钻卡、金卡客户及4A、5A政企客户优先处理，处理时限按VIP标准执行。',
  '解答过程中如发现本文内容与最新政策不符，请提交知识纠错。',
]

const OPENINGS = [
  '“您好，很高兴为您服务，请问有什么可以帮您？”',
  '“您好，客服中心，工号{id}为您服务，请问有什么可以帮您？”',
  '“您好，感谢您的耐心等待，请问有什么可以帮您？”',
]

const CLOSINGS = [
  '“请问还有其他可以帮您的吗？感谢您的来电，祝您生活愉快，再见！”',
  '“给您添麻烦了，问题处理结果会以短信通知您。感谢您的理解，再见！”',
  '“稍后可能会邀请您对本次服务进行评价，感谢您的支持，再见！”',
]

/**
 * The body as restricted HTML (see sync/kb-html.ts): a heading per section, steps as an ordered
 * list, reminders as a bulleted one. Blocks are separated by a blank line so the source stays
 * readable. All text is escaped here; the caller still runs the result through the sanitiser.
 */
export function composeBody(random: Random, topic: Topic, context: ComposeContext): string {
  const sections = topic.shape === 'faq' ? faqSections(random, topic) : topic.shape === 'script' ? scriptSections(random, topic) : guideSections(random, topic)
  return [...sections, footer(context)].join('\n\n')
}

function subjectOf(topic: Topic): string {
  return topic.subject ?? topic.title
}

/** 【…】 headings are how the centre's documents title their sections. */
function heading(text: string): string {
  return `<h4>【${escapeHtml(text)}】</h4>`
}

function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>`
}

function numbered(lines: readonly string[]): string {
  return `<ol>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ol>`
}

function bulleted(lines: readonly string[]): string {
  return `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
}

function section(title: string, body: string): string {
  return `${heading(title)}\n${body}`
}

function notesWithCommon(random: Random, topic: Topic): string[] {
  return [...topic.notes, ...random.sample(COMMON_NOTES, random.int(1, 2))]
}

function guideSections(random: Random, topic: Topic): string[] {
  const channels = random.sample(CHANNEL_NAMES, random.int(2, 4)).join('、')
  return [
    section('适用范围', paragraph(`本文适用于${channels}渠道受理的“${subjectOf(topic)}”相关咨询与办理，${random.pick(AUDIENCES)}。`)),
    section('业务说明', paragraph(topic.explain)),
    section('处理步骤', numbered(topic.steps)),
    section('注意事项', bulleted(notesWithCommon(random, topic))),
  ]
}

function faqSections(random: Random, topic: Topic): string[] {
  const subject = subjectOf(topic)
  const pairs = topic.faq ?? [
    [`${subject}怎么办理？`, topic.steps.join('')],
    [`${subject}有哪些注意事项？`, topic.notes.join('')],
  ]
  return [
    section('概述', paragraph(`${topic.explain}客户就“${subject}”咨询时，参考以下标准答复；涉及账户信息的，先核实客户身份。`)),
    ...pairs.map(([question, answer], i) => `<p><strong>问${i + 1}：${escapeHtml(question)}</strong><br>答：${escapeHtml(answer)}</p>`),
    section('温馨提示', bulleted(random.sample(COMMON_NOTES, random.int(1, 2)))),
  ]
}

function scriptSections(random: Random, topic: Topic): string[] {
  const opening = random.pick(OPENINGS).replace('{id}', String(random.int(1001, 1099)))
  return [
    section('适用场景', paragraph(`客户咨询或反映“${subjectOf(topic)}”时使用。${topic.explain}`)),
    section('开场', paragraph(opening)),
    section('核实身份', paragraph('“为了保障您的账户安全，需要先和您核实一下机主信息，请问您的服务密码是？”（也可核对证件号码后六位）')),
    section('处理要点', numbered(topic.steps)),
    section('注意', bulleted(notesWithCommon(random, topic))),
    section('结束语', paragraph(random.pick(CLOSINGS))),
  ]
}

/** Dates in China time, as the centre reads them. */
function footer(context: ComposeContext): string {
  const date = new Date(context.updatedAt + 8 * 3_600_000)
  return `<p><em>（本文由${OWNERS[context.topLevel]}维护，${date.getUTCFullYear()}年${date.getUTCMonth() + 1}月更新，当前为第${context.version}版。）</em></p>`
}

/**
 * Regulations are written as numbered clauses (第一条 …, 一、…): each becomes a paragraph with
 * its number in bold; a short clause-number line on its own (一、规范用语) is a heading.
 */
export function regulationHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => {
      if (/^[一二三四五六七八九十]+、[^，。；：]{1,20}$/.test(block) || /^[一二三四五六七八九十]+、.{1,20}（.*）$/.test(block)) return `<h4>${escapeHtml(block)}</h4>`
      const clause = /^(第[一二三四五六七八九十]+条|[一二三四五六七八九十]+、)\s*/.exec(block)
      const lines = (clause ? block.slice(clause[0].length) : block).split('\n').map(escapeHtml).join('<br>')
      return clause ? `<p><strong>${escapeHtml(clause[1] ?? '')}</strong>${clause[1]?.endsWith('、') ? '' : ' '}${lines}</p>` : `<p>${lines}</p>`
    })
    .join('\n\n')
}
