/**
 * Inbox under load (issue 4, "Measure and report", server): 500 agent desktops on /agent, web-chat
 * visitors on /visitor and a OneBot v11 peer posting QQ group messages over the reverse WebSocket,
 * against the real central server in a child process. Measured: how fast the router hands a burst
 * of new conversations to agents, and customer → agent desktop latency at 200 messages/s. Beside
 * it, in the same run and with the same client counts, a bare socket.io relay that forwards each
 * customer's messages to one agent socket.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { ONEBOT_REVERSE_PATH } from '../src/server/channels/qq'
import { OneBotPeer, text as textSegment } from '../src/server/simulator/onebot-peer'
import type { Result } from '../src/shared/errors'
import { readyLine, spawnTsChild, track, type BenchChild } from './support/child'
import { onCleanup } from './support/cleanup'
import { login, mapLimit } from './support/http'
import { closeInboxClients, connectInboxRelay, connectVisitor, type InboxRelayClient, type VisitorClient } from './support/inbox-clients'
import type { RelayCustomerMessage } from './support/inbox-relay-protocol'
import {
  CHAT_SITE_COUNT,
  INBOX_AGENT_COUNT,
  INBOX_BENCH_PASSWORD,
  QQ_GROUPS,
  QQ_SELF_ID,
  QQ_TOKEN,
  inboxAgentId,
  inboxAgentUsername,
  seedInboxCentre,
  siteKey,
} from './support/inbox-seed'
import { sampleProcess, type ProcSample } from './support/proc-usage'
import { settle, sleep } from './support/rounds'
import { SimDesktop, type DesktopObserver } from './support/sim-desktop'
import { closeAllSockets, connectAgent } from './support/sockets'
import { round, summarize, type Summary } from './stats'

export interface InboxLoadOptions {
  root: string
  log: (line: string) => void
  /** Web-chat visitors; each one's first message opens a conversation (the opening), then they keep writing. */
  visitors?: number
  /** Rate of the opening's first messages (new conversations per second). */
  openingRate?: number
  /** QQ group members who write during the steady traffic. */
  qqMembers?: number
  ratePerSecond?: number
  /** Steady traffic in this many blocks per side, interleaved server, relay, server, … */
  blocks?: number
  blockMs?: number
  /** Share of the steady traffic that is QQ group messages (the rest is web chat). */
  qqShare?: number
  /** New QQ members whose first messages arrive at once at the end (the routing burst). */
  burst?: number
}

export interface SideLatency {
  sent: number
  reached: number
  /** Not on the agent's desktop when the phase's wait ended (lost, or later than the wait). */
  lost: number
  /** Sends the server answered with an error (or not at all within 30 s). */
  refused: number
  /** customer send → the message reached the desktop of the agent who has the conversation. */
  latency: Summary
  /** customer send → the server's (or relay's) acknowledgement, web chat only. */
  ack: Summary
}

export interface OpeningSide extends SideLatency {
  /** How long sending the first messages took (paced). */
  sendMs: number
  /** Conversation created → offered to an agent (server clock; server only). */
  queueWait: Summary
  conversations: number
}

export interface BurstSide extends SideLatency {
  conversations: number
  /** First send → the last conversation offered to an agent (server: conversation_events; relay: the last delivery). */
  allRoutedMs: number
  decisionsPerSecond: number
  /** First send → the last first message on its agent's desktop. */
  allReachedMs: number
}

export interface SteadySide extends SideLatency {
  /** Messages per second actually sent over the blocks. */
  achievedRate: number
  /** First messages of QQ members new to the traffic, measured apart: they wait for routing. */
  firstMessages: Summary
  followUps: Summary
  byChannel: Record<'chat' | 'qq', Summary>
  /** Share of one core the server (or relay) process used during the blocks; resident memory at the end. */
  cpuCores: number
  rssMb: number
  /** The bench process's own event-loop delay during the blocks (its clients share one loop). */
  benchLoopDelayP99Ms: number
  benchLoopDelayMaxMs: number
  benchCpuCores: number
}

