/**
 * Customers writing to a support mailbox, for the demo: realistic Chinese emails (some in GBK as
 * older Chinese mail clients send them, some with attachments, some answering their own earlier
 * mail) APPENDed over IMAP into the mailbox's INBOX at a chosen rate, where the email channel
 * picks them up like any other mail.
 */
import iconv from 'iconv-lite'
import { ImapFlow } from 'imapflow'
import MailComposer from 'nodemailer/lib/mail-composer'
import type { Logger } from '../logger'
import { randomPersonName, type PersonName } from '../seed/chinese-names'
import { createRandom, type Random } from '../seed/random'

export interface EmailSimulatorOptions {
  imap: { host: string; port: number; secure: boolean; user: string; password: string }
  /** The support address the customers write to. */
  to: string
  /** Emails per minute (0 pauses; at most 600). */
  perMinute: number
  folder?: string
  seed?: number
  log?: Logger
}

export interface EmailSimulator {
  /** How many emails have been delivered so far. */
  readonly sent: number
  setRate(perMinute: number): void
  /** Delivers one email now (besides the timer). */
  sendOne(): Promise<void>
  stop(): Promise<void>
}

interface Topic {
  subject: string
  bodies: readonly string[]
  followUps: readonly string[]
  attachment?: { name: string; kind: 'csv' | 'png' | 'txt' }
}

const TOPICS: readonly Topic[] = [
  {
    subject: '话费账单有疑问',
    bodies: ['您好，我这个月的话费比平时多了将近 60 元，账单里有一笔“增值业务费”，我没有订过任何增值业务，麻烦帮我查一下。', '你好，本月账单显示国际漫游费 128 元，但我这个月根本没有出国，请核实。'],
    followUps: ['补充一下，我的号码是本人实名的，可以查询近三个月的扣费记录吗？', '请问核实结果出来了吗？这笔费用能退吗？'],
    attachment: { name: '十一月账单明细.csv', kind: 'csv' },
  },
  {
    subject: '宽带经常掉线',
    bodies: ['最近一周家里的宽带每天晚上八点以后就频繁掉线，光猫的 LOS 灯偶尔闪红，重启也没用。地址是小区 5 栋 2 单元。', '家里宽带网速只有 20M，办的是 300M 的套餐，测速截图在附件里。'],
    followUps: ['今天又掉线了三次，什么时候能安排师傅上门？', '师傅明天上午能来吗？下午我不在家。'],
    attachment: { name: '测速截图.png', kind: 'png' },
  },
  {
    subject: '申请更换套餐',
    bodies: ['我想把现在的 129 元套餐改成 59 元的，流量够用就行，请问下个月能生效吗？', '您好，请问有没有适合老人用的低价套餐？我想给父亲办一个。'],
    followUps: ['改完之后原来的副卡还能用吗？', '好的，那就帮我办理吧，谢谢。'],
  },
  {
    subject: '开具增值税发票',
    bodies: ['公司需要开具 10 月和 11 月的增值税专用发票，开票信息见附件，麻烦尽快处理。', '请帮忙开一张上季度的电子发票，抬头是个人。'],
    followUps: ['发票邮寄地址有变，以这封邮件为准。', '请问发票已经开出来了吗？财务在催。'],
    attachment: { name: '开票信息.txt', kind: 'txt' },
  },
  {
    subject: '投诉：营业厅服务态度',
    bodies: ['昨天下午在人民路营业厅办理业务，工作人员态度很差，排队一个小时还被催着办理不需要的业务，希望给个说法。'],
    followUps: ['到现在还没有人联系我，请尽快处理。', '今天已经接到回访电话了，谢谢。'],
  },
  {
    subject: '手机号停机了怎么办',
    bodies: ['我的号码今天突然停机了，余额还有 30 多元，为什么会停机？急用，请尽快帮忙处理。'],
    followUps: ['已经充值 50 元了，还是不能打电话。', '现在恢复了，谢谢！'],
  },
]

