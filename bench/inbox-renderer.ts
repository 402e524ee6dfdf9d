/**
 * The renderer half of issue 4's figures: an agent's desktop (the web host in Chromium) holding
 * 10,000 conversations, scrolled top to bottom while customers write 50 messages a second, and
 * the time to open a conversation of 500 messages. Each beside a baseline from the same run:
 * the same scroll with no updates, a plain static page of 10,000 rows in the same browser, and
 * opening a conversation of 5 messages.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium, type Browser, type Page } from '@playwright/test'
import { createRandom } from '../src/server/seed/random'
import { percentile, summarize, type Summary } from './stats'
import { readyLine, spawnTsChild, type BenchChild } from './support/child'
import { onCleanup } from './support/cleanup'
import { coresUsed, sampleProcess, type ProcSample } from './support/proc-usage'
import { followUpText, RENDER_AGENT, RENDER_PASSWORD, seedRendererCentre, type RendererCentre } from './support/inbox-renderer-seed'

export interface InboxRendererOptions {
  root: string
  log: (line: string) => void
  /** The bench's Chromium; launched here (and closed) when not given. */
  browser?: Browser
  chromiumPath?: string
  chromiumArgs?: string[]
  conversations?: number
  /** Each scroll, top to bottom of the list. */
  scrollMs?: number
  /** Static, quiet and updating scrolls are interleaved this many times. */
  rounds?: number
  updatesPerSecond?: number
  /** Opens of each conversation (after one warm-up open of each). */
  openRuns?: number
  /** Also scroll 10,000 plain DOM rows once, for reference (default true). */
  staticDom?: boolean
}

export interface FrameStats {
  /** Frame intervals (ms) measured with requestAnimationFrame. */
  frames: number
  p50: number
  p95: number
  p99: number
  max: number
  /** Frames a 60 Hz display would have shown that were not produced (interval / 16.7 ms − 1, summed). */
  dropped: number
  /** dropped / (frames + dropped). */
  droppedShare: number
  /** long-animation-frame entries (≥ 50 ms of main-thread work in one frame), if Chromium reports them. */
  longAnimationFrames: number | null
  /** Frames on which a row still showed its placeholder (its page of 100 not read yet). */
  placeholderFrames: number
  /** Scroll stopped at the bottom → every row on screen filled (the list catching up with its page reads), median of the runs. */
  settleMs: number
  pxPerSecond: number
  /** Cores busy during the scrolls (1 = one core all the time): the central server, the web host, and the whole machine (everything, other sessions included). */
  cpu: { server: number; webHost: number; machine: number }
  /** Per frame: style and layout forced by setting scrollTop (the work the frame's DOM changes caused), p50 and p95. */
  layoutP50: number
  layoutP95: number
}

export interface OpenStats {
  samples: number[]
  summary: Summary
  /** Messages shown when it counted as open (the newest page; older ones load on scrolling up). */
  shown: number
  total: number
}

export interface InboxRendererResult {
  conversations: number
  seedMs: number
  /** Login → the inbox list says 10,000 (the initial sync of the conversations to the desktop). */
  loginToFullInboxMs: number
  viewport: { width: number; height: number }
  scroll: {
    /** Baseline: a hand-written virtual list of the same rows on a trivial page (see plainVirtualListHtml). */
    plainList: FrameStats
    /** For reference, one run: the same rows as 10,000 plain DOM elements. Null when left out (BENCH_RENDERER_STATIC_DOM=0). */
    staticDom: FrameStats | null
    quiet: FrameStats
    updating: FrameStats
    rounds: number
    scrollMs: number
  }
  updates: {
    wanted: number
    sent: number
    filed: number
    failed: number
    perSecond: number
    /** Inbox.receive in the server (transaction and commit), per message. */
    receiveMs: Summary
    /** The unread total on screen reached before + filed this long after the last message was sent (null: it did not within 30 s). */
    screenCaughtUpMs: number | null
    /** Unread-count changes of rows on screen seen during the updating scrolls (updates that reached the rows). */
    rowUpdatesSeen: number
  }
  open: { big: OpenStats; small: OpenStats }
}

