/**
 * Server fan-out: how long one agent's state change takes to reach 100 connected leads, beside
 * a bare socket.io relay doing the same fan-out and a bare socket.io ack round trip.
 */
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { AgentStateName, TeamMember } from '../src/shared/domain/agent'
import { readyLine, spawnTsChild, type BenchChild } from './support/child'
import { login, mapLimit } from './support/http'
import type { RelayPayload } from './support/relay-protocol'
import { RoundTracker, settle, sleep, type RoundOutcome } from './support/rounds'
import { BENCH_PASSWORD, FANOUT_AGENT, LEAD_COUNT, leadUsername } from './support/seed'
import { closeAllSockets, connectAgent, connectRelay, type AgentClient, type RelayClient } from './support/sockets'
import { summarize, type Summary } from './stats'

export interface FanoutOptions {
  serverUrl: string
  rounds: number
  /** Rounds are run in this many interleaved blocks (server, relay, ack, server, …) so drift hits all alike. */
  blocks: number
  warmupRounds: number
  gapMs: number
  roundTimeoutMs: number
  log: (line: string) => void
}

export interface FanoutSide {
  /** emit → each listener's receipt. */
  delivery: Summary
  /** emit → the last of the 100 listeners' receipt, per round. */
  allReached: Summary
  /** emit → the emitter's own ack. */
  ack: Summary
  missedDeliveries: number
  roundsWithMisses: number
  strayEvents: number
  /** Stray events by kind ("<what>, during|after round <n>") with counts. */
  strayKinds: Record<string, number>
  duplicateEvents: number
}

export interface FanoutResult {
  listeners: number
  rounds: number
  server: FanoutSide & {
    loginMs: Summary
    welcomeMs: Summary
    connectStormMs: number
    /**
     * team:presence events the leads got between their welcome and the first round: each connect
     * is announced to every lead already connected, so a simultaneous start is O(leads²).
     */
    presenceEventsDuringSetup: number
    unexpectedDisconnects: number
  }
  relay: FanoutSide
  ackBaseline: Summary
}

const RELAY_CHILD = join(import.meta.dirname, 'support', 'raw-relay-child.ts')

/** A payload shaped like the team:presence member the server sends, for the relay. */
const FILLER_MEMBER: TeamMember = {
  agentId: FANOUT_AGENT.id,
  username: FANOUT_AGENT.username,
  displayName: FANOUT_AGENT.username,
  role: 'agent',
  teamId: 't1',
  presence: { agentId: FANOUT_AGENT.id, state: 'ready', reasonCode: null, since: Date.now(), forcedBy: null, online: true },
}

export async function startRelay(): Promise<{ child: BenchChild; url: string }> {
  const child = spawnTsChild(RELAY_CHILD, { name: 'raw socket.io relay' })
  const { value } = await child.waitForLine((line) => readyLine<{ ready: true; url: string }>(line), 20_000)
  return { child, url: value.url }
}

class SideRecorder {
  private readonly delays: number[] = []
  private readonly all: number[] = []
  private readonly acks: number[] = []
  missed = 0
  roundsWithMisses = 0

  add(outcome: RoundOutcome): void {
    this.delays.push(...outcome.delays)
    if (!Number.isNaN(outcome.allMs)) this.all.push(outcome.allMs)
    if (!Number.isNaN(outcome.ackMs)) this.acks.push(outcome.ackMs)
    this.missed += outcome.missed
    if (outcome.missed > 0) this.roundsWithMisses++
  }

  result(tracker: { stray: number; duplicates: number; strayKinds: Map<string, number> }): FanoutSide {
    return {
      delivery: summarize(this.delays),
      allReached: summarize(this.all),
      ack: summarize(this.acks),
      missedDeliveries: this.missed,
      roundsWithMisses: this.roundsWithMisses,
      strayEvents: tracker.stray,
      strayKinds: Object.fromEntries(tracker.strayKinds),
      duplicateEvents: tracker.duplicates,
    }
  }
}