export interface InboxLoadResult {
  agents: number
  visitors: number
  qqMembers: number
  ratePerSecond: number
  openingRate: number
  steadySeconds: number
  setup: {
    loginMs: Summary
    loginsMs: number
    desktopsReadyMs: number
    visitorsConnectedMs: number
    relayClientsConnectedMs: number
  }
  opening: { server: OpeningSide; relay: OpeningSide }
  steady: {
    server: SteadySide & { newConversations: number; queueWait: Summary }
    relay: SteadySide
  }
  burst: {
    server: BurstSide & {
      /** From the first offer to the last: the router's own pace while it had work. */
      routerDecisionsPerSecond: number
      queueWait: Summary
      /** First send → the last offer accepted by its desktop. */
      allAcceptedMs: number
    }
    relay: BurstSide
  }
  desktops: { notices: number; pulls: number; pages: number; changes: number; errors: number; firstErrors: string[]; acceptsApplied: number; acceptsRefused: number }
  visitorStatusEvents: number
  /** Visitor sockets the server (or a timeout) closed, by reason. */
  visitorDisconnects: Record<string, number>
  serverRssMbAfterSetup: number
  /** How long the desktops kept pulling after the opening's last send had been answered (the server catching up). */
  catchUpAfterOpeningMs: number
  /** What the server and relay children wrote besides their ready lines (warnings, errors). */
  notes: string[]
}

const SERVER_CHILD = join(import.meta.dirname, 'support', 'server-child.ts')
const RELAY_CHILD = join(import.meta.dirname, 'support', 'inbox-relay-child.ts')

const PHRASES = [
  '你好，宽带从早上开始就断网了，光猫灯一直在闪',
  '请问我这个月的话费为什么多扣了二十块？',
  '想把套餐换成 129 元的那个，可以线上办理吗',
  '手机突然没有信号了，重启也没用',
  '下个月去日本出差，国际漫游怎么开通？',
  '麻烦帮我开一下上个月的电子发票',
  '师傅说今天上门，到现在还没来，能催一下吗',
  '营业厅周末几点开门？我想去补办 SIM 卡',
  '好的，谢谢！我再试一下 🙏',
  '还是不行，页面提示“认证失败”',
]

/** Each message says which one it is, so a desktop's copy can be matched to its send time. */
const tagged = (tag: number, body: string) => `【#b${tag}】${body}`
const TAG = /【#b(\d+)】/

type Side = 'server' | 'relay'
type Channel = 'chat' | 'qq'

interface SentMessage {
  side: Side
  channel: Channel
  first: boolean
  sentAt: number
  ackAt: number
  reachedAt: number
  refused: boolean
}

/** Every message the bench sent, by tag, with when it was acknowledged and when it reached its agent. */
class Ledger {
  readonly messages: SentMessage[] = []
  reachedCount = 0
  ackedCount = 0

  add(side: Side, channel: Channel, first: boolean): number {
    this.messages.push({ side, channel, first, sentAt: performance.now(), ackAt: Number.NaN, reachedAt: Number.NaN, refused: false })
    return this.messages.length - 1
  }

  reached(tag: number, at: number): void {
    const m = this.messages[tag]
    if (!m || !Number.isNaN(m.reachedAt)) return
    m.reachedAt = at
    this.reachedCount++
  }

  acked(tag: number, ok: boolean): void {
    const m = this.messages[tag]
    if (!m) return
    m.ackAt = performance.now()
    m.refused = !ok
    this.ackedCount++
  }

  slice(from: number, to = this.messages.length): SentMessage[] {
    return this.messages.slice(from, to)
  }
}

function latencyOf(messages: readonly SentMessage[]): SideLatency {
  const reached = messages.filter((m) => !Number.isNaN(m.reachedAt))
  const acked = messages.filter((m) => m.channel === 'chat' && !Number.isNaN(m.ackAt) && !m.refused)
  return {
    sent: messages.length,
    reached: reached.length,
    lost: messages.length - reached.length,
    refused: messages.filter((m) => m.refused).length,
    latency: summarize(reached.map((m) => m.reachedAt - m.sentAt)),
    ack: summarize(acked.map((m) => m.ackAt - m.sentAt)),
  }
}

const reachedSummary = (messages: readonly SentMessage[]) => summarize(messages.filter((m) => !Number.isNaN(m.reachedAt)).map((m) => m.reachedAt - m.sentAt))

/** Waits (polling, with a deadline) until `done()` holds; returns whether it did. */
async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!done()) {
    if (performance.now() > deadline) return false
    await sleep(20)
  }
  return true
}

/** Sends `count` messages at `ratePerSecond`, open loop: a slow answer does not slow the sender. */
async function paced(count: number, ratePerSecond: number, send: (k: number) => void): Promise<number> {
  const started = performance.now()
  let sent = 0
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) * ratePerSecond) / 1000) + 1)
    while (sent < due) send(sent++)
    if (sent < count) await sleep(2)
  }
  return performance.now() - started
}