const FRAME_MS = 1000 / 60
const LIST = '[data-testid="conversation-list"]'
/** cli.ts prints the page address with the launch secret in its fragment. */
const WEB_HOST_URL = /(https?:\/\/\S+\/#k=\S+)/

/**
 * Evaluates `expression` (a string: a CDP evaluation is exempt from the renderer's CSP, and tsx
 * does not rewrite it with helpers that would not exist in the page).
 */
async function inPage<T>(page: Page, expression: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await page.evaluate(expression)) as T
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error) || !/context was destroyed|navigat/i.test(err.message)) throw err
    }
  }
}

/** Resolves when the JS condition holds, checked on every animation frame. */
function waitFor(page: Page, condition: string, what: string, timeoutMs: number): Promise<void> {
  return inPage(
    page,
    `new Promise((resolve, reject) => {
      const deadline = performance.now() + ${timeoutMs}
      const tick = () => {
        let ok = false
        try { ok = !!(${condition}) } catch (e) { ok = false }
        if (ok) resolve(true)
        else if (performance.now() > deadline) reject(new Error(${JSON.stringify(`${what}: not within ${timeoutMs} ms`)}))
        else requestAnimationFrame(tick)
      }
      tick()
    })`,
  )
}

interface ScrollSample {
  cpu?: { server: number; webHost: number; machine: number }
  deltas: number[]
  layout: number[]
  longFrames: number[]
  placeholderFrames: number
  rowUpdates: number
  distance: number
  ms: number
  settleMs: number
}

/**
 * Scrolls `selector` from top to bottom in `durationMs` at a steady speed (scrollTop set from the
 * elapsed time on each animation frame, so a late frame jumps further rather than slowing the
 * scroll), recording every frame interval.
 */
function scrollScript(selector: string, durationMs: number): string {
  return `new Promise((resolve, reject) => {
    const el = document.querySelector(${JSON.stringify(selector)})
    if (!el) { reject(new Error('nothing to scroll: ${selector}')); return }
    const distance = el.scrollHeight - el.clientHeight
    const deltas = []
    const layout = []
    const longFrames = []
    let observer = null
    try {
      observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longFrames.push(e.duration) })
      observer.observe({ type: 'long-animation-frame' })
    } catch (e) { observer = null }
    let rowUpdates = 0
    const mutations = new MutationObserver((records) => { for (const r of records) if (r.attributeName === 'data-unread') rowUpdates++ })
    mutations.observe(el, { subtree: true, attributes: true, attributeFilter: ['data-unread'] })
    let placeholderFrames = 0
    let start = null
    let last = null
    const tick = (ts) => {
      if (start === null) { start = ts; last = ts; requestAnimationFrame(tick); return }
      deltas.push(ts - last)
      last = ts
      if (el.querySelector('.inbox-row--loading')) placeholderFrames++
      const progress = Math.min(1, (ts - start) / ${durationMs})
      // Setting scrollTop needs an up-to-date layout: this is the style and layout of what changed since the last frame.
      const before = performance.now()
      el.scrollTop = progress * distance
      layout.push(performance.now() - before)
      if (progress < 1) { requestAnimationFrame(tick); return }
      const ms = ts - start
      if (observer) observer.disconnect()
      // Stopped at the bottom: how long until every row on screen shows its conversation.
      const settle = (now) => {
        if (el.querySelector('.inbox-row--loading') && now - ts < 30000) { requestAnimationFrame(settle); return }
        mutations.disconnect()
        resolve({ deltas, layout, longFrames: observer ? longFrames : null, placeholderFrames, rowUpdates, distance, ms, settleMs: now - ts })
      }
      requestAnimationFrame(settle)
    }
    requestAnimationFrame(() => requestAnimationFrame(tick))
  })`
}

async function scrollOnce(page: Page, selector: string, durationMs: number): Promise<ScrollSample> {
  await inPage(page, `(() => { document.querySelector(${JSON.stringify(selector)}).scrollTop = 0; return true })()`)
  // Back at the top with its rows read: each run starts from the same state.
  await waitFor(page, `!document.querySelector(${JSON.stringify(`${selector} .inbox-row--loading`)})`, 'rows at the top read', 15_000)
  return inPage<ScrollSample>(page, scrollScript(selector, durationMs))
}

