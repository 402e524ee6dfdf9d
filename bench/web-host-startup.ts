/**
 * Web host cold start (spawn → login form usable in Chromium) beside a trivial Node static
 * server, and login → shell beside the bare login HTTP round trip.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Browser, Page } from '@playwright/test'
import { readyLine, spawnTsChild, type BenchChild } from './support/child'
import { onCleanup } from './support/cleanup'
import { login } from './support/http'
import { BENCH_PASSWORD, WEB_AGENTS } from './support/seed'
import { median, summarize, type Summary } from './stats'
import { waitUsable } from './support/wait-usable'

export interface WebHostOptions {
  root: string
  serverUrl: string
  browser: Browser
  runs: number
  log: (line: string) => void
}

/** One cold start: spawn → URL printed (process ready) and spawn → input usable (what the agent sees). */
export interface ColdStart {
  urlPrintedMs: number
  inputReadyMs: number
}

export interface ColdStartSummary {
  samples: ColdStart[]
  inputReady: Summary
  urlPrinted: Summary
  /** URL printed → input usable: page load, scripts, and (for the web host) the bridge handshake. */
  pageLoad: Summary
}

export interface WebHostResult {
  webHost: ColdStartSummary
  staticBaseline: ColdStartSummary
  loginToShell: { samples: number[]; median: number; summary: Summary }
  loginHttpBaseline: { samples: number[]; median: number; summary: Summary }
}


const STATIC_CHILD = join(import.meta.dirname, 'support', 'static-child.ts')
/** cli.ts prints the page address with the launch secret in its fragment. */
const WEB_HOST_URL = /(https?:\/\/\S+\/#k=\S+)/

async function newPage(browser: Browser): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  const close = onCleanup('browser context', () => context.close())
  return { page: await context.newPage(), close }
}

/** From `child`'s spawn to the username input being visible and enabled. */
async function coldStart(child: BenchChild, page: Page, urlOf: (line: string) => string | undefined): Promise<ColdStart> {
  const { value: url, at } = await child.waitForLine(urlOf, 60_000)
  await page.goto(url, { waitUntil: 'commit', timeout: 30_000 })
  await waitUsable(page, 'login-username', true)
  const ready = performance.now()
  return { urlPrintedMs: at - child.spawnedAt, inputReadyMs: ready - child.spawnedAt }
}

async function staticRun(browser: Browser): Promise<ColdStart> {
  const { page, close } = await newPage(browser)
  const child = spawnTsChild(STATIC_CHILD, { name: 'static baseline server' })
  try {
    return await coldStart(child, page, (line) => readyLine<{ ready: true; url: string }>(line)?.url)
  } finally {
    await close()
    await child.stop()
  }
}

async function webHostRun(options: WebHostOptions, agent: { username: string }): Promise<{ cold: ColdStart; loginMs: number; child: BenchChild }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omni-bench-desk-'))
  const removeDataDir = onCleanup(`temp dir ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }))
  const { page, close } = await newPage(options.browser)
  const child = spawnTsChild(join(options.root, 'src', 'main', 'web-host', 'cli.ts'), {
    name: 'web host',
    cwd: options.root,
    args: ['--server', options.serverUrl, '--host', '127.0.0.1', '--port', '0', '--data', dataDir],
  })
  try {
    const cold = await coldStart(child, page, (line) => WEB_HOST_URL.exec(line)?.[1])

    // The server field is filled from the host's default server; fill it only if it is not.
    const server = page.getByTestId('login-server')
    if ((await server.inputValue()) === '') await server.fill(options.serverUrl)

    const started = performance.now()
    await page.getByTestId('login-username').fill(agent.username)
    await page.getByTestId('login-password').fill(BENCH_PASSWORD)
    await page.getByTestId('login-submit').click()
    await waitUsable(page, 'shell', false)
    const loginMs = performance.now() - started
    return { cold, loginMs, child }
  } catch (err) {
    const shot = join(options.root, 'bench', 'results', `web-host-failure-${Date.now()}.png`)
    await page.screenshot({ path: shot }).then(
      () => options.log(`screenshot of the failure: ${shot}`),
      () => undefined,
    )
    throw err
  } finally {
    await close()
    await child.stop()
    await removeDataDir()
  }
}

export async function runWebHostStartup(options: WebHostOptions): Promise<WebHostResult> {
  const { log } = options
  const hostRuns: ColdStart[] = []
  const staticRuns: ColdStart[] = []
  const loginRuns: number[] = []
  const httpLogins: number[] = []
  let hostOutput: string[] = []

  for (let i = 0; i < options.runs; i++) {
    const agent = WEB_AGENTS[i % WEB_AGENTS.length]!
    const baseline = await staticRun(options.browser)
    staticRuns.push(baseline)
    const { cold, loginMs, child } = await webHostRun(options, agent)
    hostRuns.push(cold)
    loginRuns.push(loginMs)
    hostOutput = child.output
    const http = await login(options.serverUrl, agent.username, BENCH_PASSWORD)
    httpLogins.push(http.ms)
    log(
      `run ${i + 1}/${options.runs}: static ${baseline.inputReadyMs.toFixed(0)} ms, web host ${cold.inputReadyMs.toFixed(0)} ms ` +
        `(URL printed at ${cold.urlPrintedMs.toFixed(0)} ms), login→shell ${loginMs.toFixed(0)} ms, HTTP login ${http.ms.toFixed(0)} ms (${agent.username})`,
    )
  }
  const unexpected = hostOutput.filter((line) => !line.includes('web host ready') && !WEB_HOST_URL.test(line))
  if (unexpected.length > 0) log(`web host output besides its URL (last run):\n  ${unexpected.join('\n  ')}`)

  const coldSummary = (runs: ColdStart[]): ColdStartSummary => ({
    samples: runs,
    inputReady: summarize(runs.map((r) => r.inputReadyMs)),
    urlPrinted: summarize(runs.map((r) => r.urlPrintedMs)),
    pageLoad: summarize(runs.map((r) => r.inputReadyMs - r.urlPrintedMs)),
  })
  return {
    webHost: coldSummary(hostRuns),
    staticBaseline: coldSummary(staticRuns),
    loginToShell: { samples: loginRuns, median: median(loginRuns), summary: summarize(loginRuns) },
    loginHttpBaseline: { samples: httpLogins, median: median(httpLogins), summary: summarize(httpLogins) },
  }
}