const DOMAINS = ['qq.com', '163.com', '126.com', 'sina.com', 'foxmail.com', 'example.cn']

interface Thread {
  customer: PersonName
  address: string
  topic: Topic
  ids: string[]
  followUps: number
}

/** Starts delivering emails at `perMinute` (Poisson-like spacing) until stopped. */
export function startEmailSimulator(options: EmailSimulatorOptions): EmailSimulator {
  const random = createRandom(options.seed ?? Date.now() % 2 ** 31)
  const folder = options.folder ?? 'INBOX'
  const threads: Thread[] = []
  let perMinute = clampRate(options.perMinute)
  let sent = 0
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let client: ImapFlow | null = null
  let queue: Promise<void> = Promise.resolve()

  const connection = async (): Promise<ImapFlow> => {
    if (client?.usable) return client
    const fresh = new ImapFlow({
      host: options.imap.host,
      port: options.imap.port,
      secure: options.imap.secure,
      auth: { user: options.imap.user, pass: options.imap.password },
      logger: false,
      disableAutoIdle: true,
    })
    fresh.on('error', (err: unknown) => options.log?.debug({ err }, 'email simulator connection error'))
    await fresh.connect()
    client = fresh
    return fresh
  }

  const deliver = (): Promise<void> => {
    const next = queue.then(async () => {
      if (stopped) return
      const raw = await nextEmail(random, threads, options.to)
      const imap = await connection()
      await imap.append(folder, raw)
      sent++
    })
    queue = next.catch((err: unknown) => {
      options.log?.warn({ err }, 'email simulator could not deliver')
      client?.close()
      client = null
    })
    return next
  }

  const schedule = (): void => {
    if (stopped || perMinute === 0) return
    // Exponential gaps: customers do not write on a metronome.
    const meanMs = 60_000 / perMinute
    const delay = Math.min(10 * meanMs, -Math.log(1 - random.next()) * meanMs)
    timer = setTimeout(() => {
      timer = null
      void deliver().catch(() => undefined)
      schedule()
    }, delay)
  }
  schedule()

  return {
    get sent() {
      return sent
    },
    setRate(rate) {
      perMinute = clampRate(rate)
      if (timer) clearTimeout(timer)
      timer = null
      schedule()
    },
    sendOne: deliver,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await queue
      await client?.logout().catch(() => undefined)
      client?.close()
    },
  }
}

function clampRate(perMinute: number): number {
  return Number.isFinite(perMinute) ? Math.max(0, Math.min(600, perMinute)) : 0
}

/** A new customer's first mail, or (one time in four) a follow-up in an earlier thread. */
async function nextEmail(random: Random, threads: Thread[], to: string): Promise<Buffer> {
  const open = threads.filter((t) => t.followUps < t.topic.followUps.length)
  if (open.length > 0 && random.chance(0.25)) {
    const thread = random.pick(open)
    const text = thread.topic.followUps[thread.followUps] as string
    thread.followUps++
    const id = messageId(random, thread.address)
    const raw = await buildEmail(random, {
      thread,
      to,
      subject: `${random.pick(['回复: ', 'Re: ', '回复：'])}${thread.topic.subject}`,
      messageId: id,
      inReplyTo: thread.ids[thread.ids.length - 1] as string,
      references: [...thread.ids],
      text: `${text}\n\n${thread.customer.full}`,
      attach: false,
    })
    thread.ids.push(id)
    return raw
  }
  const customer = randomPersonName(random)
  const address = `${customer.surnamePinyin}.${customer.givenPinyin}${random.int(1, 999)}@${random.pick(DOMAINS)}`
  const topic = random.pick(TOPICS)
  const thread: Thread = { customer, address, topic, ids: [], followUps: 0 }
  const id = messageId(random, address)
  thread.ids.push(id)
  threads.push(thread)
  if (threads.length > 200) threads.shift()
  return buildEmail(random, {
    thread,
    to,
    subject: topic.subject,
    messageId: id,
    text: `${random.pick(['您好：', '你好，', '客服您好，'])}\n${random.pick(topic.bodies)}\n\n${customer.full}\n${random.int(130, 199)}${random.int(1000, 9999)}${random.int(1000, 9999)}`,
    attach: topic.attachment !== undefined && random.chance(0.6),
  })
}

