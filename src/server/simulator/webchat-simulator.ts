/**
 * The demo's web-chat customers: headless visitors on the chat page's /visitor socket.io namespace,
 * asking realistic Chinese questions (bills, broadband, plans, orders) at the rate the user picks.
 * A visitor answers an agent's reply now and then, thanks them, rates the service when asked, and
 * leaves; a new visitor takes their place. When no agent is available some leave a message. The
 * sockets reconnect by themselves when the server restarts.
 */
import { io, type Socket } from 'socket.io-client'
import type { Result } from '../../shared/errors'
import {
  VISITOR_NAMESPACE,
  type VisitorMessage,
  type VisitorSession,
  type VisitorStatus,
} from '../../shared/protocol/visitor-socket'
import { createRandom, type Random } from '../seed/random'

export interface WebchatSimulatorOptions {
  /** The central server, e.g. http://127.0.0.1:3800 */
  serverUrl: string
  /** Visitors on the site at once. */
  visitors: number
  /** New questions per minute across all visitors (follow-ups, thanks and ratings come on top). */
  messagesPerMinute: number
  /** The chat widget's site key (default: the demo site). */
  site?: string
  /** Demo customers to come as now and then (their phone is on file, so agents see who they are). */
  customers?: readonly { name: string; phone: string }[]
  /** How long a visitor takes to answer, in ms (min, max). */
  thinkTimeMs?: readonly [number, number]
  seed?: number
  log?: (line: string) => void
}

export interface WebchatSimulator {
  /** Messages the visitors have had stored so far (questions, follow-ups, left messages). */
  readonly sent: number
  readonly rated: number
  /** Visitors connected right now. */
  readonly online: number
  stop(): Promise<void>
}

const QUESTIONS: readonly string[] = [
  '你好，我这个月的话费怎么多扣了{m}元？我没有订过增值业务',
  '请问怎么开电子发票？需要公司抬头的',
  '我刚充了100元，为什么还显示欠费停机？',
  '账单里有一项“视频会员包”，我不记得开通过，能帮我查一下吗',
  '家里宽带从昨晚开始就上不了网，光猫LOS灯红色闪烁',
  '晚上网速特别慢，测速只有{s}M，我办的是500M的宽带',
  '宽带报修两天了还没人上门，工单号GD{n}',
  '我想把套餐从{p}元改成便宜一点的，下个月能生效吗？',
  '千兆宽带升级要多少钱？需要换光猫吗',
  '携号转网需要满足什么条件？',
  '副卡怎么办理？想给家里老人用',
  '我在网上营业厅下的订单{n}，显示已发货三天了还没收到',
  '新买的手机卡怎么激活？一直显示无服务',
  '国际漫游怎么开通？下周去日本出差',
  '合约机还有三个月到期，现在换套餐要交违约金吗',
  '积分可以兑换话费吗？怎么兑换',
]

const FOLLOW_UPS: readonly string[] = [
  '好的，那大概什么时候能处理好？',
  '我的手机号是1{phone}，麻烦帮我查一下',
  '还是不行，我刚按您说的又试了一次',
  '需要我提供身份证号吗？',
  '能不能快一点，家里孩子要上网课',
  '那这个费用能退回来吗？',
  '明白了，我晚上回家试试',
]

const THANKS: readonly string[] = ['好的，谢谢！', '明白了，辛苦了🙏', '收到，非常感谢', '好的，问题解决了，谢谢您', '👍 谢谢']
const ANYONE_THERE: readonly string[] = ['请问有人在吗？', '你好？还在排队吗', '等了好久了，麻烦快一点']
const COMMENTS: readonly string[] = ['客服很耐心', '回复很快，点赞', '问题解决了', '还行吧，就是等得有点久', '']
const NAMES: readonly string[] = ['王先生', '李女士', '张先生', '刘女士', '陈先生', '杨女士', '赵先生', '黄女士', '周先生', '吴女士']
const PAGES: readonly string[] = [
  'https://www.example.com.cn/',
  'https://www.example.com.cn/bill/detail',
  'https://www.example.com.cn/broadband/repair',
  'https://www.example.com.cn/plans/5g',
  'https://shop.example.com.cn/orders',
]

