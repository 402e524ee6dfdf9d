/**
 * The renderer bench's centre: one agent whose desktop holds 10,000 conversations (web chat, QQ
 * group threads and email, every tier) and one conversation of 500 messages. Conversations and
 * messages get change-log rows for the scopes the server's own conversationScopes gives them (what
 * ChangeSet writes), so sync carries them to the agent exactly as if the inbox had filed and routed
 * them; the agent's desktop then syncs them down.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tierPriority } from '../../src/shared/domain/conversations'
import { hashPassword } from '../../src/server/auth/passwords'
import { openDatabase } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import type { ConversationsTable, MessagesTable } from '../../src/server/db/schema'
import { conversationScopes } from '../../src/server/inbox/conversation-scopes'
import type { InboundMessage } from '../../src/server/inbox/channel-port'
import { randomPersonName } from '../../src/server/seed/chinese-names'
import { createRandom, type Random } from '../../src/server/seed/random'
import { onCleanup } from './cleanup'

export const RENDER_AGENT = { id: 'a-render', username: 'renderdesk', name: '李静' }
export const RENDER_PASSWORD = 'render-bench-pass-1'
export const RENDER_SKILL = 'sg-render'
const QQ_SELF = '2854196311'
const QQ_GROUPS = [
  { id: '734560101', name: '宽带用户交流群' },
  { id: '734560102', name: '话费答疑群' },
  { id: '734560103', name: '套餐咨询群' },
  { id: '734560104', name: '手机售后群' },
]
const MAILBOX = 'mb-kefu'

const QUESTIONS = [
  '你好，我这个月的话费怎么多扣了{n}元？我没有订过增值业务',
  '请问怎么开电子发票？需要公司抬头的',
  '我刚充了100元，为什么还显示欠费停机？',
  '账单里有一项“视频会员包”，我不记得开通过，能帮我查一下吗',
  '家里宽带从昨晚开始就上不了网，光猫LOS灯红色闪烁',
  '晚上网速特别慢，测速只有{n}M，我办的是500M的宽带',
  '我想把套餐从129元改成79元的，现在能办吗？',
  '国际漫游去日本要怎么开通？流量包多少钱一天',
  '手机换了新的之后收不到验证码短信',
  '营业厅预约了明天上午十点，能改到下午吗',
  '师傅说今天上门修宽带，到现在还没来，也打不通电话',
  '我要投诉，上次反映的问题一个星期了还没人处理',
  '副卡怎么办理？可以共享主卡的流量吗',
  '携号转网需要满足什么条件？',
  '5G套餐的流量用完了会自动限速吗',
]
const FOLLOW_UPS = [
  '好的，那大概什么时候能处理好？',
  '我的手机号是1{phone}，麻烦帮我查一下',
  '还是不行，我刚按您说的又试了一次',
  '需要我提供身份证号吗？',
  '能不能快一点，家里孩子要上网课',
  '那这个费用能退回来吗？',
  '好的，谢谢！',
  '请问有人在吗？',
  '收到，非常感谢',
]
const ANSWERS = [
  '您好，我是客服李静，很高兴为您服务，请问有什么可以帮您？',
  '好的，正在为您查询，请稍候片刻。',
  '您本月的账单包括套餐月租、超出套餐的流量和通话费用，详细清单可在营业厅App“账单查询”中查看。',
  '请先将光猫和路由器断电，等待30秒后重新通电，约2分钟后再试一下网络。',
  '已为您登记报修，维修师傅会在24小时内与您电话联系预约上门时间。',
  '套餐变更次月生效，当月仍按原套餐计费。您确认办理吗？',
  '非常抱歉给您带来不便，我们会尽快为您处理。',
]
const EMAIL_SUBJECTS = ['关于本月话费账单的疑问', '申请开具增值税专用发票', '宽带报修进度查询', '投诉：营业厅服务态度问题', '企业专线续约咨询', '退费申请']
const TIERS: readonly (readonly [string | null, number])[] = [
  [null, 40],
  ['基础', 20],
  ['银', 15],
  ['金', 10],
  ['钻', 4],
  ['3A', 5],
  ['2A', 4],
  ['1A', 2],
]

function fill(random: Random, template: string): string {
  return template.replace('{n}', String(random.int(10, 90))).replace('{phone}', String(random.int(3_000_000_000, 9_999_999_999)))
}

/** What a customer's next message in an existing conversation looks like to `Inbox.receive`. */
export type UpdateTarget = Omit<InboundMessage, 'text' | 'externalId'>