/** Busy and total CPU time of the whole machine (ms, all cores), from /proc/stat. */
function machineCpu(): { at: number; busyMs: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0)
    return { at: performance.now(), busyMs: ((total - idle) * 1000) / 100 }
  } catch {
    return undefined
  }
}

/** Runs `work` and adds how busy the server, the web host and the machine were meanwhile. */
async function withCpu(pids: { server: number | undefined; webHost: number | undefined }, work: () => Promise<ScrollSample>): Promise<ScrollSample> {
  const before: [ProcSample | undefined, ProcSample | undefined] = [sampleProcess(pids.server), sampleProcess(pids.webHost)]
  const machineBefore = machineCpu()
  const sample = await work()
  const machineAfter = machineCpu()
  const machine = machineBefore && machineAfter ? (machineAfter.busyMs - machineBefore.busyMs) / (machineAfter.at - machineBefore.at) : Number.NaN
  return { ...sample, cpu: { server: coresUsed(before[0], sampleProcess(pids.server)), webHost: coresUsed(before[1], sampleProcess(pids.webHost)), machine } }
}

function frameStats(samples: ScrollSample[]): FrameStats {
  const deltas = samples.flatMap((s) => s.deltas).sort((a, b) => a - b)
  const layout = samples.flatMap((s) => s.layout).sort((a, b) => a - b)
  const dropped = deltas.reduce((sum, d) => sum + Math.max(0, Math.round(d / FRAME_MS) - 1), 0)
  const long = samples.every((s) => s.longFrames !== null) ? samples.reduce((n, s) => n + (s.longFrames?.length ?? 0), 0) : null
  const distance = samples.reduce((n, s) => n + s.distance, 0)
  const ms = samples.reduce((n, s) => n + s.ms, 0)
  return {
    frames: deltas.length,
    p50: percentile(deltas, 50),
    p95: percentile(deltas, 95),
    p99: percentile(deltas, 99),
    max: deltas.at(-1) ?? Number.NaN,
    dropped,
    droppedShare: dropped / Math.max(1, deltas.length + dropped),
    longAnimationFrames: long,
    placeholderFrames: samples.reduce((n, s) => n + s.placeholderFrames, 0),
    settleMs: percentile(samples.map((s) => s.settleMs).sort((a, b) => a - b), 50),
    pxPerSecond: ms > 0 ? (distance / ms) * 1000 : 0,
    cpu: {
      server: mean(samples.map((s) => s.cpu?.server ?? Number.NaN)),
      webHost: mean(samples.map((s) => s.cpu?.webHost ?? Number.NaN)),
      machine: mean(samples.map((s) => s.cpu?.machine ?? Number.NaN)),
    },
    layoutP50: percentile(layout, 50),
    layoutP95: percentile(layout, 95),
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)

const BASELINE_NAMES = ['王先生', '李女士', '张先生', '刘女士', '陈先生', '杨女士', '赵先生', '黄女士']
const BASELINE_SUBJECTS = ['在线客服', '宽带用户交流群', '话费答疑群', '关于本月话费账单的疑问']
const BASELINE_CSS = `
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif }
  .row { height: 100px; box-sizing: border-box; padding: 10px 14px; border-bottom: 1px solid #e5e7eb; overflow: hidden }
  .top { display: flex; justify-content: space-between } .subject, .preview { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: #555 }`

/**
 * The baseline: a trivial page with a hand-written virtual list of the same rows (fixed 100 px,
 * a pool of row elements moved and refilled on scroll, no framework, no data reads), in a box of
 * the inbox list's size. The least work a browser must do to show a scrolling list of 10,000.
 */
function plainVirtualListHtml(rows: number, width: number, height: number): string {
  const random = createRandom(7)
  const previews = Array.from({ length: 64 }, () => followUpText(random))
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>baseline</title><style>${BASELINE_CSS}
    #list { overflow: auto; width: ${width}px; height: ${height}px; position: relative }
    .row { position: absolute; left: 0; right: 0; top: 0 }
  </style></head><body><div id="list"><div id="inner" style="height: ${rows * 100}px"></div></div><script>
    const names = ${JSON.stringify(BASELINE_NAMES)}, subjects = ${JSON.stringify(BASELINE_SUBJECTS)}, previews = ${JSON.stringify(previews)}
    const list = document.getElementById('list'), inner = document.getElementById('inner')
    const pool = Array.from({ length: Math.ceil(${height} / 100) + 2 }, () => {
      const row = document.createElement('div')
      row.className = 'row'
      row.innerHTML = '<div class="top"><b></b><time></time></div><div class="subject"></div><div class="preview"></div>'
      inner.appendChild(row)
      return { row, name: row.querySelector('b'), time: row.querySelector('time'), subject: row.querySelector('.subject'), preview: row.querySelector('.preview') }
    })
    const render = () => {
      const first = Math.floor(list.scrollTop / 100)
      pool.forEach((slot, k) => {
        const i = Math.min(${rows} - 1, first + k)
        slot.row.style.transform = 'translateY(' + i * 100 + 'px)'
        slot.name.textContent = names[i % names.length]
        slot.time.textContent = (10 + (i % 12)) + ':' + String(i % 60).padStart(2, '0')
        slot.subject.textContent = subjects[i % subjects.length]
        slot.preview.textContent = previews[i % previews.length]
      })
    }
    list.addEventListener('scroll', render)
    render()
  </script></body></html>`
}

/** For reference: the same rows as 10,000 plain DOM elements (no virtualisation). */
function staticDomListHtml(rows: number, width: number, height: number): string {
  const random = createRandom(7)
  const body = Array.from(
    { length: rows },
    (_, i) =>
      `<div class="row"><div class="top"><b>${random.pick(BASELINE_NAMES)}</b><time>${10 + (i % 12)}:${String(i % 60).padStart(2, '0')}</time></div>` +
      `<div class="subject">${random.pick(BASELINE_SUBJECTS)}</div><div class="preview">${followUpText(random)}</div></div>`,
  ).join('')
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>static rows</title><style>${BASELINE_CSS}
    #list { overflow: auto; width: ${width}px; height: ${height}px }
  </style></head><body><div id="list">${body}</div></body></html>`
}

/** Opens the conversation by clicking its row; resolves when its last message is rendered in view. */
function openScript(conversationId: string, lastMessageId: string, expectedCount: number): string {
  return `new Promise((resolve, reject) => {
    const row = document.querySelector('[data-testid="conversation-row"][data-id="${conversationId}"]')
    if (!row) { reject(new Error('row ${conversationId} not on screen')); return }
    const started = performance.now()
    row.click()
    const deadline = started + 20000
    const tick = () => {
      const list = document.querySelector('[data-testid="conversation-pane"][data-id="${conversationId}"] [data-testid="message-list"]')
      const last = list && list.querySelector('[data-testid="message"][data-id="${lastMessageId}"]')
      if (list && Number(list.dataset.count) === ${expectedCount} && last) {
        const box = list.getBoundingClientRect()
        const item = last.getBoundingClientRect()
        if (item.height > 0 && item.bottom <= box.bottom + 1 && item.bottom > box.top) { resolve(performance.now() - started); return }
      }
      if (performance.now() > deadline) { reject(new Error('conversation ${conversationId} not shown within 20 s')); return }
      requestAnimationFrame(tick)
    }
    tick()
  })`
}

/** Files customer messages on random open conversations of the agent at a steady rate, through the server's Inbox.receive. */
class UpdateDriver {
  private timer: NodeJS.Timeout | undefined
  private started = 0
  private wantedInRun = 0
  sent = 0
  lastSentAt = 0
  private readonly random = createRandom(50)

  constructor(
    private readonly server: BenchChild,
    private readonly centre: RendererCentre,
    private readonly perSecond: number,
  ) {}

  start(): void {
    this.started = performance.now()
    this.wantedInRun = 0
    // Every 20 ms, as many as are due: the rate holds even when a timer fires late.
    this.timer = setInterval(() => this.tick(), 20)
    this.tick()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  get wanted(): number {
    return this.wantedTotal + this.wantedInRun
  }

  private wantedTotal = 0

  finishRun(): void {
    this.stop()
    this.wantedTotal += this.wantedInRun
    this.wantedInRun = 0
  }

  private tick(): void {
    const due = Math.floor(((performance.now() - this.started) / 1000) * this.perSecond) + 1
    const lines: string[] = []
    while (this.wantedInRun < due) {
      this.wantedInRun++
      const n = ++this.sent
      const target = this.random.pick(this.centre.targets)
      lines.push(JSON.stringify({ n, receive: { ...target, text: followUpText(this.random), externalId: `bench-update-${n}` } }))
    }
    if (lines.length === 0) return
    this.server.process.stdin?.write(`${lines.join('\n')}\n`)
    this.lastSentAt = performance.now()
  }
}

interface Acks {
  filed: number
  failed: number
  receiveMs: number[]
  errors: string[]
}

/** Reads the server's answers to the control lines (from the child's collected output). */
function acksOf(server: BenchChild): Acks {
  const acks: Acks = { filed: 0, failed: 0, receiveMs: [], errors: [] }
  for (const line of server.output) {
    if (!line.startsWith('out| {"ack"') && !line.startsWith('out| {"nack"')) continue
    const value = JSON.parse(line.slice(5)) as { ack?: number; ms?: number; nack?: number; error?: string }
    if (value.ack !== undefined) {
      acks.filed++
      acks.receiveMs.push(value.ms ?? 0)
    } else {
      acks.failed++
      if (acks.errors.length < 5) acks.errors.push(value.error ?? '?')
    }
  }
  return acks
}

async function waitAcks(server: BenchChild, count: number, timeoutMs: number): Promise<Acks> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const acks = acksOf(server)
    if (acks.filed + acks.failed >= count) return acks
    if (performance.now() > deadline) throw new Error(`the server filed ${acks.filed} of ${count} updates within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Records the page's JavaScript CPU profile (Chrome DevTools format) until the returned function is called. */
async function startProfile(page: Page): Promise<(dir: string) => Promise<string>> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  return async (dir) => {
    const { profile } = await cdp.send('Profiler.stop')
    await cdp.detach()
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `inbox-renderer-${Date.now()}.cpuprofile`)
    writeFileSync(file, JSON.stringify(profile))
    return file
  }
}

async function startServer(root: string, dbFile: string): Promise<{ child: BenchChild; url: string }> {
  const child = spawnTsChild(join(root, 'bench', 'support', 'server-child.ts'), {
    name: 'central server (renderer bench)',
    cwd: root,
    args: [dbFile],
    env: { ...process.env, BENCH_SERVER_CONTROL: '1' },
  })
  const { value } = await child.waitForLine((line) => readyLine<{ ready: true; url: string }>(line), 30_000)
  return { child, url: value.url }
}

async function startWebHost(root: string, serverUrl: string): Promise<{ child: BenchChild; url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omni-bench-render-desk-'))
  onCleanup(`temp dir ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }))
  const child = spawnTsChild(join(root, 'src', 'main', 'web-host', 'cli.ts'), {
    name: 'web host (renderer bench)',
    cwd: root,
    args: ['--server', serverUrl, '--host', '127.0.0.1', '--port', '0', '--data', dataDir],
  })
  const { value } = await child.waitForLine((line) => WEB_HOST_URL.exec(line)?.[1], 60_000)
  return { child, url: value }
}

