/**
 * The softphone (issue 5) on loopback through a real Kamailio, main-owned beside plain JsSIP:
 * - registration (configure → registered) and call set-up (dial → active) of the product path:
 *   two web hosts (the main-process services under Node, JsSIP in them) each with its page in
 *   headless Chromium as the media engine, driven through AgentApi over each host's bridge;
 * - the same for plain JsSIP running entirely inside a page (jssip-page.ts), two pages calling
 *   each other through the same Kamailio, in the same run, interleaved;
 * - a long call (BENCH_SOFTPHONE_CALL_SEC) on both paths at once and then many short calls in
 *   sequence, with the memory of every process sampled after a forced GC: the web hosts' Node
 *   heap and RSS, the pages' JS heap, DOM nodes and listeners (CDP).
 * Every packet must stay on loopback, so the measuring runs inside a network namespace that has
 * only `lo` (runSoftphone re-executes it there with `unshare -n` unless it is in one already).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test'
import playwrightConfig from '../playwright.config'
import type { PhoneSnapshot, SipAccountInput } from '../src/shared/domain/phone'
import { startKamailio } from '../tests/support/kamailio'
import { connectBridge, type BridgeClient } from './support/bridge-client'
import { readyLine, spawnTsChild, track, type BenchChild } from './support/child'
import { onCleanup } from './support/cleanup'
import { startJsSipPageHost } from './support/jssip-page-host'
import { ensureRendererBuilt } from './support/renderer-build'
import { BENCH_PASSWORD, seedBenchCentre, WEB_AGENTS } from './support/seed'
import { waitUsable } from './support/wait-usable'
import { percentile } from './stats'

// --- Knobs ----------------------------------------------------------------------------------

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min) throw new Error(`${name}=${raw}: expected a number ≥ ${min}`)
  return value
}

/** Timed registrations and calls per path (with 10, the nearest-rank p95 is the largest). */
const RUNS = envNumber('BENCH_SOFTPHONE_RUNS', 10, 2)
/** How long the long call stays up, seconds. 1200 is the real 20 minutes. */
const CALL_SEC = envNumber('BENCH_SOFTPHONE_CALL_SEC', 60, 10)
/** Short calls in sequence per side after the long call (set-up and tear-down leaks). */
const SHORT_CALLS = envNumber('BENCH_SOFTPHONE_SHORT_CALLS', 20, 4)
/** About 25 samples over the long call, at least 5 s apart. */
const SAMPLE_SEC = Math.max(5, Math.round(CALL_SEC / 24))
/** Pause after each call's tear-down on both paths, so trailing work (the recording's upload) does not land in the next call's timing. */
const SETTLE_MS = 250
/** A call comes up in well under a second; one that is not up after this is counted as failed. */
const SETUP_TIMEOUT_MS = 10_000
/** After the short calls: longer than JsSIP keeps a finished INVITE transaction (32 s, timers L and M). */
const QUIET_SEC = 35

/** Fixed costs of the part (start-up, timings, short calls) besides the long call; run.ts adds this to its watchdog. */
export function softphoneBudgetMs(): number {
  return 240_000 + CALL_SEC * 1000
}

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  ...(playwrightConfig.use?.launchOptions?.args ?? ['--no-sandbox', '--disable-gpu']),
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
]

const DOMAIN = 'sip.omni.test'
const SIP_PASSWORD = 'bench-sip-pass'
/** Product path: web host A (caller) and B (callee, auto-answer); baseline: page A' and B'. */
const EXT = { productA: '8001', productB: '8002', pageA: '9001', pageB: '9002' }

// --- Results --------------------------------------------------------------------------------

export interface Dist {
  n: number
  min: number
  p50: number
  p95: number
  max: number
  samples: number[]
}

/** One measured series (memory after a forced GC, or a count) over the long call or the short calls. */
export interface Series {
  label: string
  unit: 'MB' | 'count'
  start: number
  end: number
  /** Least-squares slope: per minute over the long call, per call over the short calls. */
  slope: number
  points: Array<[x: number, y: number]>
}

/** One measure before the short calls, right after them, and after the quiet period. */
export interface ShortSeries {
  label: string
  unit: 'MB' | 'count'
  start: number
  end: number
  settled: number
  /** (settled − start) / calls: what each call left behind. */
  perCall: number
}

export interface SoftphoneResult {
  runs: number
  recordingPolicy: string
  chromium: string
  pageBundleBytes: number
  setupMs: number
  registration: { product: Dist; productAnswered: Dist; page: Dist }
  call: {
    product: Dist
    productCallee: Dist
    page: Dist
    /** Main-owned calls that were not up within SETUP_TIMEOUT_MS (ended and counted; details in notes), of all placed. */
    productSetupFailures: number
    productCallsPlaced: number
  }
  longCall: {
    seconds: number
    sampleEverySec: number
    /** RTP audio packets per second received on each side over the call (audio flowed the whole time). */
    packetsPerSec: { productA: number | null; productB: number | null; pageA: number | null; pageB: number | null }
    stillUp: { product: boolean; page: boolean }
    series: Series[]
  }
  shortCalls: { calls: number; quietSec: number; productMs: number; pageMs: number; series: ShortSeries[] }
  notes: string[]
}