export async function runFanout(options: FanoutOptions, relayUrl: string): Promise<FanoutResult> {
  const { log } = options

  // --- Central server: 100 leads + the agent, logged in over HTTP, connected over WebSocket ---
  const usernames = [...Array.from({ length: LEAD_COUNT }, (_, i) => leadUsername(i)), FANOUT_AGENT.username]
  const logins = await mapLimit(usernames, 4, (username) => login(options.serverUrl, username, BENCH_PASSWORD))
  log(`logged in ${logins.length} accounts (median ${summarize(logins.map((l) => l.ms)).p50.toFixed(0)} ms each, 4 at a time)`)
  const agentToken = logins.at(-1)!.response.accessToken

  let lastPresenceAt = performance.now()
  let presenceEventsDuringSetup = 0
  let settingUp = true
  let unexpectedDisconnects = 0
  const serverTracker = new RoundTracker<TeamMember>(
    LEAD_COUNT,
    (m) => `${m.presence.state}${m.presence.reasonCode ? `/${m.presence.reasonCode}` : ''} online=${m.presence.online}`,
  )
  const stormStarted = performance.now()
  const leads = await Promise.all(
    logins.slice(0, LEAD_COUNT).map(async ({ response }, index) => {
      const connected = await connectAgent(options.serverUrl, response.accessToken, 30_000)
      const socket: AgentClient = connected.socket
      socket.on('team:presence', (member) => {
        lastPresenceAt = performance.now()
        if (settingUp) presenceEventsDuringSetup++
        else if (member.agentId === FANOUT_AGENT.id) serverTracker.receive(index, member)
      })
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') unexpectedDisconnects++
      })
      return connected
    }),
  )
  const connectStormMs = performance.now() - stormStarted
  const agent = await connectAgent(options.serverUrl, agentToken, 30_000)
  const settledMs = await settle(() => lastPresenceAt, 300, 10_000)
  const welcomeMs = summarize(leads.map((l) => l.welcomeMs))
  log(
    `${leads.length} leads connected in ${connectStormMs.toFixed(0)} ms (welcome p50 ${welcomeMs.p50.toFixed(0)} / max ${welcomeMs.max.toFixed(0)} ms); ` +
      `${presenceEventsDuringSetup} team:presence events so far; settled after ${settledMs.toFixed(0)} ms`,
  )

  // --- Raw relay: 100 listeners + 1 emitter, and 1 client for the ack baseline ---
  const relayTracker = new RoundTracker<RelayPayload>(LEAD_COUNT, (p) => `pong ${p.round}`)
  const relayListeners = await Promise.all(
    Array.from({ length: LEAD_COUNT }, async (_, index) => {
      const socket = await connectRelay(relayUrl, 15_000)
      socket.on('pong', (payload) => relayTracker.receive(index, payload))
      return socket
    }),
  )
  const relayEmitter: RelayClient = await connectRelay(relayUrl, 15_000)
  const ackClient: RelayClient = await connectRelay(relayUrl, 15_000)
  log(`${relayListeners.length} relay listeners + emitter + ack client connected`)

  // --- Rounds ---
  const stateFor = (k: number): AgentStateName => (k % 2 === 0 ? 'ready' : 'away')
  let serverRound = 0
  let relayRound = 0

  async function serverChange(): Promise<RoundOutcome> {
    const state = stateFor(serverRound++)
    return serverTracker.run(
      async () => {
        const result = await agent.socket.timeout(options.roundTimeoutMs).emitWithAck('agentState:set', { state })
        if (!result.ok) throw new Error(`agentState:set ${state} refused: ${result.error.code} ${result.error.message}`)
      },
      (member) => member.presence.state === state,
      options.roundTimeoutMs,
    )
  }

  async function relayPing(): Promise<RoundOutcome> {
    const round = relayRound++
    return relayTracker.run(
      async () => {
        await relayEmitter.timeout(options.roundTimeoutMs).emitWithAck('ping', { round, member: FILLER_MEMBER })
      },
      (payload) => payload.round === round,
      options.roundTimeoutMs,
    )
  }

  async function echo(): Promise<number> {
    const started = performance.now()
    await ackClient.timeout(options.roundTimeoutMs).emitWithAck('echo', { round: -1, member: FILLER_MEMBER })
    return performance.now() - started
  }

  // Start from a state no round uses, so the first round's event cannot be mistaken for an old one.
  const initial = await agent.socket.timeout(5_000).emitWithAck('agentState:set', { state: 'not_ready', reasonCode: 'break' })
  if (!initial.ok) throw new Error(`initial not_ready refused: ${initial.error.code}`)
  await settle(() => lastPresenceAt, 200, 5_000)
  settingUp = false

  for (let i = 0; i < options.warmupRounds; i++) {
    await serverChange()
    await relayPing()
    await echo()
    await sleep(options.gapMs)
  }

  const server = new SideRecorder()
  const relay = new SideRecorder()
  const acks: number[] = []
  const perBlock = Math.ceil(options.rounds / options.blocks)
  for (let block = 0; block < options.blocks; block++) {
    const count = Math.min(perBlock, options.rounds - block * perBlock)
    for (let i = 0; i < count; i++) {
      server.add(await serverChange())
      await sleep(options.gapMs)
    }
    for (let i = 0; i < count; i++) {
      relay.add(await relayPing())
      await sleep(options.gapMs)
    }
    for (let i = 0; i < count; i++) {
      acks.push(await echo())
      await sleep(options.gapMs)
    }
    log(`block ${block + 1}/${options.blocks}: ${count} server changes, ${count} relay pings, ${count} acks`)
  }

  closeAllSockets()

  return {
    listeners: LEAD_COUNT,
    rounds: options.rounds,
    server: {
      ...server.result(serverTracker),
      loginMs: summarize(logins.map((l) => l.ms)),
      welcomeMs,
      connectStormMs,
      presenceEventsDuringSetup,
      unexpectedDisconnects,
    },
    relay: relay.result(relayTracker),
    ackBaseline: summarize(acks),
  }
}