export async function runInboxRenderer(options: InboxRendererOptions): Promise<InboxRendererResult> {
  const { root, log } = options
  const conversations = options.conversations ?? 10_000
  const scrollMs = options.scrollMs ?? Number(process.env.BENCH_RENDERER_SCROLL_MS ?? 6_000)
  const rounds = options.rounds ?? Number(process.env.BENCH_RENDERER_ROUNDS ?? 2)
  const profileDir = process.env.BENCH_RENDERER_PROFILE_DIR
  const perSecond = options.updatesPerSecond ?? 50
  const openRuns = options.openRuns ?? 5

  const seedStarted = performance.now()
  const centre = await seedRendererCentre({ conversations, bigMessages: 500, smallMessages: 5, queuedShare: 0.04 })
  const seedMs = performance.now() - seedStarted
  log(`renderer bench: ${centre.conversations} conversations (${centre.targets.length} open for ${RENDER_AGENT.username}) seeded in ${(seedMs / 1000).toFixed(1)} s`)

  const startedAt = performance.now()
  const server = await startServer(root, centre.dbFile)
  const host = await startWebHost(root, server.url)
  let browser = options.browser
  if (!browser) {
    const launched = await chromium.launch({ executablePath: options.chromiumPath ?? '/usr/bin/chromium', args: options.chromiumArgs ?? ['--no-sandbox', '--disable-gpu'], headless: true })
    onCleanup('chromium (renderer bench)', () => launched.close())
    browser = launched
  }
  log(`renderer bench: central server, web host and Chromium up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`)
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  const closeContext = onCleanup('browser context (renderer bench)', () => context.close())
  const page = await context.newPage()
  const driver = new UpdateDriver(server.child, centre, perSecond)
  try {
    await page.goto(host.url, { waitUntil: 'commit', timeout: 30_000 })
    await page.getByTestId('login-username').waitFor({ timeout: 30_000 })
    const serverField = page.getByTestId('login-server')
    if ((await serverField.inputValue()) === '') await serverField.fill(server.url)
    await page.getByTestId('login-username').fill(RENDER_AGENT.username)
    await page.getByTestId('login-password').fill(RENDER_PASSWORD)
    const loginAt = performance.now()
    await page.getByTestId('login-submit').click()
    await waitFor(page, `document.querySelector('[data-testid="shell"]')`, 'shell', 30_000)
    await page.getByTestId('nav-inbox').click()
    await waitFor(page, `document.querySelector('${LIST}[data-total="${conversations}"]')`, `inbox list of ${conversations}`, 120_000)
    const loginToFullInboxMs = performance.now() - loginAt
    // The sync has finished once its progress says idle; then the list holds still.
    await waitFor(page, `(document.querySelector('[data-testid="sync-progress"]')?.dataset.phase ?? 'idle') === 'idle'`, 'sync idle', 60_000)
    log(`renderer bench: login → inbox of ${conversations} in ${(loginToFullInboxMs / 1000).toFixed(1)} s`)

    const box = await inPage<{ width: number; height: number }>(page, `(() => { const el = document.querySelector('${LIST}'); return { width: el.clientWidth, height: el.clientHeight } })()`)
    const baselinePage = await context.newPage()
    let staticDom: FrameStats | null = null
    if (options.staticDom ?? process.env.BENCH_RENDERER_STATIC_DOM !== '0') {
      await baselinePage.setContent(staticDomListHtml(conversations, box.width, box.height), { timeout: 60_000 })
      staticDom = frameStats([await scrollOnce(baselinePage, '#list', scrollMs)])
      log(`renderer bench: reference, ${conversations} static DOM rows: frame p95 ${staticDom.p95.toFixed(1)} ms`)
    }
    await baselinePage.setContent(plainVirtualListHtml(conversations, box.width, box.height))

    const unreadOnScreen = () => inPage<number>(page, `Number(document.querySelector('[data-testid="inbox-unread"]')?.dataset.count ?? -1)`)
    const unreadBefore = await unreadOnScreen()
    const pids = { server: server.child.process.pid, webHost: host.child.process.pid }
    const samples = { plainList: [] as ScrollSample[], quiet: [] as ScrollSample[], updating: [] as ScrollSample[] }
    for (let round = 0; round < rounds; round++) {
      await baselinePage.bringToFront()
      samples.plainList.push(await withCpu(pids, () => scrollOnce(baselinePage, '#list', scrollMs)))
      await page.bringToFront()
      samples.quiet.push(await withCpu(pids, () => scrollOnce(page, LIST, scrollMs)))
      driver.start()
      const stopProfile = profileDir && round === 0 ? await startProfile(page) : undefined
      samples.updating.push(await withCpu(pids, () => scrollOnce(page, LIST, scrollMs)))
      if (stopProfile) log(`renderer bench: CPU profile of the page during the first updating scroll: ${await stopProfile(profileDir!)}`)
      driver.finishRun()
      const [b, q, u] = [samples.plainList, samples.quiet, samples.updating].map((list) => frameStats([list.at(-1)!]))
      log(`renderer bench: round ${round + 1}/${rounds}: frame p95 plain list ${b!.p95.toFixed(1)} ms, inbox ${q!.p95.toFixed(1)} ms, with ${perSecond} updates/s ${u!.p95.toFixed(1)} ms`)
    }
    await baselinePage.close()
    await page.bringToFront()

    const acks = await waitAcks(server.child, driver.sent, 30_000)
    // Every filed update adds one unread message to a conversation of mine: the total on screen
    // reaches before + filed once the desktop has synced them and the list has re-read its counts.
    const expectedUnread = unreadBefore + acks.filed
    let screenCaughtUpMs: number | null = null
    try {
      await waitFor(page, `Number(document.querySelector('[data-testid="inbox-unread"]')?.dataset.count) >= ${expectedUnread}`, 'unread total', 30_000)
      screenCaughtUpMs = performance.now() - driver.lastSentAt
    } catch {
      log(`renderer bench: the unread total on screen did not reach ${expectedUnread} (it shows ${await unreadOnScreen()})`)
    }
    log(
      `renderer bench: ${acks.filed} of ${driver.sent} updates filed (${acks.failed} refused${acks.errors.length ? `: ${acks.errors.join('; ')}` : ''}); ` +
        `unread on screen ${await unreadOnScreen()} (expected ${expectedUnread})`,
    )

    // Opening: the two conversations are the top rows (钻 tier, due first).
    await inPage(page, `(() => { document.querySelector('${LIST}').scrollTop = 0; return true })()`)
    const rowOf = (id: string) => `document.querySelector('[data-testid="conversation-row"][data-id="${id}"]')`
    await waitFor(page, `${rowOf(centre.big.id)} && ${rowOf(centre.small.id)}`, 'the rows to open', 15_000)
    const bigShown = Math.min(200, centre.big.messages)
    const smallShown = Math.min(200, centre.small.messages)
    const open = (c: RendererCentre['big'], shown: number) => inPage<number>(page, openScript(c.id, c.lastMessageId, shown))
    await open(centre.big, bigShown)
    await open(centre.small, smallShown)
    if (profileDir) {
      const stopProfile = await startProfile(page)
      await open(centre.big, bigShown)
      log(`renderer bench: CPU profile of the page opening ${centre.big.messages} messages: ${await stopProfile(profileDir)}`)
      await open(centre.small, smallShown)
    }
    const bigSamples: number[] = []
    const smallSamples: number[] = []
    for (let i = 0; i < openRuns; i++) {
      bigSamples.push(await open(centre.big, bigShown))
      smallSamples.push(await open(centre.small, smallShown))
    }
    log(`renderer bench: open ${centre.big.messages} messages ${bigSamples.map((v) => v.toFixed(0)).join(' ')} ms; ${centre.small.messages} messages ${smallSamples.map((v) => v.toFixed(0)).join(' ')} ms`)

    return {
      conversations,
      seedMs,
      loginToFullInboxMs,
      viewport: box,
      scroll: { plainList: frameStats(samples.plainList), staticDom, quiet: frameStats(samples.quiet), updating: frameStats(samples.updating), rounds, scrollMs },
      updates: {
        wanted: driver.wanted,
        sent: driver.sent,
        filed: acks.filed,
        failed: acks.failed,
        perSecond,
        receiveMs: summarize(acks.receiveMs),
        screenCaughtUpMs,
        rowUpdatesSeen: samples.updating.reduce((n, s) => n + s.rowUpdates, 0),
      },
      open: {
        big: { samples: bigSamples, summary: summarize(bigSamples), shown: bigShown, total: centre.big.messages },
        small: { samples: smallSamples, summary: summarize(smallSamples), shown: smallShown, total: centre.small.messages },
      },
    }
  } catch (err) {
    const shot = join(root, 'bench', 'results', `inbox-renderer-failure-${Date.now()}.png`)
    await page.screenshot({ path: shot }).then(
      () => log(`screenshot of the failure: ${shot}`),
      () => undefined,
    )
    throw err
  } finally {
    driver.stop()
    await closeContext()
    await host.child.stop()
    await server.child.stop()
    const noise = [...host.child.output.filter((l) => !WEB_HOST_URL.test(l) && !l.includes('web host ready')), ...server.child.output.filter((l) => !l.startsWith('out| {"ack"') && !(l.startsWith('out| ') && readyLine(l.slice(5))))]
    if (noise.length > 0) log(`renderer bench: child output besides ready lines:\n  ${noise.slice(0, 20).join('\n  ')}`)
  }
}