function dist(samples: number[]): Dist {
  const sorted = [...samples].sort((a, b) => a - b)
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? NaN, samples }
}

function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length
  if (n < 2) return NaN
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return sxx === 0 ? NaN : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx
}

// --- Entry points ---------------------------------------------------------------------------

type Log = (line: string) => void

/** True when this process sees no network interface but loopback (inside `unshare -n`). */
function loopbackOnly(): boolean {
  return Object.keys(networkInterfaces()).every((name) => name === 'lo')
}

/**
 * Runs the part in a loopback-only network namespace: in this process if it is in one already,
 * else in a child re-executed under `unshare -n` (root here), whose progress lines are relayed.
 */
export async function runSoftphone(options: { root: string; log: Log }): Promise<SoftphoneResult> {
  const build = await ensureRendererBuilt(options.root, options.log)
  if (build.built) options.log(`renderer built in ${(build.ms / 1000).toFixed(1)} s`)
  if (loopbackOnly()) return measureSoftphone(options)

  const entry = join(options.root, 'bench', 'support', 'softphone-netns-child.ts')
  options.log('softphone: measuring in a loopback-only network namespace (unshare -n)')
  const proc = spawn('unshare', ['-n', '--', 'bash', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, '--import', 'tsx', entry], {
    cwd: options.root,
    env: process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const child = track(proc, 'softphone bench (network namespace)', performance.now())
  try {
    const { value } = await child.waitForLine((line) => {
      const ready = readyLine<{ ready: true; result: SoftphoneResult }>(line)
      if (!ready) options.log(`  ${line}`)
      return ready?.result
    }, softphoneBudgetMs())
    return value
  } finally {
    await child.stop(20_000)
    const errors = child.output.filter((line) => line.startsWith('err| '))
    if (errors.length > 0) options.log(`softphone child's stderr:\n  ${errors.slice(-30).join('\n  ')}`)
  }
}

// --- The product path: a web host + its page -------------------------------------------------

interface Desk {
  name: string
  ext: string
  host: BenchChild
  context: BrowserContext
  page: Page
  cdp: CDPSession
  bridge: BridgeClient
  /** Recordings left waiting on this desktop (an upload failed and is retried later). */
  stuckRecordings: number
}

interface PageSide {
  name: string
  ext: string
  context: BrowserContext
  page: Page
  cdp: CDPSession
}

const account = (wsUrl: string, ext: string, autoAnswer: boolean): SipAccountInput => ({ wsUrl, sipUri: `sip:${ext}@${DOMAIN}`, password: SIP_PASSWORD, autoAnswer })

/**
 * Resolves with the first phone snapshot matching `predicate` (the current one or a later
 * `phone.changed`) and performance.now() at its arrival.
 */
function waitPhone(desk: Desk, predicate: (s: PhoneSnapshot) => boolean, what: string, timeoutMs = 15_000): Promise<{ snapshot: PhoneSnapshot; at: number }> {
  return new Promise((resolve, reject) => {
    let last: PhoneSnapshot | null = null
    let done = false
    const finish = (snapshot: PhoneSnapshot, at: number) => {
      done = true
      clearTimeout(timer)
      off()
      resolve({ snapshot, at })
    }
    const check = (snapshot: PhoneSnapshot) => {
      const at = performance.now()
      last = snapshot
      if (!done && predicate(snapshot)) finish(snapshot, at)
    }
    const off = desk.bridge.api.on('phone.changed', check)
    const timer = setTimeout(() => {
      done = true
      off()
      const calls = last?.calls.map((c) => `${c.direction} ${c.state} ${c.endCause ?? ''}`).join(', ')
      reject(new Error(`${desk.name}: ${what} not within ${timeoutMs} ms (last: registration ${last?.registration.state}, calls [${calls}], wrapUp ${last?.wrapUp?.callId ?? 'none'})`))
    }, timeoutMs)
    desk.bridge.api.invoke('phone.get').then(check, (err: unknown) => {
      if (done) return
      done = true
      clearTimeout(timer)
      off()
      reject(err instanceof Error ? err : new Error(String(err)))
    })
  })
}

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms`)
    await delay(20)
  }
}

/**
 * BENCH_SOFTPHONE_TRACE=1: the phone.* frames between each product page and its web host (CDP
 * Network events), saved to bench/results/softphone-trace.txt when a call fails to come up, to
 * see which media request or event went missing. Off by default: it slows the pages down.
 */
const TRACE: string[] = []

function saveTrace(root: string, log: Log): void {
  if (TRACE.length === 0) return
  mkdirSync(join(root, 'bench', 'results'), { recursive: true })
  const file = join(root, 'bench', 'results', 'softphone-trace.txt')
  writeFileSync(file, `${TRACE.join('\n')}\n`)
  log(`softphone: frame trace written to ${file}`)
}

const WEB_HOST_CHILD = join(import.meta.dirname, 'support', 'softphone-host-child.ts')

function startHost(root: string, serverUrl: string, name: string): { child: BenchChild; ready: Promise<{ url: string; origin: string; secret: string }> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'omni-bench-phone-'))
  onCleanup(`temp dir ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }))
  // --expose-gc: the memory probe collects before it reads, so samples show what is kept.
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', WEB_HOST_CHILD, join(root, 'out', 'renderer'), dataDir, serverUrl], {
    cwd: root,
    env: process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const child = track(proc, `web host ${name}`, performance.now())
  const ready = child.waitForLine((line) => readyLine<{ ready: true; url: string; origin: string; secret: string }>(line), 60_000).then((r) => r.value)
  return { child, ready }
}