/**
 * `BENCH_INBOX_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`: extra node options for the
 * server child only (NODE_OPTIONS refuses --cpu-prof), to find where its time goes.
 */
const SERVER_NODE_ARGS = process.env.BENCH_INBOX_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []

async function startChild(file: string, name: string, args: string[], cwd: string, nodeArgs: string[] = []): Promise<{ child: BenchChild; url: string }> {
  const child =
    nodeArgs.length > 0
      ? track(spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] }), name, performance.now())
      : spawnTsChild(file, { name, cwd, args })
  const { value } = await child.waitForLine((line) => readyLine<{ ready: true; url: string }>(line), 30_000)
  return { child, url: value.url }
}

export async function runInboxLoad(options: InboxLoadOptions): Promise<InboxLoadResult> {
  const { log, root } = options
  const visitorCount = options.visitors ?? 500
  const openingRate = options.openingRate ?? 100
  const qqMemberCount = options.qqMembers ?? 100
  const burstCount = options.burst ?? 1_000
  const rate = options.ratePerSecond ?? 200
  const blocks = options.blocks ?? 4
  const blockMs = options.blockMs ?? 2_500
  const qqShare = options.qqShare ?? 0.1

  const centre = await seedInboxCentre()
  const [server, relay] = await Promise.all([
    startChild(SERVER_CHILD, 'central server (inbox load)', [centre.dbFile], root, SERVER_NODE_ARGS),
    startChild(RELAY_CHILD, 'inbox relay', [], root),
  ])
  const serverPid = server.child.process.pid
  const relayPid = relay.child.process.pid
  log(`inbox load: server at ${server.url} (pid ${serverPid}), relay at ${relay.url} (pid ${relayPid})`)
  const reader = new Database(centre.dbFile, { readonly: true, fileMustExist: true })
  const closeReader = onCleanup('inbox bench database reader', () => {
    reader.close()
  })

  try {
    const ledger = new Ledger()
    let acceptsApplied = 0
    let acceptsRefused = 0
    let lastAcceptAt = 0
    const observer: DesktopObserver = {
      messageReached(text, _conversationId, at) {
        const match = TAG.exec(text)
        if (match) ledger.reached(Number(match[1]), at)
      },
      accepted(_conversationId, _agent, applied, at) {
        if (applied) acceptsApplied++
        else acceptsRefused++
        lastAcceptAt = Math.max(lastAcceptAt, at)
      },
    }

    // --- Server side: 500 desktops (HTTP login, /agent, initial sync, ready) ---
    let t = performance.now()
    const usernames = Array.from({ length: INBOX_AGENT_COUNT }, (_, i) => inboxAgentUsername(i))
    const logins = await mapLimit(usernames, 16, (username) => login(server.url, username, INBOX_BENCH_PASSWORD))
    const loginsMs = performance.now() - t
    log(`inbox load: ${logins.length} agents logged in over HTTP in ${(loginsMs / 1000).toFixed(1)} s`)
    t = performance.now()
    const desktops = await mapLimit(logins, 25, async ({ response }, i) => {
      const { socket } = await connectAgent(server.url, response.accessToken, 30_000)
      const desktop = new SimDesktop(i, inboxAgentId(i), socket, observer)
      await desktop.sync()
      await desktop.setReady()
      return desktop
    })
    const desktopsReadyMs = performance.now() - t
    log(`inbox load: ${desktops.length} desktops connected, synced and ready in ${(desktopsReadyMs / 1000).toFixed(1)} s`)

    // --- Customers: web-chat visitors over /visitor, one OneBot peer ---
    t = performance.now()
    let statusEvents = 0
    const visitorDrops = new Map<string, number>()
    let lastStatusAt = performance.now()
    const visitors: VisitorClient[] = await mapLimit(Array.from({ length: visitorCount }, (_, i) => i), 25, async (i) => {
      const { socket } = await connectVisitor(server.url, siteKey(i % CHAT_SITE_COUNT), 30_000)
      socket.on('status', () => {
        statusEvents++
        lastStatusAt = performance.now()
      })
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') visitorDrops.set(reason, (visitorDrops.get(reason) ?? 0) + 1)
      })
      return socket
    })
    const visitorsConnectedMs = performance.now() - t
    const peer = await OneBotPeer.connect({ url: `${server.url.replace(/^http/, 'ws')}${ONEBOT_REVERSE_PATH}`, selfId: QQ_SELF_ID, accessToken: QQ_TOKEN })
    const closePeer = onCleanup('OneBot peer', () => peer.close().then(() => undefined))
    log(`inbox load: ${visitors.length} visitors connected in ${(visitorsConnectedMs / 1000).toFixed(1)} s; OneBot peer connected`)

    // --- Relay side: the same counts ---
    t = performance.now()
    await mapLimit(Array.from({ length: INBOX_AGENT_COUNT }, (_, i) => i), 50, async (i) => {
      const socket = await connectInboxRelay(relay.url, { role: 'agent', agent: i }, 30_000)
      socket.on('agent:message', (message) => ledger.reached(message.tag, performance.now()))
    })
    const relayCustomers: InboxRelayClient[] = await mapLimit(Array.from({ length: visitorCount }, (_, i) => i), 50, () =>
      connectInboxRelay(relay.url, { role: 'customer' }, 30_000),
    )
    const relayQq = await connectInboxRelay(relay.url, { role: 'customer' }, 30_000)
    const relayClientsConnectedMs = performance.now() - t
    log(`inbox load: relay ${INBOX_AGENT_COUNT} agents + ${relayCustomers.length + 1} customers connected in ${(relayClientsConnectedMs / 1000).toFixed(1)} s`)

    // Visitors hear "agents available" as agents come; let that wave pass before measuring.
    await settle(() => lastStatusAt, 300, 10_000)
    const serverRssMbAfterSetup = sampleProcess(serverPid)?.rssMb ?? Number.NaN

    // --- Senders ---
    const qqSeen = new Set<number>()
    const relayQqSeen = new Set<number>()
    let chatCursor = 0
    let relayChatCursor = 0
    let qqCursor = 0
    let relayQqCursor = 0

    function sendChat(side: Side, visitor: number, first: boolean): void {
      const tag = ledger.add(side, 'chat', first)
      const body = tagged(tag, PHRASES[tag % PHRASES.length] as string)
      if (side === 'server') {
        const socket = visitors[visitor] as VisitorClient
        socket
          .timeout(30_000)
          .emitWithAck('message:send', { clientId: `bench-${tag}`, text: body })
          .then((result: Result<unknown>) => ledger.acked(tag, result.ok), () => ledger.acked(tag, false))
      } else {
        const message: RelayCustomerMessage = { customer: `v${visitor}`, tag, text: body, sentAt: Date.now() }
        ;(relayCustomers[visitor] as InboxRelayClient)
          .timeout(30_000)
          .emitWithAck('customer:message', message)
          .then(() => ledger.acked(tag, true), () => ledger.acked(tag, false))
      }
    }

    function sendQq(side: Side, member: number): void {
      const seen = side === 'server' ? qqSeen : relayQqSeen
      const tag = ledger.add(side, 'qq', !seen.has(member))
      seen.add(member)
      const body = tagged(tag, PHRASES[(tag * 7) % PHRASES.length] as string)
      const group = QQ_GROUPS[member % QQ_GROUPS.length]!
      if (side === 'server') {
        // Both encodings of OneBot v11, as implementations send them.
        void peer
          .postGroupMessage({
            groupId: group.groupId,
            userId: String(3_000_000_000 + member),
            nickname: `群友${member + 1}`,
            card: member % 3 === 0 ? `用户${member + 1}-杭州` : '',
            message: [textSegment(body)],
            encoding: tag % 2 === 0 ? 'array' : 'string',
          })
          .then(() => ledger.acked(tag, true), () => ledger.acked(tag, false))
      } else {
        const message: RelayCustomerMessage = { customer: `qq${member}`, tag, text: body, sentAt: Date.now() }
        relayQq.timeout(30_000).emitWithAck('customer:message', message).then(() => ledger.acked(tag, true), () => ledger.acked(tag, false))
      }
    }

    const offeredSince = reader.prepare(
      `select count(distinct e.conversation_id) as n, min(e.at) as first, max(e.at) as last
         from conversation_events e join conversations c on c.id = e.conversation_id
        where e.kind = 'offered' and c.channel = ? and c.created_at >= ?`,
    )
    const queueWaitsSince = reader.prepare(
      `select c.id, min(o.at) - c.created_at as wait
         from conversations c join conversation_events o on o.conversation_id = c.id and o.kind = 'offered'
        where c.channel = ? and c.created_at >= ? group by c.id`,
    )
    const waitsOf = (channel: Channel, since: number) => summarize((queueWaitsSince.all(channel, since) as { wait: number }[]).map((r) => Number(r.wait)))
    const allReached = (from: number, to = ledger.messages.length) => ledger.slice(from, to).every((m) => !Number.isNaN(m.reachedAt))

    // --- Opening: every visitor's first message, paced: conversations routed as they arrive ---
    async function opening(side: Side): Promise<OpeningSide> {
      log(`inbox load: opening (${side}): ${visitorCount} new web-chat conversations at ${openingRate}/s`)
      const from = ledger.messages.length
      const since = Date.now()
      const acceptsBefore = acceptsApplied + acceptsRefused
      const sendMs = await paced(visitorCount, openingRate, (v) => sendChat(side, v, true))
      await waitFor(() => allReached(from) && (side === 'relay' || acceptsApplied + acceptsRefused - acceptsBefore >= visitorCount), 10_000)
      const messages = ledger.slice(from)
      const result = {
        ...latencyOf(messages),
        sendMs,
        queueWait: side === 'server' ? waitsOf('chat', since) : summarize([]),
        conversations: side === 'server' ? (offeredSince.get('chat', since) as { n: number }).n : visitorCount,
      }
      log(`inbox load: opening (${side}): first message → desktop p50 ${result.latency.p50.toFixed(0)} / p99 ${result.latency.p99.toFixed(0)} ms, reached ${result.reached}/${result.sent}`)
      return result
    }
    // Each phase starts when the server has caught up with the last one (desktops stop pulling),
    // so a backlog is charged to the phase that made it.
    const quiet = async (what: string) => {
      // Busy: a desktop waits for a pull or an accept, or a send waits for its answer. (A server
      // whose event loop is stuck sends nothing for seconds, so silence alone proves nothing.)
      let lastBusyAt = performance.now()
      const watcher = setInterval(() => {
        if (desktops.some((d) => d.busy) || ledger.ackedCount < ledger.messages.length) lastBusyAt = performance.now()
      }, 50)
      const waited = await settle(() => Math.max(lastBusyAt, ...desktops.map((d) => d.lastPageAt)), 500, 20_000).finally(() => clearInterval(watcher))
      log(`inbox load: desktops quiet ${(waited / 1000).toFixed(1)} s after the ${what}`)
      return waited
    }
    const openingServer = await opening('server')
    const catchUpAfterOpeningMs = await quiet('opening')
    const openingRelay = await opening('relay')
    chatCursor = visitorCount
    relayChatCursor = visitorCount

    // --- Steady traffic: blocks of `rate` messages/s, interleaved server, relay, server, … ---
    const perBlock = Math.round((rate * blockMs) / 1000)
    const qqEvery = Math.round(1 / qqShare)
    const sides: Record<Side, { from: number[]; to: number[]; sendMs: number; cpu: number; wall: number; loop: IntervalHistogram; benchCpuUs: number }> = {
      server: { from: [], to: [], sendMs: 0, cpu: 0, wall: 0, loop: monitorEventLoopDelay({ resolution: 5 }), benchCpuUs: 0 },
      relay: { from: [], to: [], sendMs: 0, cpu: 0, wall: 0, loop: monitorEventLoopDelay({ resolution: 5 }), benchCpuUs: 0 },
    }
    const steadySince = Date.now()
    for (let block = 0; block < blocks; block++) {
      for (const side of ['server', 'relay'] as const) {
        const s = sides[side]
        const pid = side === 'server' ? serverPid : relayPid
        const from = ledger.messages.length
        const before: ProcSample | undefined = sampleProcess(pid)
        const benchBefore = process.cpuUsage()
        s.loop.enable()
        const sendMs = await paced(perBlock, rate, (k) => {
          if (k % qqEvery === qqEvery - 1) {
            const member = side === 'server' ? qqCursor++ : relayQqCursor++
            sendQq(side, member % qqMemberCount)
          } else {
            const visitor = (side === 'server' ? chatCursor++ : relayChatCursor++) % visitorCount
            sendChat(side, visitor, false)
          }
        })
        const to = ledger.messages.length
        await waitFor(() => allReached(from, to), 6_000)
        s.loop.disable()
        const after = sampleProcess(pid)
        const benchCpu = process.cpuUsage(benchBefore)
        s.from.push(from)
        s.to.push(to)
        s.sendMs += sendMs
        if (before && after) {
          s.cpu += after.cpuMs - before.cpuMs
          s.wall += after.at - before.at
        }
        s.benchCpuUs += benchCpu.user + benchCpu.system
        const lat = reachedSummary(ledger.slice(from, to))
        log(`inbox load: block ${block + 1}/${blocks} ${side}: ${to - from} messages in ${(sendMs / 1000).toFixed(1)} s, p50 ${lat.p50.toFixed(1)} / p99 ${lat.p99.toFixed(1)} ms, reached ${lat.n}`)
        await sleep(300)
      }
    }

    function steadyOf(side: Side): SteadySide {
      const s = sides[side]
      const messages = s.from.flatMap((from, i) => ledger.slice(from, s.to[i]))
      const last = sampleProcess(side === 'server' ? serverPid : relayPid)
      return {
        ...latencyOf(messages),
        achievedRate: (messages.length * 1000) / s.sendMs,
        firstMessages: reachedSummary(messages.filter((m) => m.first)),
        followUps: reachedSummary(messages.filter((m) => !m.first)),
        byChannel: { chat: reachedSummary(messages.filter((m) => m.channel === 'chat')), qq: reachedSummary(messages.filter((m) => m.channel === 'qq')) },
        cpuCores: s.wall > 0 ? s.cpu / s.wall : Number.NaN,
        rssMb: last?.rssMb ?? Number.NaN,
        benchLoopDelayP99Ms: s.loop.percentile(99) / 1e6,
        benchLoopDelayMaxMs: s.loop.max / 1e6,
        benchCpuCores: s.benchCpuUs / 1000 / s.wall,
      }
    }
    const steadyServer = {
      ...steadyOf('server'),
      newConversations: (offeredSince.get('qq', steadySince) as { n: number }).n,
      queueWait: waitsOf('qq', steadySince),
    }
    const steadyRelay = steadyOf('relay')
    await quiet('steady traffic')

    // --- Burst: the first messages of new QQ members, all at once over the OneBot connection ---
    log(`inbox load: burst (server): ${burstCount} new QQ conversations at once`)
    const burstFrom = ledger.messages.length
    const burstSince = Date.now()
    const burstStart = performance.now()
    const acceptsBefore = acceptsApplied + acceptsRefused
    for (let k = 0; k < burstCount; k++) sendQq('server', qqMemberCount + k)
    await waitFor(() => (offeredSince.get('qq', burstSince) as { n: number }).n >= burstCount, 15_000)
    await waitFor(() => allReached(burstFrom) && acceptsApplied + acceptsRefused - acceptsBefore >= burstCount, 5_000)
    const burstMessages = ledger.slice(burstFrom)
    const offered = offeredSince.get('qq', burstSince) as { n: number; first: number; last: number }
    const burstServer = {
      conversations: offered.n,
      ...latencyOf(burstMessages),
      allRoutedMs: offered.last - burstSince,
      decisionsPerSecond: (offered.n * 1000) / Math.max(1, offered.last - burstSince),
      routerDecisionsPerSecond: ((offered.n - 1) * 1000) / Math.max(1, offered.last - offered.first),
      allReachedMs: Math.max(...burstMessages.map((m) => m.reachedAt)) - burstStart,
      queueWait: waitsOf('qq', burstSince),
      allAcceptedMs: lastAcceptAt > burstStart ? lastAcceptAt - burstStart : Number.NaN,
    }
    log(
      `inbox load: burst (server): ${offered.n} offered after ${burstServer.allRoutedMs} ms (${burstServer.decisionsPerSecond.toFixed(0)} decisions/s), ` +
        `all on desktops after ${burstServer.allReachedMs.toFixed(0)} ms, accepts ${acceptsApplied + acceptsRefused - acceptsBefore}`,
    )
    log(`inbox load: burst (relay): ${burstCount} first messages at once`)
    const relayBurstFrom = ledger.messages.length
    const relayBurstStart = performance.now()
    for (let k = 0; k < burstCount; k++) sendQq('relay', qqMemberCount + k)
    await waitFor(() => allReached(relayBurstFrom), 5_000)
    const relayBurstMessages = ledger.slice(relayBurstFrom)
    const relayAllReached = Math.max(...relayBurstMessages.map((m) => m.reachedAt)) - relayBurstStart
    const burstRelay: BurstSide = {
      conversations: burstCount,
      ...latencyOf(relayBurstMessages),
      allRoutedMs: relayAllReached,
      decisionsPerSecond: (burstCount * 1000) / relayAllReached,
      allReachedMs: relayAllReached,
    }
    // A last look for stragglers before counting losses.
    await waitFor(() => ledger.reachedCount >= ledger.messages.length, 2_000)

    const counters = { notices: 0, pulls: 0, pages: 0, changes: 0, errors: 0 }
    const firstErrors: string[] = []
    for (const d of desktops) {
      for (const key of Object.keys(counters) as (keyof typeof counters)[]) counters[key] += d.counters[key]
      if (firstErrors.length < 5) firstErrors.push(...d.firstErrors.slice(0, 5 - firstErrors.length))
    }

    await closePeer()
    closeInboxClients()
    closeAllSockets()
    return {
      agents: INBOX_AGENT_COUNT,
      visitors: visitorCount,
      qqMembers: qqMemberCount,
      ratePerSecond: rate,
      openingRate,
      steadySeconds: (blocks * blockMs) / 1000,
      setup: { loginMs: summarize(logins.map((l) => l.ms)), loginsMs, desktopsReadyMs, visitorsConnectedMs, relayClientsConnectedMs },
      opening: { server: openingServer, relay: openingRelay },
      burst: { server: burstServer, relay: burstRelay },
      steady: { server: steadyServer, relay: steadyRelay },
      desktops: { ...counters, firstErrors, acceptsApplied, acceptsRefused },
      visitorStatusEvents: statusEvents,
      visitorDisconnects: Object.fromEntries(visitorDrops),
      serverRssMbAfterSetup: round(serverRssMbAfterSetup, 1),
      catchUpAfterOpeningMs,
      notes: [...childNotes(server.child, 'server'), ...childNotes(relay.child, 'relay')],
    }
  } finally {
    closeInboxClients()
    closeAllSockets()
    await closeReader()
    await relay.child.stop()
    await server.child.stop()
  }
}