function fill(template: string, random: Random): string {
  return template
    .replace('{m}', String(random.int(12, 88)))
    .replace('{s}', String(random.int(8, 60)))
    .replace('{n}', String(random.int(20240000, 20249999)))
    .replace('{p}', random.pick(['129', '169', '199', '239']))
    .replace('{phone}', `${random.pick(['33', '53', '77', '80', '89'])}${String(random.int(0, 99_999_999)).padStart(8, '0')}`)
}

type Phase = 'idle' | 'chatting' | 'done'

/** One person on the chat page: one socket, one conversation, then gone. */
class SimVisitor {
  phase: Phase = 'idle'
  agentsAvailable = false
  private followUps = 0
  private nudged = false
  private session: VisitorSession | null = null
  readonly socket: Socket

  constructor(
    private readonly sim: SimulatorCore,
    private readonly identity: { name: string; phone: string } | null,
  ) {
    const { options, random } = sim
    this.socket = io(`${options.serverUrl.replace(/\/+$/, '')}${VISITOR_NAMESPACE}`, {
      auth: (cb) => cb({ token: this.session?.token, site: options.site, page: random.pick(PAGES) }),
      transports: ['websocket'],
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      forceNew: true,
    })
    this.socket.on('session', (session: VisitorSession) => {
      const first = this.session === null
      this.session = session
      if (first && this.identity) void this.request('identify', this.identity)
    })
    this.socket.on('status', (status: VisitorStatus) => {
      this.agentsAvailable = status.agentsAvailable
    })
    this.socket.on('message', (message: VisitorMessage) => {
      if (message.from === 'agent') this.onReply()
    })
    this.socket.on('survey:request', (request: { conversationId: string }) => this.onSurvey(request.conversationId))
  }

  get ready(): boolean {
    return this.socket.connected && this.session !== null
  }

  /** Asks the opening question, or fills in the "leave a message" form when nobody is there. */
  begin(): void {
    const { random } = this.sim
    const question = fill(random.pick(QUESTIONS), random)
    this.phase = 'chatting'
    if (!this.agentsAvailable && random.chance(0.6)) {
      const name = this.identity?.name ?? random.pick(NAMES)
      const phone = this.identity?.phone ?? `13${String(random.int(0, 999_999_999)).padStart(9, '0')}`
      void this.request('leaveMessage', { clientId: this.sim.clientId(), name, phone, text: question }).then((ok) => {
        if (ok) this.sim.counted('sent')
        this.sim.log(`visitor ${this.session?.displayName ?? ''} left a message`)
        this.phase = 'done'
        this.sim.later(random.int(5_000, 20_000), () => this.sim.replace(this))
      })
      return
    }
    this.say(question)
    // Nobody resolves it: the visitor gives up and closes the page after a while.
    this.sim.later(random.int(300_000, 600_000), () => {
      if (this.phase === 'chatting') this.sim.replace(this)
    })
    // Nobody answered for a while: a nudge, once.
    this.sim.later(random.int(60_000, 120_000), () => {
      if (this.phase === 'chatting' && this.followUps === 0 && !this.nudged) {
        this.nudged = true
        this.say(random.pick(ANYONE_THERE))
      }
    })
  }

  private onReply(): void {
    if (this.phase !== 'chatting') return
    const { random } = this.sim
    this.followUps += 1
    if (this.followUps <= 2 && random.chance(0.5)) {
      this.sim.think(() => this.phase === 'chatting' && this.say(fill(random.pick(FOLLOW_UPS), random)))
    } else if (this.followUps >= 2 && random.chance(0.7)) {
      this.sim.think(() => this.phase === 'chatting' && this.say(random.pick(THANKS)))
    }
  }