export interface RendererCentre {
  dbFile: string
  /** Open conversations of the bench agent: where the 50 updates a second go. */
  targets: UpdateTarget[]
  big: { id: string; messages: number; lastMessageId: string }
  small: { id: string; messages: number; lastMessageId: string }
  conversations: number
}

export interface RendererSeedOptions {
  conversations: number
  bigMessages: number
  smallMessages: number
  /** Share of the conversations waiting in the agent's skill queue (the rest are the agent's, open). */
  queuedShare: number
}

type ConversationRow = ConversationsTable

function conversationRow(random: Random, now: number, i: number, status: 'open' | 'queued', force: { tier?: string; channel?: ConversationRow['channel'] } = {}): ConversationRow {
  const channel = force.channel ?? random.weighted([
    ['chat', 60],
    ['qq', 25],
    ['email', 15],
  ] as const)
  const person = randomPersonName(random)
  const tier = force.tier ?? random.weighted(TIERS)
  const id = randomUUID()
  let identity: Pick<ConversationRow, 'identity_kind' | 'identity_value' | 'identity_name' | 'thread_key' | 'subject' | 'meta'>
  if (channel === 'chat') {
    const visitor = randomUUID()
    const name = `${person.full.slice(0, 1)}${person.gender === 'male' ? '先生' : '女士'}`
    identity = { identity_kind: 'visitor', identity_value: visitor, identity_name: name, thread_key: `visitor:${visitor}`, subject: '在线客服', meta: JSON.stringify({ pageUrl: 'https://www.example.com.cn/bill/detail' }) }
  } else if (channel === 'qq') {
    const group = random.pick(QQ_GROUPS)
    const qq = String(random.int(100_000_000, 2_999_999_999))
    identity = {
      identity_kind: 'qq',
      identity_value: qq,
      identity_name: person.full,
      thread_key: `${QQ_SELF}:${group.id}:${qq}`,
      subject: group.name,
      meta: JSON.stringify({ groupId: group.id, groupName: group.name }),
    }
  } else {
    const address = `${person.surnamePinyin}.${person.givenPinyin}${random.int(1, 999)}@example.cn`
    identity = {
      identity_kind: 'email',
      identity_value: address,
      identity_name: person.full,
      thread_key: `${MAILBOX}:<${randomUUID()}@example.cn>`,
      subject: random.pick(EMAIL_SUBJECTS),
      meta: JSON.stringify({ mailbox: 'kefu@example.com.cn' }),
    }
  }
  const created = now - random.int(10 * 60_000, 6 * 3600_000)
  const last = created + random.int(0, now - created)
  const responded = status === 'open' && random.chance(0.6)
  return {
    id,
    channel,
    status,
    ...identity,
    customer_id: null,
    tier,
    priority: tierPriority(tier),
    skill_group_id: RENDER_SKILL,
    assigned_agent_id: status === 'open' ? RENDER_AGENT.id : null,
    offer_expires_at: null,
    created_at: created,
    queued_at: created,
    last_message_at: last,
    last_message_preview: fill(random, random.pick(i % 3 === 0 ? FOLLOW_UPS : QUESTIONS)),
    unread: random.chance(0.3) ? random.int(1, 5) : 0,
    // Due well after the bench ends: no SLA alarm fires while it runs.
    first_response_due_at: now + random.int(40, 240) * 60_000,
    first_responded_at: responded ? last : null,
    resolution_due_at: now + random.int(4, 24) * 3600_000,
    sla_alarmed: '',
    snoozed_until: null,
    resolved_at: null,
    disposition: null,
    rating: null,
    version: 1,
    updated_at: now,
  }
}

function messageRows(random: Random, conversation: ConversationRow, count: number): MessagesTable[] {
  const rows: MessagesTable[] = []
  let at = conversation.created_at
  for (let i = 0; i < count; i++) {
    at += random.int(5_000, 40_000)
    const inbound = i % 2 === 0
    rows.push({
      id: randomUUID(),
      conversation_id: conversation.id,
      direction: inbound ? 'in' : 'out',
      author_name: inbound ? conversation.identity_name : RENDER_AGENT.name,
      agent_id: inbound ? null : RENDER_AGENT.id,
      text: fill(random, inbound ? random.pick(i === 0 ? QUESTIONS : FOLLOW_UPS) : random.pick(ANSWERS)),
      html: null,
      attachments: '[]',
      reply_to_id: null,
      external_id: inbound ? `bench-${conversation.id}-${i}` : null,
      delivery: inbound ? null : 'sent',
      delivery_error: null,
      recalled: 0,
      created_at: at,
    })
  }
  return rows
}

