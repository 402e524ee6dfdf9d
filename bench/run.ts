/**
 * `npm run bench`: server fan-out, web host start-up and the desktop's local cache (KB search on
 * 100,000 articles, initial sync), each beside a baseline measured in the same run (ratios hold
 * on a noisy machine where absolute figures do not). Loopback only; every process, socket,
 * browser and temp folder started here is stopped at the end, also on failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium } from '@playwright/test'
import playwrightConfig from '../playwright.config'
import { runFanout, startRelay, type FanoutResult } from './fanout'
import { renderInboxLoadTable, runInboxLoad, type InboxLoadResult } from './inbox-load'
import { renderInboxRendererTable, runInboxRenderer, type InboxRendererResult } from './inbox-renderer'
import { renderKbSearchTable, runKbSearchBench, type KbSearchBenchResult } from './kb-search'
import { runOutboxReplay, type OutboxReplayResult } from './outbox-replay'
import { renderTable } from './report'
import { readyLine, spawnTsChild, type BenchChild } from './support/child'
import { onCleanup, runCleanup } from './support/cleanup'
import { ensureRendererBuilt } from './support/renderer-build'
import { seedBenchCentre } from './support/seed'
import { renderSoftphoneTable, runSoftphone, softphoneBudgetMs, type SoftphoneResult } from './softphone'
import { runWebHostStartup, type WebHostResult } from './web-host-startup'

const ROOT = resolve(import.meta.dirname, '..')
const RESULTS_DIR = join(ROOT, 'bench', 'results')
/** The whole run should take well under this; past it everything is stopped. (About 1 min for fan-out and start-up, 1 for the inbox renderer, 1.5 for the inbox load, 3 for the cache.) */
const WATCHDOG_MS = 780_000 + softphoneBudgetMs()
/** `BENCH_ONLY=inbox` runs only the inbox load part (results in bench/results/latest-inbox.json); `BENCH_ONLY=inbox-renderer` only the inbox renderer part (latest-inbox-renderer.json); `BENCH_ONLY=softphone` only the softphone (latest-softphone.json). */
const ONLY = process.env.BENCH_ONLY

const t0 = performance.now()
const log = (line: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}`)

/** Launch flags shared with the e2e tests, so the bench's Chromium behaves like theirs. */
const CHROMIUM_ARGS = playwrightConfig.use?.launchOptions?.args ?? ['--no-sandbox', '--disable-gpu']
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

async function startServer(dbFile: string): Promise<{ child: BenchChild; url: string }> {
  const child = spawnTsChild(join(ROOT, 'bench', 'support', 'server-child.ts'), { name: 'central server', cwd: ROOT, args: [dbFile] })
  const { value } = await child.waitForLine((line) => readyLine<{ ready: true; url: string }>(line), 30_000)
  return { child, url: value.url }
}

/** Lines a child wrote besides its ready line: warnings and errors worth a look. */
function extraOutput(child: BenchChild): string[] {
  return child.output.filter((line) => !(line.startsWith('out| ') && readyLine(line.slice(5))))
}

async function main(): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true })
  log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  if (ONLY === 'inbox') return inboxOnly()
  if (ONLY === 'inbox-renderer') return inboxRendererOnly()
  if (ONLY === 'softphone') return softphoneOnly()
  if (ONLY !== undefined) throw new Error(`BENCH_ONLY=${ONLY}: only 'inbox', 'inbox-renderer' and 'softphone' are known`)

  const build = await ensureRendererBuilt(ROOT, log)
  if (build.built) log(`renderer built in ${(build.ms / 1000).toFixed(1)} s`)

  const centre = await seedBenchCentre()
  const server = await startServer(centre.dbFile)
  log(`central server at ${server.url} (pid ${server.child.process.pid})`)

  let fanout: FanoutResult | undefined
  let web: WebHostResult | undefined
  let kbSearch: KbSearchBenchResult | undefined
  let replay: OutboxReplayResult | undefined
  let inbox: InboxLoadResult | undefined
  let inboxRenderer: InboxRendererResult | undefined
  let softphone: SoftphoneResult | undefined
  const notes: string[] = []
  try {
    const relay = await startRelay()
    log(`raw relay at ${relay.url} (pid ${relay.child.process.pid})`)
    fanout = await runFanout({ serverUrl: server.url, rounds: 200, blocks: 4, warmupRounds: 10, gapMs: 10, roundTimeoutMs: 3_000, log }, relay.url)
    await relay.child.stop()
    notes.push(...extraOutput(relay.child).map((l) => `relay: ${l}`))

    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
    const closeBrowser = onCleanup('chromium', () => browser.close())
    log(`chromium ${browser.version()} launched`)
    web = await runWebHostStartup({ root: ROOT, serverUrl: server.url, browser, runs: 5, log })
    inboxRenderer = await runInboxRenderer({ root: ROOT, log, browser })
    await closeBrowser()
    await server.child.stop()
    inbox = await runInboxLoad({ root: ROOT, log })
    // The cache runs on its own: nothing else of the bench competes with it for the CPU.
    kbSearch = await runKbSearchBench({ root: ROOT, log, alternatives: process.env.BENCH_KB_ALTERNATIVES === '1' })
    replay = await runOutboxReplay({ root: ROOT, log })
    softphone = await runSoftphone({ root: ROOT, log })
  } finally {
    await server.child.stop()
    notes.push(...extraOutput(server.child).map((l) => `server: ${l}`))
    const table = renderTable(fanout, web)
    if (table) console.log(`\n${table}`)
    if (inboxRenderer) console.log(`\n${renderInboxRendererTable(inboxRenderer)}`)
    if (inbox) console.log(`\n${renderInboxLoadTable(inbox)}`)
    if (kbSearch) console.log(`\n${renderKbSearchTable(kbSearch)}`)
    if (replay) console.log(`\n${renderReplay(replay)}`)
    if (softphone) console.log(`\n${renderSoftphoneTable(softphone)}`)
    if (notes.length > 0) console.log(`\nchild process output besides ready lines:\n  ${notes.slice(0, 40).join('\n  ')}`)
    const file = join(RESULTS_DIR, 'latest.json')
    writeFileSync(
      file,
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, complete: !!(fanout && web && inboxRenderer && inbox && kbSearch && replay && softphone), fanout, web, inboxRenderer, inbox, kbSearch, replay, softphone, notes }, null, 2)}\n`,
    )
    log(`results written to ${file}`)
  }
}