/** What measureSoftphone closes at its end, newest first (also registered with the bench's cleanup). */
type Closers = Array<() => Promise<void>>

async function newContext(browser: Browser, notes: string[], name: string, closers: Closers): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', permissions: ['microphone'] })
  closers.push(onCleanup(`browser context ${name}`, () => context.close()))
  const page = await context.newPage()
  page.on('pageerror', (err) => notes.push(`${name} page error: ${err.message.slice(0, 300)}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') notes.push(`${name} console: ${message.text().slice(0, 300)}`)
  })
  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable')
  if (process.env.BENCH_SOFTPHONE_TRACE === '1') {
    await cdp.send('Network.enable')
    const t0 = performance.now()
    const keep = (dir: string, text: string) => {
      if (!/"phone\.(media|changed|mediaReply|mediaEvent|dial|answer|hangup)"/.test(text)) return
      TRACE.push(`${name} ${(performance.now() - t0).toFixed(0)} ${dir} ${text.replace(/"sdp":"[^"]*"/g, '"sdp":…').slice(0, 400)}`)
      if (TRACE.length > 4000) TRACE.splice(0, 1000)
    }
    cdp.on('Network.webSocketFrameSent', (e) => keep('>', e.response.payloadData))
    cdp.on('Network.webSocketFrameReceived', (e) => keep('<', e.response.payloadData))
  }
  return { context, page, cdp }
}

async function openDesk(browser: Browser, host: { child: BenchChild; url: string; origin: string; secret: string }, agent: string, name: string, ext: string, notes: string[], closers: Closers): Promise<Desk> {
  const { context, page, cdp } = await newContext(browser, notes, name, closers)
  await page.goto(host.url, { waitUntil: 'commit', timeout: 30_000 })
  await waitUsable(page, 'login-username', true)
  const server = page.getByTestId('login-server')
  if ((await server.inputValue()) === '') throw new Error('the login form has no server: the web host should fill it')
  await page.getByTestId('login-username').fill(agent)
  await page.getByTestId('login-password').fill(BENCH_PASSWORD)
  await page.getByTestId('login-submit').click()
  await waitUsable(page, 'shell', false)
  const bridge = await connectBridge(host.origin, host.secret)
  closers.push(onCleanup(`bridge of ${name}`, () => bridge.close()))
  const desk: Desk = { name, ext, host: host.child, context, page, cdp, bridge, stuckRecordings: 0 }
  // The page attaches as the media engine once the agent is signed in.
  await waitPhone(desk, (s) => s.mediaReady, 'the page attached as the media engine', 30_000)
  await bridge.api.invoke('agentState.set', { state: 'ready' })
  return desk
}

/** configure → registered, and configure → its answer (the account saved, the new user agent started). */
async function productRegister(desk: Desk, wsUrl: string, autoAnswer: boolean): Promise<{ ms: number; answeredMs: number }> {
  const startedWall = Date.now()
  const registered = waitPhone(desk, (s) => s.registration.state === 'registered' && (s.registration.since ?? 0) >= startedWall, 'registered after configure')
  const started = performance.now()
  await desk.bridge.api.invoke('phone.configure', account(wsUrl, desk.ext, autoAnswer))
  const answeredMs = performance.now() - started
  const { at } = await registered
  return { ms: at - started, answeredMs }
}

async function agentReady(desk: Desk): Promise<void> {
  await waitUntil(`${desk.name} ready again`, async () => (await desk.bridge.api.invoke('session.get')).presence?.state === 'ready')
}

/** A call that did not come up within SETUP_TIMEOUT_MS; both sides were brought back to idle. */
class SetupFailed extends Error {}

/** Main-owned calls placed, and those that did not come up. */
interface Tally {
  placed: number
  failed: number
}

