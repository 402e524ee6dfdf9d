/**
 * The demo's QQ customers: a OneBot v11 peer (as NapCat would be) connected to the central server's
 * reverse WebSocket, posting realistic Chinese group messages — broadband faults, bills, plan
 * changes — from several members of the demo groups at the rate the user picks. It answers every
 * send_group_msg with success, sometimes follows up after an agent's reply, and answers the
 * satisfaction survey with a digit. It reconnects when the server restarts.
 */
import { DEMO_QQ_GROUPS, DEMO_QQ_SELF_ID, DEMO_QQ_TOKEN, type DemoQqTopic } from '../channels/qq/demo-config'
import { createRandom, type Random } from '../seed/random'
import { OneBotPeer, at, face, text, type PeerAction, type PeerSegment } from './onebot-peer'

export interface QqSimulatorGroup {
  groupId: string
  name: string
  topic: DemoQqTopic
}

export interface QqSimulatorOptions {
  /** The central server, e.g. http://127.0.0.1:3800 */
  serverUrl: string
  /** New customer messages per minute, across all groups (follow-ups and survey answers come on top). */
  messagesPerMinute: number
  selfId?: string
  accessToken?: string
  groups?: readonly QqSimulatorGroup[]
  /** Members to speak as (QQ number and name), e.g. demo customers with a QQ number on file; more are made up. */
  members?: readonly { userId: string; name: string }[]
  seed?: number
  log?: (line: string) => void
}

export interface QqSimulator {
  /** Customer messages posted so far (survey answers included). */
  readonly posted: number
  /** Survey answers posted so far. */
  readonly rated: number
  readonly connected: boolean
  stop(): Promise<void>
}

const OPENERS: Readonly<Record<DemoQqTopic, readonly string[]>> = {
  broadband: [
    '家里宽带又断网了，光猫上 LOS 灯一直红色闪，麻烦看一下',
    '晚上八点以后网速特别慢，测速只有 30M，我办的是 300M 的',
    '报修两天了还没人上门，工单号 GD{n}，能催一下吗',
    'IPTV 开机一直显示“正在加载”，遥控器按什么都没反应',
    '路由器重启好几次了，WiFi 能连上但是打不开网页',
    '搬家了想把宽带移机到新地址，要多久能装好？',
    '光猫掉线很频繁，一天断三四次，打游戏根本没法玩',
  ],
  billing: [
    '这个月话费怎么多扣了 {m} 元？我没订过什么增值业务',
    '账单里有一项“流量包月费”，这是什么时候开通的？',
    '刚充值了 100 元，余额怎么还是欠费状态',
    '发票怎么开？要开公司抬头的增值税普通发票',
    '停机了，交完费多久能恢复通话？',
    '国际漫游费用太高了，出国前也没人提醒我',
    '话费账单能按月发到邮箱吗？',
  ],
  orders: [
    '我想把 {p} 元的套餐改成低一档的，下个月能生效吗',
    '副卡怎么办理？给家里老人用的',
    '千兆宽带升级要多少钱，需要换光猫吗',
    '携号转网需要满足什么条件？',
    '号码过户给家人需要带什么材料',
    '5G 套餐的定向流量包括哪些 App',
    '合约还有三个月到期，现在改套餐要交违约金吗',
  ],
}

const FOLLOW_UPS: readonly string[] = [
  '好的，谢谢',
  '还是不行啊，刚又试了一次',
  '大概什么时候能处理好？',
  '我的号码是 1{phone}，麻烦查一下',
  '收到，我晚上回家试试',
  '能不能再快一点，家里孩子要上网课',
  '明白了，辛苦了',
]

const NICKNAMES: readonly string[] = ['阳光总在风雨后', '老王', '小鱼儿', 'Tony', '风轻云淡', '奋斗的蜗牛', '静待花开', '大海', '木子李', '一叶知秋', '向日葵', '老张头']
const CARD_AREAS: readonly string[] = ['翠苑', '城西', '滨江', '湖滨', '下沙', '九堡', '良渚', '闲林']

interface Member {
  userId: string
  nickname: string
  card: string
  groups: QqSimulatorGroup[]
}

function fill(template: string, random: Random): string {
  return template
    .replace('{n}', String(random.int(20240000, 20249999)))
    .replace('{m}', String(random.int(12, 88)))
    .replace('{p}', random.pick(['129', '169', '199', '239']))
    .replace('{phone}', `${random.pick(['33', '53', '77', '80', '89'])}${String(random.int(0, 99_999_999)).padStart(8, '0')}`)
}