function childNotes(child: BenchChild, name: string): string[] {
  return child.output.filter((line) => !(line.startsWith('out| ') && readyLine(line.slice(5)))).slice(0, 20).map((l) => `${name}: ${l}`)
}

// --- Report ---

const ms = (v: number) => (Number.isFinite(v) ? `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms` : 'n/a')
const perSecond = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} /s` : 'n/a')
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a')

export function renderInboxLoadTable(r: InboxLoadResult): string {
  const relay = 'raw socket.io relay'
  const { opening, steady, burst } = r
  const pair = (a: Summary) => `${ms(a.p50)} / ${ms(a.p99)}`
  const row = (measure: string, system: Summary, baseline: Summary, baselineName = `${relay} (ratio of p99)`): string[] => [
    measure,
    pair(system),
    pair(baseline),
    ratio(system.p99, baseline.p99),
    baselineName,
  ]
  const rows: string[][] = [
    [`burst: ${burst.server.sent} new QQ conversations at once → ${burst.server.conversations === burst.server.sent ? 'all' : `${burst.server.conversations}`} offered`, ms(burst.server.allRoutedMs), ms(burst.relay.allRoutedMs), ratio(burst.server.allRoutedMs, burst.relay.allRoutedMs), `${relay} (all first messages delivered)`],
    ['routing decisions/s, burst end to end', perSecond(burst.server.decisionsPerSecond), perSecond(burst.relay.decisionsPerSecond), ratio(burst.relay.decisionsPerSecond, burst.server.decisionsPerSecond), `${relay} (ratio: how many times slower)`],
    ['routing decisions/s, first → last offer', perSecond(burst.server.routerDecisionsPerSecond), '', '', ''],
    row('burst: first message → agent desktop p50 / p99', burst.server.latency, burst.relay.latency),
    row(`opening: ${r.visitors} new chats at ${r.openingRate}/s, first message → desktop p50 / p99`, opening.server.latency, opening.relay.latency),
    row(`${r.ratePerSecond}/s: customer → agent desktop p50 / p99`, steady.server.latency, steady.relay.latency),
    [`${r.ratePerSecond}/s: customer → agent desktop max`, ms(steady.server.latency.max), ms(steady.relay.latency.max), ratio(steady.server.latency.max, steady.relay.latency.max), relay],
    row(`${r.ratePerSecond}/s: web chat → desktop p50 / p99`, steady.server.byChannel.chat, steady.relay.byChannel.chat),
    row(`${r.ratePerSecond}/s: QQ group → desktop p50 / p99`, steady.server.byChannel.qq, steady.relay.byChannel.qq),
    row(`${r.ratePerSecond}/s: new QQ member's first message → desktop`, steady.server.firstMessages, steady.relay.firstMessages),
    row(`${r.ratePerSecond}/s: web-chat send → ack p50 / p99`, steady.server.ack, steady.relay.ack),
  ]
  const header = ['measurement', 'system', 'baseline', 'ratio', 'baseline is']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)))
  const line = (c: string[]) => c.map((v, i) => (i === 0 || i === 4 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  const lostServer = opening.server.lost + steady.server.lost + burst.server.lost
  const lostRelay = opening.relay.lost + steady.relay.lost + burst.relay.lost
  const refusedServer = opening.server.refused + steady.server.refused + burst.server.refused
  const s = steady.server
  return [
    `Inbox under load: ${r.agents} agent desktops, ${r.visitors} web-chat visitors + QQ group members over one OneBot v11 reverse WebSocket; ` +
      `${r.ratePerSecond} messages/s for ${r.steadySeconds} s per side (${s.byChannel.qq.n} of ${s.sent} QQ)`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `not on their agent's desktop when each phase's wait ended (lost, or later than 6–15 s): server ${lostServer} (opening ${opening.server.lost}, steady ${steady.server.lost}, burst ${burst.server.lost}), relay ${lostRelay}` +
      `${lostServer === 0 ? ' — every customer message reached its agent' : ' — NOT ALL DELIVERED'}; refused or unanswered sends: server ${refusedServer}, relay ${opening.relay.refused + steady.relay.refused + burst.relay.refused}`,
    `after the opening the desktops kept pulling for another ${ms(r.catchUpAfterOpeningMs)} (the steady traffic starts after that); queued → offered (server clock): opening p50 ${ms(opening.server.queueWait.p50)} / p99 ${ms(opening.server.queueWait.p99)}, ` +
      `steady (${s.newConversations} new QQ conversations) p50 ${ms(s.queueWait.p50)} / p99 ${ms(s.queueWait.p99)}, burst p50 ${ms(burst.server.queueWait.p50)} / p99 ${ms(burst.server.queueWait.p99)}`,
    `burst: all first messages on their desktops after ${ms(burst.server.allReachedMs)}, all accepted after ${ms(burst.server.allAcceptedMs)}; ` +
      `accepts over the run: ${r.desktops.acceptsApplied} applied, ${r.desktops.acceptsRefused} refused`,
    `sent rate achieved: server ${s.achievedRate.toFixed(0)}/s, relay ${steady.relay.achievedRate.toFixed(0)}/s`,
    `server process during the steady traffic: ${s.cpuCores.toFixed(2)} cores, RSS ${s.rssMb.toFixed(0)} MB (after setup ${r.serverRssMbAfterSetup} MB); ` +
      `relay: ${steady.relay.cpuCores.toFixed(2)} cores, RSS ${steady.relay.rssMb.toFixed(0)} MB`,
    `bench process (all clients, one event loop): ${s.benchCpuCores.toFixed(2)} cores, loop delay p99 ${ms(s.benchLoopDelayP99Ms)} / max ${ms(s.benchLoopDelayMaxMs)} during server blocks; ` +
      `${steady.relay.benchCpuCores.toFixed(2)} cores, p99 ${ms(steady.relay.benchLoopDelayP99Ms)} / max ${ms(steady.relay.benchLoopDelayMaxMs)} during relay blocks`,
    `desktops: ${r.desktops.notices} sync:changed notices, ${r.desktops.pulls} pulls, ${r.desktops.changes} changes received, ${r.desktops.errors} errors${r.desktops.firstErrors.length ? ` (${r.desktops.firstErrors.join('; ')})` : ''}; ` +
      `visitors got ${r.visitorStatusEvents} status events${Object.keys(r.visitorDisconnects).length ? `, visitor disconnects: ${JSON.stringify(r.visitorDisconnects)}` : ''}`,
    `setup: ${r.agents} HTTP logins in ${ms(r.setup.loginsMs)} (p50 ${ms(r.setup.loginMs.p50)}, 16 at a time), desktops connected+synced+ready in ${ms(r.setup.desktopsReadyMs)}, ` +
      `${r.visitors} visitors in ${ms(r.setup.visitorsConnectedMs)}, relay clients in ${ms(r.setup.relayClientsConnectedMs)}`,
    ...(r.notes.length > 0 ? [`child output besides ready lines:\n  ${r.notes.join('\n  ')}`] : []),
  ].join('\n')
}