/**
 * dial → the caller's call is active (JsSIP's confirmed in main), and → the callee's is. A call
 * that does not come up is ended on both sides, described in `notes` and thrown as SetupFailed.
 */
async function productCall(a: Desk, b: Desk, notes: string[], tally: Tally): Promise<{ ms: number; calleeMs: number; callId: string; calleeCallId: string }> {
  const callerActive = waitPhone(a, (s) => s.calls.some((c) => c.direction === 'outbound' && c.state === 'active'), 'the outbound call active', SETUP_TIMEOUT_MS)
  const calleeActive = waitPhone(b, (s) => s.calls.some((c) => c.direction === 'inbound' && c.state === 'active'), 'the inbound call active', SETUP_TIMEOUT_MS)
  const started = performance.now()
  tally.placed++
  const dialled = await a.bridge.api.invoke('phone.dial', { target: b.ext })
  const [callerSettled, calleeSettled] = await Promise.allSettled([callerActive, calleeActive])
  if (callerSettled.status === 'rejected' || calleeSettled.status === 'rejected') {
    const reasons = [callerSettled, calleeSettled].flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []))
    notes.push(`call ${a.name} → ${b.name} not up within ${SETUP_TIMEOUT_MS / 1000} s: ${reasons.join('; ')}`)
    tally.failed++
    await recoverStuckCall([a, b], notes)
    throw new SetupFailed(`call ${a.name} → ${b.name} did not come up`)
  }
  const [caller, callee] = [callerSettled.value, calleeSettled.value]
  const active = caller.snapshot.calls.find((c) => c.direction === 'outbound' && c.state === 'active')!
  if (active.id !== dialled.id) throw new Error(`${a.name}: another call (${active.id}) became active than the one dialled (${dialled.id})`)
  const calleeCall = callee.snapshot.calls.find((c) => c.direction === 'inbound' && c.state === 'active')!
  // Not timed: when the centre records every call, both sides start recording right after the
  // call is up; a real call lasts longer than that, and hanging up before it would race it.
  for (const [desk, id] of [[a, dialled.id], [b, calleeCall.id]] as const) {
    await waitPhone(desk, (s) => s.recordingPolicy !== 'all' || s.calls.some((c) => c.id === id && c.recording), 'the recording started')
  }
  return { ms: caller.at - started, calleeMs: callee.at - started, callId: dialled.id, calleeCallId: calleeCall.id }
}

/** The product call in `productCall`, retried (up to 3 tries) when it does not come up; failures are counted. */
async function productCallRetrying(a: Desk, b: Desk, notes: string[], tally: Tally): Promise<Awaited<ReturnType<typeof productCall>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await productCall(a, b, notes, tally)
    } catch (err) {
      if (!(err instanceof SetupFailed) || attempt >= 3) throw err
    }
  }
}

/**
 * What each side had when a call did not come up (main's view and the media engine's real
 * connections), then every live call ended and after-call work finished, so the next call
 * starts from idle.
 */
async function recoverStuckCall(desks: Desk[], notes: string[]): Promise<void> {
  for (const desk of desks) {
    const snapshot = await desk.bridge.api.invoke('phone.get')
    const engine = await desk.page
      .evaluate<unknown>(
        `(async () => { const m = window.__omniMedia; if (!m) return 'no test hook'; return Promise.all(m.callIds().map(async (id) => { const s = await m.stats(id); return s && { ice: s.iceConnectionState, in: s.inbound.packets, out: s.outbound.packets, dir: s.direction } })) })()`,
      )
      .catch((err: unknown) => String(err))
    notes.push(`  ${desk.name}: main ${JSON.stringify(snapshot.calls.map((c) => `${c.direction} ${c.state}${c.endCause ? ` (${c.endCause})` : ''}`))}, media engine ${JSON.stringify(engine)}`)
    for (const call of snapshot.calls.filter((c) => c.state !== 'ended')) {
      const method = call.state === 'ringing' ? 'phone.decline' : 'phone.hangup'
      await desk.bridge.api.invoke(method, { callId: call.id }).catch((err: unknown) => notes.push(`  ${desk.name}: ${method} failed: ${String(err)}`))
    }
  }
  for (const desk of desks) {
    const { snapshot } = await waitPhone(desk, (s) => s.calls.every((c) => c.state === 'ended'), 'every call ended after a failed set-up')
    if (snapshot.wrapUp) await desk.bridge.api.invoke('phone.wrapUp', { callId: snapshot.wrapUp.callId, disposition: null, ready: true })
  }
  for (const desk of desks) await agentReady(desk)
  await delay(SETTLE_MS)
}