export function renderInboxRendererTable(r: InboxRendererResult): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`
  const row = (label: string, f: FrameStats, base?: FrameStats) =>
    `  ${label.padEnd(30)} ${ms(f.p50).padStart(9)} ${ms(f.p95).padStart(9)} ${ms(f.p99).padStart(9)} ${ms(f.max).padStart(9)}  ${String(f.dropped).padStart(5)} (${(f.droppedShare * 100).toFixed(1)}%)  ${String(f.longAnimationFrames ?? '–').padStart(4)}  ${String(f.placeholderFrames).padStart(5)}  ${f.layoutP50.toFixed(1).padStart(5)} /${f.layoutP95.toFixed(1).padStart(5)}  ${f.settleMs.toFixed(0).padStart(6)}` +
    (base ? `   p95 ×${(f.p95 / base.p95).toFixed(2)}` : '')
  const { scroll, updates, open } = r
  return [
    `Inbox renderer: ${r.conversations} conversations in the web host (Chromium ${r.viewport.width}×${r.viewport.height} list), scrolled top to bottom in ${(scroll.scrollMs / 1000).toFixed(0)} s (${Math.round(scroll.quiet.pxPerSecond / 100)} rows/s), ${scroll.rounds} rounds`,
    `  ${'frame interval'.padEnd(30)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}  dropped        LoAF  placeh.  layout p50/p95 ms  settle ms`,
    row('baseline: plain JS virtual list', scroll.plainList),
    row('inbox, no updates', scroll.quiet, scroll.plainList),
    row(`inbox, ${updates.perSecond} updates/s`, scroll.updating, scroll.plainList),
    ...(scroll.staticDom ? [row('ref.: 10,000 static DOM rows ×1', scroll.staticDom, scroll.plainList)] : []),
    `  updating vs no updates: p95 ×${(scroll.updating.p95 / scroll.quiet.p95).toFixed(2)}; updates filed ${updates.filed}/${updates.sent} (Inbox.receive p50 ${ms(updates.receiveMs.p50)}, p99 ${ms(updates.receiveMs.p99)}); the unread total on screen ${updates.screenCaughtUpMs === null ? 'did NOT catch up' : `had them all ${ms(updates.screenCaughtUpMs)} after the last was sent`}`,
    `  cores busy during the scrolls (server / web host / whole machine): ${[scroll.plainList, scroll.quiet, scroll.updating].map((f, i) => `${['baseline', 'no updates', 'updates'][i]} ${f.cpu.server.toFixed(2)} / ${f.cpu.webHost.toFixed(2)} / ${f.cpu.machine.toFixed(2)}`).join(', ')} (of ${cpus().length})`,
    `Open a conversation (click → its last message rendered in view), median of ${open.big.samples.length}`,
    `  ${open.big.total} messages (newest ${open.big.shown} shown)   ${ms(open.big.summary.p50).padStart(9)}  (min ${ms(open.big.summary.min)}, max ${ms(open.big.summary.max)})`,
    `  baseline: ${open.small.total} messages          ${ms(open.small.summary.p50).padStart(9)}  (min ${ms(open.small.summary.min)}, max ${ms(open.small.summary.max)})   ratio ${(open.big.summary.p50 / open.small.summary.p50).toFixed(2)}`,
    `  login → inbox shows all ${r.conversations} (initial sync): ${(r.loginToFullInboxMs / 1000).toFixed(1)} s; seeding the centre ${(r.seedMs / 1000).toFixed(1)} s`,
  ].join('\n')
}