interface Draft {
  thread: Thread
  to: string
  subject: string
  messageId: string
  inReplyTo?: string
  references?: string[]
  text: string
  attach: boolean
}

async function buildEmail(random: Random, draft: Draft): Promise<Buffer> {
  const attachment = draft.attach && draft.thread.topic.attachment ? attachmentOf(draft.thread.topic.attachment, draft.thread.customer) : null
  // About a third of Chinese customers' mail still comes from clients that write GBK.
  if (random.chance(0.35)) return gbkEmail(draft, attachment)
  const composer = new MailComposer({
    from: { name: draft.thread.customer.full, address: draft.thread.address },
    to: draft.to,
    subject: draft.subject,
    messageId: draft.messageId,
    date: new Date(),
    ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
    ...(draft.references ? { references: draft.references } : {}),
    text: draft.text,
    attachments: attachment ? [{ filename: attachment.name, content: attachment.data, contentType: attachment.mime }] : [],
  })
  return new Promise((resolve, reject) => composer.compile().build((err, message) => (err ? reject(err) : resolve(message))))
}

/** Headers as GBK encoded words, a GBK body and a GBK file name, as Foxmail writes them. */
function gbkEmail(draft: Draft, attachment: { name: string; mime: string; data: Buffer } | null): Buffer {
  const word = (text: string): string => `=?GBK?B?${iconv.encode(text, 'gbk').toString('base64')}?=`
  const lines = (data: Buffer): string => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n')
  const boundary = `----=_NextPart_${Date.now().toString(16)}`
  const head = [
    `From: ${word(draft.thread.customer.full)} <${draft.thread.address}>`,
    `To: <${draft.to}>`,
    `Subject: ${word(draft.subject)}`,
    `Message-ID: ${draft.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(draft.inReplyTo ? [`In-Reply-To: ${draft.inReplyTo}`] : []),
    ...(draft.references ? [`References: ${draft.references.join(' ')}`] : []),
    'MIME-Version: 1.0',
    'X-Mailer: Foxmail 7.2.25',
  ]
  const body = iconv.encode(draft.text.replace(/\n/g, '\r\n'), 'gbk')
  if (!attachment) {
    return Buffer.from([...head, 'Content-Type: text/plain; charset="gb2312"', 'Content-Transfer-Encoding: base64', '', lines(body), ''].join('\r\n'))
  }
  return Buffer.from(
    [
      ...head,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset="GBK"',
      'Content-Transfer-Encoding: base64',
      '',
      lines(body),
      `--${boundary}`,
      `Content-Type: ${attachment.mime}; name="${word(attachment.name)}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${word(attachment.name)}"`,
      '',
      lines(attachment.data),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  )
}

// A 1×1 PNG: enough for the demo to show an image attachment.
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

function attachmentOf(spec: NonNullable<Topic['attachment']>, customer: PersonName): { name: string; mime: string; data: Buffer } {
  switch (spec.kind) {
    case 'png':
      return { name: spec.name, mime: 'image/png', data: TINY_PNG }
    case 'csv':
      return { name: spec.name, mime: 'text/csv', data: Buffer.from('\ufeff日期,项目,金额(元)\n2026-11-03,套餐月费,129.00\n2026-11-12,增值业务费,58.00\n2026-11-20,短信费,1.20\n') }
    case 'txt':
      return { name: spec.name, mime: 'text/plain', data: Buffer.from(`单位名称：${customer.full}的公司\n纳税人识别号：91310000MA1FL0XX3K\n开户行：招商银行上海分行\n`) }
  }
}

function messageId(random: Random, address: string): string {
  return `<${random.uuid()}@${address.split('@')[1] ?? 'example.cn'}>`
}