/** Hang up from the caller; both agents finish after-call work (back to ready) and every recording reaches the server. */
async function productHangup(a: Desk, b: Desk, callId: string, notes: string[]): Promise<void> {
  await a.bridge.api.invoke('phone.hangup', { callId })
  for (const desk of [a, b]) {
    const { snapshot } = await waitPhone(desk, (s) => s.wrapUp !== null && s.calls.some((c) => c.id === s.wrapUp?.callId && c.state === 'ended'), 'after-call work')
    await desk.bridge.api.invoke('phone.wrapUp', { callId: snapshot.wrapUp!.callId, disposition: null, ready: true })
  }
  await agentReady(b)
  for (const desk of [a, b]) {
    try {
      await waitPhone(desk, (s) => s.recordingsPending <= desk.stuckRecordings && s.calls.every((c) => c.state === 'ended'), 'recordings delivered', 15_000)
    } catch {
      // The spool retries a failed upload after 30 s; the bench does not wait for that.
      const { recordingsPending } = await desk.bridge.api.invoke('phone.get')
      notes.push(`${desk.name}: ${recordingsPending - desk.stuckRecordings} recording(s) not delivered within 15 s of the call's end`)
      desk.stuckRecordings = recordingsPending
    }
  }
  await delay(SETTLE_MS)
}

// --- The baseline: JsSIP in a page -----------------------------------------------------------

async function openPageSide(browser: Browser, url: string, name: string, ext: string, notes: string[], closers: Closers): Promise<PageSide> {
  const { context, page, cdp } = await newContext(browser, notes, name, closers)
  await page.goto(url)
  await page.waitForFunction('typeof window.benchPhone === "object"', undefined, { timeout: 10_000 })
  return { name, ext, context, page, cdp }
}

function pageRegister(side: PageSide, wsUrl: string, autoAnswer: boolean): Promise<number> {
  const a = { wsUrl, uri: `sip:${side.ext}@${DOMAIN}`, password: SIP_PASSWORD, autoAnswer }
  return side.page.evaluate<number>(`benchPhone.register(${JSON.stringify(a)})`)
}

function pageCall(a: PageSide, b: PageSide): Promise<number> {
  return a.page.evaluate<number>(`benchPhone.call(${JSON.stringify(`sip:${b.ext}@${DOMAIN}`)})`)
}

async function pageHangup(a: PageSide, b: PageSide): Promise<void> {
  await a.page.evaluate('benchPhone.hangup()')
  await b.page.evaluate('benchPhone.idle()')
  await delay(SETTLE_MS)
}

// --- Memory ----------------------------------------------------------------------------------

interface HostMemory {
  heapUsed: number
  rss: number
  collected: boolean
}

async function hostMemory(child: BenchChild): Promise<HostMemory> {
  const reply = child.waitForLine((line) => {
    if (!line.startsWith('{"memory"')) return undefined
    return (JSON.parse(line) as { memory: HostMemory }).memory
  }, 20_000)
  child.process.stdin?.write('memory\n')
  return (await reply).value
}

async function pageMemory(cdp: CDPSession): Promise<{ heap: number; nodes: number; listeners: number }> {
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN
  return { heap: metric('JSHeapUsedSize'), nodes: metric('Nodes'), listeners: metric('JSEventListeners') }
}

const MB = 1024 * 1024

/** Samples every process once: the values by series label. */
async function sampleAll(desks: Desk[], pages: PageSide[]): Promise<Map<string, { unit: Series['unit']; value: number }>> {
  const values = new Map<string, { unit: Series['unit']; value: number }>()
  for (const desk of desks) {
    const m = await hostMemory(desk.host)
    values.set(`web host ${desk.name}: Node heap`, { unit: 'MB', value: m.heapUsed / MB })
    values.set(`web host ${desk.name}: RSS`, { unit: 'MB', value: m.rss / MB })
  }
  for (const side of [...desks, ...pages]) {
    const m = await pageMemory(side.cdp)
    values.set(`page ${side.name}: JS heap`, { unit: 'MB', value: m.heap / MB })
    values.set(`page ${side.name}: DOM nodes`, { unit: 'count', value: m.nodes })
    values.set(`page ${side.name}: JS listeners`, { unit: 'count', value: m.listeners })
  }
  return values
}

/** Collects samples at x positions (minutes or calls) into series. */
function seriesRecorder() {
  const byLabel = new Map<string, { unit: Series['unit']; points: Array<[number, number]> }>()
  return {
    add(x: number, values: Map<string, { unit: Series['unit']; value: number }>) {
      for (const [label, { unit, value }] of values) {
        const entry = byLabel.get(label) ?? { unit, points: [] }
        entry.points.push([x, value])
        byLabel.set(label, entry)
      }
    },
    series(): Series[] {
      return [...byLabel].map(([label, { unit, points }]) => ({
        label,
        unit,
        start: points[0]?.[1] ?? NaN,
        end: points.at(-1)?.[1] ?? NaN,
        slope: slope(points),
        points,
      }))
    },
  }
}