function makeMembers(random: Random, groups: readonly QqSimulatorGroup[], known: readonly { userId: string; name: string }[]): Member[] {
  const members: Member[] = []
  const taken = new Set<string>()
  for (const person of known) {
    if (taken.has(person.userId)) continue
    taken.add(person.userId)
    members.push({ userId: person.userId, nickname: person.name, card: `${person.name}-${random.pick(CARD_AREAS)}`, groups: random.sample([...groups], random.int(1, 2)) })
  }
  for (const group of groups) {
    for (let i = 0; i < 6; i++) {
      let userId: string
      do userId = String(random.int(100_000_000, 3_999_999_999))
      while (taken.has(userId))
      taken.add(userId)
      const nickname = random.pick(NICKNAMES)
      // Half of the members set a group card (名片), as groups of a service provider often ask.
      const card = random.chance(0.5) ? `${random.pick(CARD_AREAS)}-${nickname}` : ''
      members.push({ userId, nickname, card, groups: [group] })
    }
  }
  return members
}

export function runQqSimulator(options: QqSimulatorOptions): QqSimulator {
  const random = createRandom(options.seed ?? Date.now())
  const selfId = options.selfId ?? DEMO_QQ_SELF_ID
  const accessToken = options.accessToken ?? DEMO_QQ_TOKEN
  const groups = options.groups ?? DEMO_QQ_GROUPS
  const members = makeMembers(random, groups, options.members ?? [])
  const log = options.log ?? (() => undefined)
  const url = `${options.serverUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/onebot/v11/ws`
  const intervalMs = Math.max(50, 60_000 / Math.max(0.1, options.messagesPerMinute))
  const timers = new Set<NodeJS.Timeout>()
  let peer: OneBotPeer | null = null
  let stopped = false
  let posted = 0
  let rated = 0

  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!stopped) work()
    }, ms)
    timers.add(timer)
  }

  const post = (member: Member, group: QqSimulatorGroup, body: string) => {
    if (!peer?.isOpen) return
    const segments: PeerSegment[] = []
    if (random.chance(0.4)) segments.push(at(selfId))
    segments.push(text(random.chance(0.4) ? ` ${body}` : body))
    if (random.chance(0.15)) segments.push(face(random.pick([14, 21, 76, 178, 212])))
    void peer
      .postGroupMessage({ groupId: group.groupId, userId: member.userId, nickname: member.nickname, card: member.card, message: segments, encoding: random.chance(0.3) ? 'string' : 'array' })
      .then(() => {
        posted += 1
      })
      .catch(() => undefined)
  }

  const tick = () => {
    const member = random.pick(members)
    const group = random.pick(member.groups)
    post(member, group, fill(random.pick(OPENERS[group.topic]), random))
    later(intervalMs * (0.5 + random.next()), tick)
  }

  /** Replies to the member an agent answered: sometimes a follow-up, always a rating when asked. */
  const onAction = (action: PeerAction) => {
    if (action.action !== 'send_group_msg' || !Array.isArray(action.params['message'])) return
    const segments = action.params['message'] as PeerSegment[]
    const mentioned = segments.find((s) => s.type === 'at')?.data['qq']
    const member = members.find((m) => m.userId === mentioned)
    const group = groups.find((g) => String(g.groupId) === String(action.params['group_id']))
    if (!member || !group) return
    const said = segments.filter((s) => s.type === 'text').map((s) => s.data['text'] ?? '').join('')
    if (said.includes('1-5')) {
      later(random.int(2_000, 8_000), () => {
        rated += 1
        post(member, group, String(random.weighted([[5, 6], [4, 3], [3, 1]] as const)))
      })
    } else if (random.chance(0.35)) {
      later(random.int(3_000, 15_000), () => post(member, group, fill(random.pick(FOLLOW_UPS), random)))
    }
  }

  const connect = () => {
    if (stopped) return
    OneBotPeer.connect({
      url,
      selfId,
      accessToken,
      role: 'Universal',
      answer: (action, p) => {
        onAction(action)
        return action.action === 'send_group_msg' ? { retcode: 0, data: { message_id: p.nextMessageId() } } : { retcode: 1404, status: 'failed', wording: '模拟器不支持该 API' }
      },
    })
      .then((connected) => {
        if (stopped) {
          void connected.close()
          return
        }
        peer = connected
        log(`QQ simulator connected as ${selfId} to ${url}`)
        void connected.postLifecycle('connect').catch(() => undefined)
        void connected.closed.then(() => {
          peer = null
          if (!stopped) later(2_000, connect)
        })
      })
      .catch((err: unknown) => {
        log(`QQ simulator could not connect (${err instanceof Error ? err.message : String(err)}); retrying`)
        later(2_000, connect)
      })
  }

  connect()
  later(random.int(200, 1_000), tick)

  return {
    get posted() {
      return posted
    },
    get rated() {
      return rated
    },
    get connected() {
      return peer?.isOpen ?? false
    },
    async stop() {
      stopped = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await peer?.close()
      peer = null
    },
  }
}