async function inboxOnly(): Promise<void> {
  let inbox: InboxLoadResult | undefined
  try {
    inbox = await runInboxLoad({ root: ROOT, log })
  } finally {
    if (inbox) console.log(`\n${renderInboxLoadTable(inbox)}`)
    const file = join(RESULTS_DIR, 'latest-inbox.json')
    writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, complete: !!inbox, inbox }, null, 2)}\n`)
    log(`results written to ${file}`)
  }
}

async function inboxRendererOnly(): Promise<void> {
  let result: InboxRendererResult | undefined
  try {
    const build = await ensureRendererBuilt(ROOT, log)
    if (build.built) log(`renderer built in ${(build.ms / 1000).toFixed(1)} s`)
    result = await runInboxRenderer({ root: ROOT, log, chromiumPath: CHROMIUM_PATH, chromiumArgs: CHROMIUM_ARGS })
  } finally {
    if (result) console.log(`\n${renderInboxRendererTable(result)}`)
    const file = join(RESULTS_DIR, 'latest-inbox-renderer.json')
    writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, complete: !!result, inboxRenderer: result }, null, 2)}\n`)
    log(`results written to ${file}`)
  }
}

async function softphoneOnly(): Promise<void> {
  let result: SoftphoneResult | undefined
  try {
    result = await runSoftphone({ root: ROOT, log })
  } finally {
    if (result) console.log(`\n${renderSoftphoneTable(result)}`)
    const file = join(RESULTS_DIR, 'latest-softphone.json')
    writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, complete: !!result, softphone: result }, null, 2)}\n`)
    log(`results written to ${file}`)
  }
}

function renderReplay(r: OutboxReplayResult): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  return [
    `Replay of ${r.operations} operations queued offline, after the central server comes back`,
    `  desktop outbox → server   ${s(r.replayMs)}  (${Math.round(r.opsPerSecond)} ops/s)`,
    `  baseline: bare socket.io  ${s(r.baselineMs)}  (${Math.round(r.baselineOpsPerSecond)} ops/s)   ratio ${(r.replayMs / r.baselineMs).toFixed(2)}`,
    `  queued offline in         ${s(r.enqueueMs)}`,
    `  lost ${r.lost}, duplicated ${r.duplicated}${r.landedOnce ? ' — every operation landed exactly once' : ' — NOT EXACTLY ONCE'}`,
  ].join('\n')
}

const watchdog = setTimeout(() => {
  console.error(`[bench] still running after ${WATCHDOG_MS / 1000} s: stopping everything`)
  void runCleanup().finally(() => process.exit(1))
}, WATCHDOG_MS)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: stopping everything`)
    void runCleanup().finally(() => process.exit(130))
  })
}

let exitCode = 0
try {
  await main()
} catch (err) {
  exitCode = 1
  console.error('[bench] failed:', err)
} finally {
  await runCleanup()
  clearTimeout(watchdog)
}
log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
process.exit(exitCode)