async function productRtp(desk: Desk, callId: string): Promise<number | null> {
  const stats = await desk.page.evaluate<{ inbound: { packets: number } } | null>(
    `window.__omniMedia ? window.__omniMedia.stats(${JSON.stringify(callId)}) : Promise.resolve(null)`,
  )
  return stats?.inbound.packets ?? null
}

async function pageRtp(side: PageSide): Promise<number | null> {
  const stats = await side.page.evaluate<{ inboundPackets: number } | null>('benchPhone.stats()')
  return stats?.inboundPackets ?? null
}

const rate = (from: number | null, to: number | null, seconds: number) => (from === null || to === null ? null : (to - from) / seconds)

// --- The measurement -------------------------------------------------------------------------

/** Everything, in this process; it must see loopback only (see runSoftphone). */
export async function measureSoftphone(options: { root: string; log: Log }): Promise<SoftphoneResult> {
  const { root, log } = options
  if (!loopbackOnly()) throw new Error('the softphone bench must run in a loopback-only network namespace (runSoftphone starts one)')
  const notes: string[] = []
  const setupStarted = performance.now()

  const kamailio = await startKamailio({ users: Object.values(EXT).map((username) => ({ username, password: SIP_PASSWORD })), domain: DOMAIN })
  const stopKamailio = onCleanup('kamailio', () => kamailio.stop())
  log(`softphone: kamailio at ${kamailio.wsUrl}`)

  const centre = await seedBenchCentre()
  const server = spawnTsChild(join(root, 'bench', 'support', 'server-child.ts'), { name: 'central server', cwd: root, args: [centre.dbFile] })
  const { value: serverReady } = await server.waitForLine((line) => readyLine<{ ready: true; url: string }>(line), 30_000)

  const hostA = startHost(root, serverReady.url, 'A')
  const hostB = startHost(root, serverReady.url, 'B')
  const [readyA, readyB] = await Promise.all([hostA.ready, hostB.ready])

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
  const closeBrowser = onCleanup('chromium (softphone)', () => browser.close())
  const pageHost = await startJsSipPageHost()
  const stopPageHost = onCleanup('JsSIP page host', () => pageHost.stop())
  const closers: Closers = []

  try {
    const a = await openDesk(browser, { child: hostA.child, ...readyA }, WEB_AGENTS[0]!.username, 'A', EXT.productA, notes, closers)
    const b = await openDesk(browser, { child: hostB.child, ...readyB }, WEB_AGENTS[1]!.username, 'B', EXT.productB, notes, closers)
    const pa = await openPageSide(browser, pageHost.url, "A'", EXT.pageA, notes, closers)
    const pb = await openPageSide(browser, pageHost.url, "B'", EXT.pageB, notes, closers)
    const desks = [a, b]
    const pages = [pa, pb]
    const autoAnswer = (side: { name: string }) => side.name.startsWith('B')
    const tally: Tally = { placed: 0, failed: 0 }
    const countSetupFailure = (err: unknown): null => {
      if (!(err instanceof SetupFailed)) throw err
      return null
    }

    await productRegister(a, kamailio.wsUrl, false)
    await productRegister(b, kamailio.wsUrl, true)
    await pageRegister(pa, kamailio.wsUrl, false)
    await pageRegister(pb, kamailio.wsUrl, true)
    const recordingPolicy = (await a.bridge.api.invoke('phone.get')).recordingPolicy
    const setupMs = performance.now() - setupStarted
    log(`softphone: set up in ${(setupMs / 1000).toFixed(1)} s (chromium ${browser.version()}, recording policy ${recordingPolicy}); warming up`)

    // One untimed call each way first: JIT, getUserMedia's first open, Kamailio's first dialog.
    await productHangup(a, b, (await productCallRetrying(a, b, notes, tally)).callId, notes)
    await pageCall(pa, pb)
    await pageHangup(pa, pb)

    // Registration, interleaved: product, page, product, …, alternating caller and callee sides.
    const regProduct: number[] = []
    const regAnswered: number[] = []
    const regPage: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const desk = desks[i % 2]!
      const side = pages[i % 2]!
      const r = await productRegister(desk, kamailio.wsUrl, autoAnswer(desk))
      regProduct.push(r.ms)
      regAnswered.push(r.answeredMs)
      regPage.push(await pageRegister(side, kamailio.wsUrl, autoAnswer(side)))
    }
    log(`softphone: registration p50 main-owned ${percentile([...regProduct].sort((x, y) => x - y), 50).toFixed(0)} ms, page ${percentile([...regPage].sort((x, y) => x - y), 50).toFixed(0)} ms`)

    // Call set-up, interleaved.
    const callProduct: number[] = []
    const callCallee: number[] = []
    const callPage: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const call = await productCall(a, b, notes, tally).catch(countSetupFailure)
      if (call) {
        callProduct.push(call.ms)
        callCallee.push(call.calleeMs)
        await productHangup(a, b, call.callId, notes)
      }
      callPage.push(await pageCall(pa, pb))
      await pageHangup(pa, pb)
    }
    log(`softphone: call set-up p50 main-owned ${percentile([...callProduct].sort((x, y) => x - y), 50).toFixed(0)} ms, page ${percentile([...callPage].sort((x, y) => x - y), 50).toFixed(0)} ms`)

    // The long call: both paths at once, sampled after a forced GC in every process.
    log(`softphone: a ${CALL_SEC} s call on both paths, memory sampled every ${SAMPLE_SEC} s`)
    const long = await productCallRetrying(a, b, notes, tally)
    await pageCall(pa, pb)
    const longSeries = seriesRecorder()
    const callStarted = performance.now()
    const rtpStart = { productA: await productRtp(a, long.callId), productB: await productRtp(b, long.calleeCallId), pageA: await pageRtp(pa), pageB: await pageRtp(pb) }
    const rtpStartAt = performance.now()
    longSeries.add(0, await sampleAll(desks, pages))
    for (let k = 1; k * SAMPLE_SEC <= CALL_SEC; k++) {
      await delay(Math.max(0, callStarted + k * SAMPLE_SEC * 1000 - performance.now()))
      longSeries.add((performance.now() - callStarted) / 60_000, await sampleAll(desks, pages))
    }
    const rtpEnd = { productA: await productRtp(a, long.callId), productB: await productRtp(b, long.calleeCallId), pageA: await pageRtp(pa), pageB: await pageRtp(pb) }
    const rtpSeconds = (performance.now() - rtpStartAt) / 1000
    const productUp = (await a.bridge.api.invoke('phone.get')).calls.some((c) => c.id === long.callId && c.state === 'active')
    const pageUp = (await pa.page.evaluate<unknown>('benchPhone.stats()')) !== null
    await productHangup(a, b, long.callId, notes)
    await pageHangup(pa, pb)
    const longCall: SoftphoneResult['longCall'] = {
      seconds: CALL_SEC,
      sampleEverySec: SAMPLE_SEC,
      packetsPerSec: {
        productA: rate(rtpStart.productA, rtpEnd.productA, rtpSeconds),
        productB: rate(rtpStart.productB, rtpEnd.productB, rtpSeconds),
        pageA: rate(rtpStart.pageA, rtpEnd.pageA, rtpSeconds),
        pageB: rate(rtpStart.pageB, rtpEnd.pageB, rtpSeconds),
      },
      stillUp: { product: productUp, page: pageUp },
      series: longSeries.series(),
    }

    // Short calls in sequence: set-up and tear-down again and again. Sampled before, right after,
    // and once JsSIP has let go of the finished transactions (kept 32 s: timers L and M).
    log(`softphone: ${SHORT_CALLS} short calls in sequence per path, then ${QUIET_SEC} s without calls`)
    const before = await sampleAll(desks, pages)
    let started = performance.now()
    for (let i = 1; i <= SHORT_CALLS; i++) {
      const call = await productCall(a, b, notes, tally).catch(countSetupFailure)
      if (call) await productHangup(a, b, call.callId, notes)
    }
    const productMs = performance.now() - started
    const afterProduct = await sampleAll(desks, [])
    started = performance.now()
    for (let i = 1; i <= SHORT_CALLS; i++) {
      await pageCall(pa, pb)
      await pageHangup(pa, pb)
    }
    const pageMs = performance.now() - started
    const afterPage = await sampleAll([], pages)
    await delay(QUIET_SEC * 1000)
    const settled = await sampleAll(desks, pages)
    const shortSeries: ShortSeries[] = [...before].map(([label, { unit, value }]) => {
      const end = (afterProduct.get(label) ?? afterPage.get(label))?.value ?? NaN
      const last = settled.get(label)?.value ?? NaN
      return { label, unit, start: value, end, settled: last, perCall: (last - value) / SHORT_CALLS }
    })

    if (tally.failed > 0) saveTrace(root, log)
    return {
      runs: RUNS,
      recordingPolicy,
      chromium: browser.version(),
      pageBundleBytes: pageHost.bundleBytes,
      setupMs,
      registration: { product: dist(regProduct), productAnswered: dist(regAnswered), page: dist(regPage) },
      call: { product: dist(callProduct), productCallee: dist(callCallee), page: dist(callPage), productSetupFailures: tally.failed, productCallsPlaced: tally.placed },
      longCall,
      shortCalls: { calls: SHORT_CALLS, quietSec: QUIET_SEC, productMs, pageMs, series: shortSeries },
      notes: notes.slice(0, 40),
    }
  } catch (err) {
    log(`softphone failed; kamailio's last lines:\n  ${kamailio.logs().split('\n').slice(-15).join('\n  ')}`)
    for (const host of [hostA.child, hostB.child]) log(`${host.name}'s last lines:\n  ${host.output.slice(-15).join('\n  ')}`)
    if (notes.length > 0) log(`from the pages:\n  ${notes.slice(-15).join('\n  ')}`)
    saveTrace(root, log)
    throw err
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined)
    await stopPageHost()
    await closeBrowser()
    await Promise.all([hostA.child.stop(), hostB.child.stop(), server.stop()])
    await stopKamailio()
  }
}