  private onSurvey(conversationId: string): void {
    const { random } = this.sim
    this.phase = 'done'
    this.sim.think(() => {
      const rating = random.weighted([[5, 6], [4, 3], [3, 1], [2, 0.4], [1, 0.2]] as const)
      const comment = random.pick(COMMENTS)
      void this.request('rate', comment ? { conversationId, rating, comment } : { conversationId, rating }).then((ok) => {
        if (ok) this.sim.counted('rated')
      })
      this.sim.later(random.int(3_000, 15_000), () => this.sim.replace(this))
    })
  }

  private say(text: string): void {
    if (!this.ready) return
    void this.request('message:send', { clientId: this.sim.clientId(), text }).then((ok) => {
      if (ok) this.sim.counted('sent')
    })
  }

  private async request(event: string, payload: unknown): Promise<boolean> {
    try {
      const result = (await this.socket.timeout(15_000).emitWithAck(event, payload)) as Result<unknown>
      if (!result.ok) this.sim.log(`visitor ${event} refused: ${result.error.message}`)
      return result.ok
    } catch {
      return false
    }
  }

  close(): void {
    this.socket.disconnect()
  }
}

/** What the visitors share: options, randomness, timers and counts. */
class SimulatorCore {
  readonly random: Random
  readonly visitors = new Set<SimVisitor>()
  private readonly timers = new Set<NodeJS.Timeout>()
  stopped = false
  sent = 0
  rated = 0

  constructor(readonly options: Required<Pick<WebchatSimulatorOptions, 'serverUrl' | 'visitors' | 'messagesPerMinute' | 'site' | 'thinkTimeMs'>> & WebchatSimulatorOptions) {
    this.random = createRandom(options.seed ?? Date.now())
  }

  log(line: string): void {
    this.options.log?.(line)
  }

  counted(what: 'sent' | 'rated'): void {
    this[what] += 1
  }

  clientId(): string {
    return `sim-${this.random.uuid()}`
  }

  later(ms: number, work: () => void): void {
    if (this.stopped) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.stopped) work()
    }, ms)
    this.timers.add(timer)
  }

  think(work: () => void): void {
    const [min, max] = this.options.thinkTimeMs
    this.later(this.random.int(min, max), work)
  }

  arrive(): void {
    const customers = this.options.customers ?? []
    const identity = customers.length > 0 && this.random.chance(0.3) ? this.random.pick(customers) : null
    this.visitors.add(new SimVisitor(this, identity))
  }

  /** A visitor who is done leaves; someone new opens the page. */
  replace(visitor: SimVisitor): void {
    if (!this.visitors.has(visitor)) return
    visitor.close()
    this.visitors.delete(visitor)
    this.arrive()
  }

  stop(): void {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const visitor of this.visitors) visitor.close()
    this.visitors.clear()
  }
}

export function runWebchatSimulator(options: WebchatSimulatorOptions): WebchatSimulator {
  const core = new SimulatorCore({ site: 'demo', thinkTimeMs: [2_000, 10_000], ...options })
  for (let i = 0; i < Math.max(1, options.visitors); i++) core.arrive()
  const intervalMs = Math.max(50, 60_000 / Math.max(0.1, options.messagesPerMinute))

  const tick = () => {
    // The next person with nothing asked yet starts a conversation.
    const idle = [...core.visitors].filter((v) => v.phase === 'idle' && v.ready)
    if (idle.length > 0) core.random.pick(idle).begin()
    core.later(intervalMs * (0.5 + core.random.next()), tick)
  }
  core.later(core.random.int(0, Math.min(intervalMs, 2_000)), tick)
  core.log(`web-chat simulator: ${options.visitors} visitors, about ${options.messagesPerMinute} questions a minute, on ${options.serverUrl}/chat?site=${core.options.site}`)

  return {
    get sent() {
      return core.sent
    },
    get rated() {
      return core.rated
    },
    get online() {
      return [...core.visitors].filter((v) => v.socket.connected).length
    },
    async stop() {
      core.stop()
    },
  }
}