/** Conversations written per transaction (and per ChangeSet flush). */
const CHUNK = 500

export async function seedRendererCentre(options: RendererSeedOptions): Promise<RendererCentre> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-render-'))
  onCleanup(`temp dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }))
  const dbFile = join(dir, 'server.sqlite')
  const db = openDatabase(dbFile)
  const random = createRandom(4_0004)
  const now = Date.now()
  const targets: UpdateTarget[] = []
  try {
    await migrateToLatest(db)
    await db.insertInto('teams').values({ id: 'rt1', name: '渲染压测组', created_at: now }).execute()
    await db.insertInto('skill_groups').values({ id: RENDER_SKILL, name: '话费查询', description: '' }).execute()
    await db
      .insertInto('agents')
      .values({
        id: RENDER_AGENT.id,
        username: RENDER_AGENT.username,
        display_name: RENDER_AGENT.name,
        role: 'agent',
        team_id: 'rt1',
        password_hash: await hashPassword(RENDER_PASSWORD),
        chat_capacity: 5,
        email_capacity: 2,
        disabled: 0,
        created_at: now,
      })
      .execute()
    await db.insertInto('agent_skills').values({ agent_id: RENDER_AGENT.id, skill_group_id: RENDER_SKILL, level: 1 }).execute()

    // The two conversations that get opened: 钻 tier and due first, so they stay the top rows.
    const big = { ...conversationRow(random, now, 0, 'open', { tier: '钻', channel: 'chat' }), unread: 0 }
    const small = { ...conversationRow(random, now, 1, 'open', { tier: '钻', channel: 'chat' }), unread: 0 }
    big.first_response_due_at = now + 30 * 60_000
    small.first_response_due_at = now + 31 * 60_000
    big.first_responded_at = null
    small.first_responded_at = null
    const bigMessages = messageRows(random, big, options.bigMessages)
    const smallMessages = messageRows(random, small, options.smallMessages)
    big.last_message_at = bigMessages.at(-1)?.created_at ?? big.last_message_at
    small.last_message_at = smallMessages.at(-1)?.created_at ?? small.last_message_at

    const rows: ConversationRow[] = [big, small]
    for (let i = 2; i < options.conversations; i++) rows.push(conversationRow(random, now, i, random.chance(options.queuedShare) ? 'queued' : 'open'))
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK)
      const messages = i === 0 ? [...bigMessages, ...smallMessages] : []
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('conversations').values(chunk).execute()
        for (let m = 0; m < messages.length; m += 100) await trx.insertInto('messages').values(messages.slice(m, m + 100)).execute()
        // What ChangeSet.flush writes (one change row per scope of the conversation), in bulk:
        // flushing 10,000 records one insert at a time took seconds.
        const scopesOf = new Map(chunk.map((row) => [row.id, conversationScopes(row)]))
        const changes = [
          ...chunk.flatMap((row) => scopesOf.get(row.id)!.map((scope) => ({ entity: 'conversation' as const, entity_id: row.id, deleted: 0, at: now, scope }))),
          ...messages.flatMap((m) => scopesOf.get(m.conversation_id)!.map((scope) => ({ entity: 'message' as const, entity_id: m.id, deleted: 0, at: now, scope }))),
        ]
        for (let c = 0; c < changes.length; c += 500) await trx.insertInto('changes').values(changes.slice(c, c + 500)).execute()
      })
    }
    for (const row of rows) {
      if (row.status !== 'open' || row === big || row === small) continue
      targets.push({
        channel: row.channel,
        threadKey: row.thread_key,
        identity: { kind: row.identity_kind, value: row.identity_value, displayName: row.identity_name },
        subject: row.subject,
        skillGroupId: row.skill_group_id,
      })
    }
    return {
      dbFile,
      targets,
      conversations: rows.length,
      big: { id: big.id, messages: bigMessages.length, lastMessageId: bigMessages.at(-1)!.id },
      small: { id: small.id, messages: smallMessages.length, lastMessageId: smallMessages.at(-1)!.id },
    }
  } finally {
    await db.destroy()
  }
}

/** A customer's follow-up for an update: realistic text, a fresh channel id. */
export function followUpText(random: Random): string {
  return fill(random, random.pick(FOLLOW_UPS))
}