// --- Report ----------------------------------------------------------------------------------

export function renderSoftphoneTable(r: SoftphoneResult): string {
  const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'n/a')
  const pair = (label: string, system: Dist, baseline: Dist) =>
    `  ${label.padEnd(46)} p50 ${ms(system.p50).padStart(7)}  p95 ${ms(system.p95).padStart(7)}   JsSIP in a page p50 ${ms(baseline.p50).padStart(7)}  p95 ${ms(baseline.p95).padStart(7)}   p50 ratio ${(system.p50 / baseline.p50).toFixed(2)}×`
  const one = (label: string, d: Dist) => `  ${label.padEnd(46)} p50 ${ms(d.p50).padStart(7)}  p95 ${ms(d.p95).padStart(7)}`
  const value = (v: number, unit: Series['unit']) => (unit === 'MB' ? `${v.toFixed(1)} MB` : v.toFixed(0))
  const signed = (v: number, unit: Series['unit']) =>
    Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${unit === 'MB' ? `${v.toFixed(2)} MB` : v.toFixed(1)}` : 'n/a'
  const header = `    ${'process: measure'.padEnd(30)} ${'start'.padStart(9)} ${'end'.padStart(9)} ${'per minute'.padStart(11)} ${'over 20 min'.padStart(13)}`
  const shortHeader = `    ${'process: measure'.padEnd(30)} ${'before'.padStart(9)} ${'after'.padStart(9)} ${`+${r.shortCalls.quietSec} s`.padStart(9)} ${'per call'.padStart(11)} ${'per 100 calls'.padStart(13)}`
  // RSS follows the allocator returning pages to the system, not what is kept: no projection.
  const row = (s: Series) =>
    `    ${s.label.padEnd(30)} ${value(s.start, s.unit).padStart(9)} ${value(s.end, s.unit).padStart(9)} ${signed(s.slope, s.unit).padStart(11)} ${(s.label.endsWith('RSS') ? '—' : signed(s.slope * 20, s.unit)).padStart(13)}`
  const shortRow = (s: ShortSeries) =>
    `    ${s.label.padEnd(30)} ${value(s.start, s.unit).padStart(9)} ${value(s.end, s.unit).padStart(9)} ${value(s.settled, s.unit).padStart(9)} ${signed(s.perCall, s.unit).padStart(11)} ${signed(s.perCall * 100, s.unit).padStart(13)}`
  const pps = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)}/s`)
  const l = r.longCall
  return [
    `Softphone on loopback through Kamailio: main-owned (web host's JsSIP, its page as media engine) beside JsSIP inside a page, ${r.runs} runs each, interleaved`,
    pair('register: configure → registered', r.registration.product, r.registration.page),
    one('  configure answered (account saved, UA started)', r.registration.productAnswered),
    pair('call: dial → caller active (INVITE … confirmed)', r.call.product, r.call.page),
    one('  dial → callee active (auto-answer)', r.call.productCallee),
    `  main-owned calls not up within ${SETUP_TIMEOUT_MS / 1000} s: ${r.call.productSetupFailures} of ${r.call.productCallsPlaced} placed${r.call.productSetupFailures > 0 ? ' (ended and left out of the timings; see the notes)' : ''}`,
    `  recording policy ${r.recordingPolicy} (main-owned calls are also recorded and uploaded); chromium ${r.chromium}; set-up ${(r.setupMs / 1000).toFixed(1)} s`,
    `Long call: ${l.seconds} s on both paths at once; every process sampled after a forced GC every ${l.sampleEverySec} s; least-squares slope`,
    `  RTP received: main-owned A ${pps(l.packetsPerSec.productA)}, B ${pps(l.packetsPerSec.productB)}; page-only A' ${pps(l.packetsPerSec.pageA)}, B' ${pps(l.packetsPerSec.pageB)}; up at the end: main-owned ${l.stillUp.product}, page-only ${l.stillUp.page}`,
    header,
    ...l.series.map(row),
    `Short calls: ${r.shortCalls.calls} in sequence per path (main-owned ${(r.shortCalls.productMs / 1000).toFixed(1)} s with wrap-up and recording upload, page-only ${(r.shortCalls.pageMs / 1000).toFixed(1)} s); kept per call = (+${r.shortCalls.quietSec} s − before) / calls`,
    shortHeader,
    ...r.shortCalls.series.map(shortRow),
    ...(r.notes.length > 0 ? ['  notes:', ...r.notes.slice(0, 20).map((n) => `    ${n}`)] : []),
  ].join('\n')
}
