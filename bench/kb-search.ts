/**
 * The desktop's local cache at full size: 100,000 generated KB articles (kb-corpus.ts) and
 * 50,000 demo customers, synced in through the cache worker in pages of 1,000, then searched.
 *
 * - Initial sync: total time, and the longest stall of the MAIN thread's event loop while the
 *   worker applies the pages (perf_hooks.monitorEventLoopDelay plus a 1 ms setInterval drift
 *   probe; the main thread only clones each page into the worker).
 * - KB search: p50/p99 for ~50 queries each of 1, 2, 3 and 5 Chinese characters and English
 *   words, cut from real titles. The index: `searchKb` through the worker, end to end (count,
 *   ranked first page, snippets, RPC). Baselines on the same queries and the same visibility:
 *   (a) `LIKE '%q%'` over title and body in the same SQLite file (count and first page, no
 *   snippets); (b) MiniSearch in memory, in a child process (kb-minisearch.ts explains its
 *   set-up). Index size on disk from dbstat, build times, MiniSearch's heap growth.
 * - Customers: screen-pop look-up and search box queries through the worker.
 * - BENCH_KB_ALTERNATIVES=1 adds the designs the index was chosen over (one token per Chinese
 *   character with phrase queries; trigram with LIKE for 1–2 characters), built on the same
 *   articles in a scratch file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { cacheFileName } from '../src/main/services/cache/cache-file'
import { parseKbQuery, plainText } from '../src/main/services/cache/kb-text'
import { WorkerLocalCache } from '../src/main/services/cache/open-local-cache'
import { customerRecords } from '../tests/support/dataset-changes'
import { buildDemoDataset } from '../src/server/seed'
import type { CustomerRecord } from '../src/shared/domain/records'
import { SyncChangeSchema, type SyncChange } from '../src/shared/protocol/sync'
import { drawQueries, generateKbCorpus, QUERY_LENGTHS, type KbCorpus } from './kb-corpus'
import type { MiniSearchFigures } from './kb-minisearch'
import { onCleanup } from './support/cleanup'
import { readyLine, track } from './support/child'
import { summarize, type Summary } from './stats'

export interface KbSearchBenchOptions {
  root: string
  log: (line: string) => void
  articles?: number
  customers?: number
  perLength?: number
  alternatives?: boolean
}

interface LatencySet {
  latency: Summary
  meanHits: number
}

/** The slow baselines run the first BASELINE_QUERIES of each set (the index runs all of them): a
 * LIKE scan or a MiniSearch AND over 30,000 postings takes ~150–400 ms, and 50 × 5 sets of each
 * would add two minutes. LIKE's time hardly depends on the query, so 20 characterise it well. */
const BASELINE_QUERIES = 20

export interface KbSearchBenchResult {
  articles: number
  customers: number
  generateMs: number
  sync: {
    pageSize: number
    pages: number
    totalMs: number
    articlesMs: number
    customersMs: number
    longestPageMs: number
    /** Longest main-thread event-loop stall seen by monitorEventLoopDelay, and by the 1 ms interval drift. */
    stallMaxMs: number
    stallP99Ms: number
    driftMaxMs: number
    stallsOverFrame: number
    /** The bench process (main thread and cache worker, SQLite's page cache included) after the sync. */
    rssAfterBytes: number
    /** The drift probe only while pages were with the cache (page parsing excluded). */
    cacheShareMaxMs: number
    cacheShareOverFrame: number
    /** JSON.parse of each page on the main thread. */
    parseMs: Summary
    /** The same probe over 3 s with nothing running: the machine's own noise. */
    idleStallMaxMs: number
    idleDriftMaxMs: number
    /** Main-thread zod check of one page of 1,000 records, as SyncDown did before the check moved to the worker. */
    mainThreadValidateMs: Summary
  }
  sizes: { fileBytes: number; ftsBytes: number; titleFtsBytes: number; articleTableBytes: number; customerTablesBytes: number }
  /** Query set name ("1", "2", "3", "5", "en") → figures; `sameAsBaselines`: the index on the baselines' queries only. */
  index: Record<string, LatencySet & { workerMs: Summary; sameAsBaselines: LatencySet }>
  baselineQueries: number
  like: Record<string, LatencySet>
  minisearch: { buildMs: number; buildCpuMs: number; heapBytes: number; rssBytes: number; sets: Record<string, LatencySet> } | null
  customerQueries: Record<string, Summary>
  alternatives: Record<string, { buildMs: number; bytes: number; sets: Record<string, LatencySet> }> | null
}

/** The agent of the bench is in one skill group: articles of the other three are invisible. */
const AGENT_SKILLS = ['sg-billing']
const PAGE_SIZE = 1_000
const FRAME_MS = 1000 / 60
const IDLE_PROBE_MS = 3_000

const ms = (start: number) => performance.now() - start
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)

function toCustomerRecords(count: number): CustomerRecord[] {
  return customerRecords(buildDemoDataset({ customers: count, articles: 0, random: 20_240_601, now: Date.UTC(2025, 5, 1) }))
}

/**
 * Pages as the socket delivers them: JSON text, parsed on the main thread just before they are
 * applied. Keeping 150,000 records as live objects in the main heap instead would put the
 * bench's own garbage collection into the stall being measured.
 */
function syncPages(corpus: KbCorpus, customers: CustomerRecord[]): { articlePages: Buffer[]; customerPages: Buffer[] } {
  let seq = 0
  const kb: SyncChange[] = [
    ...corpus.categories.map((data) => ({ seq: ++seq, entity: 'kb_category' as const, id: data.id, deleted: false as const, data })),
    ...corpus.articles.map((data) => ({ seq: ++seq, entity: 'kb_article' as const, id: data.id, deleted: false as const, data })),
  ]
  const people: SyncChange[] = customers.map((data) => ({ seq: ++seq, entity: 'customer' as const, id: data.id, deleted: false as const, data }))
  // Buffers live outside the JS heap, so the 150 MB of pages do not lengthen the bench's own GC pauses.
  const pages = (list: SyncChange[]) => Array.from({ length: Math.ceil(list.length / PAGE_SIZE) }, (_, i) => Buffer.from(JSON.stringify(list.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE))))
  return { articlePages: pages(kb), customerPages: pages(people) }
}

/**
 * A 1 ms interval that measures how late it fires: the main thread's stalls. It can be paused,
 * so one probe sees only the time the cache calls are pending (not the bench's own page parsing).
 */
class DriftProbe {
  private last = performance.now()
  private active = true
  maxMs = 0
  overFrame = 0
  private readonly timer = setInterval(() => {
    const now = performance.now()
    const drift = now - this.last - 1
    if (this.active) {
      if (drift > this.maxMs) this.maxMs = drift
      if (drift > FRAME_MS) this.overFrame++
    }
    this.last = now
  }, 1)

  pause(): void {
    this.active = false
  }

  resume(): void {
    this.last = performance.now()
    this.active = true
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

interface StallFigures {
  maxMs: number
  p99Ms: number
  driftMaxMs: number
  overFrame: number
}

/** Watches the main thread's event loop while `work` runs. */
async function withStallProbe<T>(work: () => Promise<T>): Promise<{ value: T } & StallFigures> {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  const drift = new DriftProbe()
  histogram.enable()
  try {
    const value = await work()
    return { value, maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, driftMaxMs: drift.maxMs, overFrame: drift.overFrame }
  } finally {
    drift.stop()
    histogram.disable()
  }
}

async function timeQueries(
  queries: Map<string, string[]>,
  run: (query: string, set: string) => Promise<number> | number,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, LatencySet & { samples: number[]; totals: number[] }>> {
  const out: Record<string, LatencySet & { samples: number[]; totals: number[] }> = {}
  for (const [set, all] of queries) {
    const list = all.slice(0, limit)
    const samples: number[] = []
    const totals: number[] = []
    for (const query of list) {
      const t0 = performance.now()
      totals.push(await run(query, set))
      samples.push(ms(t0))
    }
    out[set] = { latency: summarize(samples), meanHits: mean(totals), samples, totals }
  }
  return out
}

function tableBytes(db: Database.Database, pattern: string): number {
  return db.prepare<[string], { n: number | null }>('SELECT sum(pgsize) AS n FROM dbstat WHERE name LIKE ?').get(pattern)?.n ?? 0
}

/** The LIKE baseline: the same answer as the index (total and a first page, title matches first), by scanning. */
function likeSearch(db: Database.Database): (query: string) => number {
  const statement = db.prepare<{ q: string; groups: string }, { n: number }>(
    `SELECT a.doc, count(*) OVER () AS n FROM kb_articles a JOIN kb_article_bodies b ON b.doc = a.doc
     WHERE (a.title LIKE @q OR b.body LIKE @q) AND (a.skill_group_id IS NULL OR a.skill_group_id IN (SELECT value FROM json_each(@groups)))
     ORDER BY (a.title LIKE @q) DESC, a.updated_at DESC LIMIT 20`,
  )
  const groups = JSON.stringify(AGENT_SKILLS)
  return (query) => statement.all({ q: `%${query.replace(/[%_\\]/g, '')}%`, groups })[0]?.n ?? 0
}

/**
 * The MiniSearch baseline in a child process (kb-minisearch.ts). It is started first and builds
 * its index while this process generates the data (not measured); its build is also reported in
 * CPU time. Nothing is measured here until it has finished its queries and exited.
 */
function startMiniSearch(root: string, articles: number, perLength: number): Promise<MiniSearchFigures> {
  const file = join(root, 'bench', 'kb-minisearch.ts')
  const args = [String(articles), String(perLength), String(BASELINE_QUERIES), AGENT_SKILLS[0]!]
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const child = track(proc, 'minisearch', performance.now())
  const figures = child.waitForLine((line) => readyLine<MiniSearchFigures>(line), 240_000).finally(() => child.stop())
  return figures.then((found) => found.value)
}

interface CustomerSamples {
  phones: string[]
  names: string[]
}

function customerSamples(customers: CustomerRecord[]): CustomerSamples {
  return {
    phones: customers.flatMap((c) => c.contacts.filter((k) => k.kind === 'phone').map((k) => k.normalized)).filter((_, i) => i % 97 === 0).slice(0, 200),
    names: customers.filter((_, i) => i % 211 === 0).slice(0, 50).map((c) => c.name),
  }
}

async function benchCustomers(cache: WorkerLocalCache, { phones, names }: CustomerSamples): Promise<Record<string, Summary>> {
  const time = async (inputs: string[], run: (input: string) => Promise<unknown>) => {
    const samples: number[] = []
    for (const input of inputs) {
      const t0 = performance.now()
      await run(input)
      samples.push(ms(t0))
    }
    return summarize(samples)
  }
  return {
    'screen pop (exact phone)': await time(phones, (p) => cache.lookupCustomers('phone', p)),
    'search: phone as typed (+86 …)': await time(phones.slice(0, 50), (p) => cache.searchCustomers(`+86 ${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`, 20)),
    'search: last 4 digits': await time(phones.slice(0, 50), (p) => cache.searchCustomers(p.slice(-4), 20)),
    'search: full name': await time(names, (n) => cache.searchCustomers(n, 20)),
    'search: one character': await time(names.map((n) => Array.from(n)[0]!), (n) => cache.searchCustomers(n, 20)),
  }
}


/**
 * The designs the index was chosen over, built from the same articles in one transaction in a
 * scratch file, and the chosen one (the cache's own index file) on the same footing: how long
 * the index takes to find and count the matches (`count(*) … MATCH`, no filters, no ranking, no
 * snippets). That isolates what the tokenization costs; the totals show what each finds.
 */
function benchAlternatives(
  dir: string,
  cacheFile: string,
  corpus: KbCorpus,
  queries: Map<string, string[]>,
  log: (line: string) => void,
): NonNullable<KbSearchBenchResult['alternatives']> {
  const measure = (count: (query: string) => number): Record<string, LatencySet> =>
    Object.fromEntries(
      [...queries].map(([set, list]) => {
        const samples: number[] = []
        const totals: number[] = []
        for (const q of list) {
          const t0 = performance.now()
          totals.push(count(q))
          samples.push(ms(t0))
        }
        return [set, { latency: summarize(samples), meanHits: mean(totals) }]
      }),
    )
  const out: NonNullable<KbSearchBenchResult['alternatives']> = {}

  const chosen = new Database(cacheFile, { readonly: true })
  const chosenCount = chosen.prepare<[string], { n: number }>('SELECT count(*) AS n FROM kb_fts WHERE kb_fts MATCH ?')
  out['chosen: character pairs, phrase of pairs'] = {
    buildMs: Number.NaN,
    bytes: tableBytes(chosen, 'kb_fts%'),
    sets: measure((q) => chosenCount.get(parseKbQuery(q)?.match ?? '""')?.n ?? 0),
  }
  chosen.close()

  const db = new Database(join(dir, 'alternatives.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('cache_size = -65536')
  db.exec(`CREATE TABLE docs (doc INTEGER PRIMARY KEY, title TEXT, body TEXT);
    CREATE VIRTUAL TABLE uni USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1);
    CREATE VIRTUAL TABLE tri USING fts5(title, body, tokenize = 'trigram', content = 'docs', content_rowid = 'doc');`)
  const insert = db.prepare('INSERT INTO docs (doc, title, body) VALUES (?, ?, ?)')
  db.transaction(() => corpus.articles.forEach((a, i) => insert.run(i + 1, a.title, plainText(a.body))))()

  // One token per Chinese character; a query is the phrase of its characters.
  const spaced = (text: string) => text.normalize('NFKC').replace(/\p{Script=Han}/gu, ' $& ')
  let t0 = performance.now()
  const insertUni = db.prepare('INSERT INTO uni (rowid, title, body) VALUES (?, ?, ?)')
  db.transaction(() => corpus.articles.forEach((a, i) => insertUni.run(i + 1, spaced(a.title), spaced(plainText(a.body)))))()
  const uniBuild = ms(t0)
  const uniCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM uni WHERE uni MATCH ?')
  const uniMatch = (query: string) => {
    const words = query.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
    return words.map((w) => `"${spaced(w).trim().split(/\s+/).join(' ')}"*`).join(' AND ')
  }
  log('kb: alternative "one token per character" built; querying')
  out['one token per character, phrase of characters'] = { buildMs: uniBuild, bytes: tableBytes(db, 'uni%'), sets: measure((q) => uniCount.get(uniMatch(q))?.n ?? 0) }

  // Trigram for 3+ characters; below that FTS5 cannot use it, so a LIKE scan of the text.
  t0 = performance.now()
  db.exec("INSERT INTO tri (tri) VALUES ('rebuild')")
  const triBuild = ms(t0)
  const triCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM tri WHERE tri MATCH ?')
  const shortCount = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM docs WHERE title LIKE ? OR body LIKE ?')
  log('kb: alternative "trigram" built; querying')
  out['trigram; LIKE below 3 characters'] = {
    buildMs: triBuild,
    bytes: tableBytes(db, 'tri%'),
    sets: measure((q) => (Array.from(q).length >= 3 ? (triCount.get(`"${q.replace(/"/g, '')}"`)?.n ?? 0) : (shortCount.get(`%${q}%`, `%${q}%`)?.n ?? 0))),
  }
  db.close()
  return out
}

/**
 * Generates everything up front. Only pages (as JSON text), queries and a few samples leave this
 * function, so the 150,000 records are garbage before the sync is watched.
 */
function prepare(articles: number, customerCount: number, perLength: number, keepCorpus: boolean) {
  const corpus = generateKbCorpus(articles)
  const customers = toCustomerRecords(customerCount)
  return {
    queries: drawQueries(corpus, QUERY_LENGTHS, perLength),
    samples: customerSamples(customers),
    ...syncPages(corpus, customers),
    // Only the alternatives need the articles again.
    kept: keepCorpus ? corpus : null,
  }
}

export async function runKbSearchBench(options: KbSearchBenchOptions): Promise<KbSearchBenchResult> {
  const { log, root } = options
  const articles = options.articles ?? 100_000
  const customerCount = options.customers ?? 50_000
  const perLength = options.perLength ?? 50
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-cache-'))
  onCleanup(`temp dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }))

  const minisearchFigures = startMiniSearch(root, articles, perLength)
  // Awaited below; a failure must not surface as an unhandled rejection meanwhile.
  minisearchFigures.catch(() => undefined)
  const t0 = performance.now()
  const { queries, samples, articlePages, customerPages, kept } = prepare(articles, customerCount, perLength, options.alternatives === true)
  const generateMs = ms(t0)
  log(`kb: ${articles} articles and ${customerCount} customers generated in ${(generateMs / 1000).toFixed(1)} s`)

  let minisearch: KbSearchBenchResult['minisearch'] = null
  try {
    const figures = await minisearchFigures
    minisearch = {
      buildMs: figures.buildMs,
      buildCpuMs: figures.buildCpuMs,
      heapBytes: figures.heapBytes,
      rssBytes: figures.rssBytes,
      sets: Object.fromEntries(Object.entries(figures.sets).map(([set, s]) => [set, { latency: summarize(s.samples), meanHits: s.meanHits }])),
    }
    log(`kb: MiniSearch built (${(figures.buildCpuMs / 1000).toFixed(1)} s CPU) and queried`)
  } catch (err) {
    log(`kb: MiniSearch baseline failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
  }

  // The same probe over an idle stretch: on a shared machine the OS alone stalls the loop now and then.
  const idle = await withStallProbe(() => new Promise<void>((resolve) => setTimeout(resolve, IDLE_PROBE_MS)))
  const cache = await WorkerLocalCache.open({ dir, agentId: 'bench-agent' })
  const closeCache = onCleanup('local cache', () => cache.close())
  let cursor = 0
  let longestPageMs = 0
  let articlesMs = 0
  const validateMs: number[] = []
  const parseMs: number[] = []
  // Sees the main thread only while a page is with the cache: cloning it to the worker and the reply.
  const cacheShare = new DriftProbe()
  cacheShare.pause()
  const applyAll = async (pages: Buffer[]) => {
    const start = performance.now()
    for (const bytes of pages) {
      const p0 = performance.now()
      // What socket.io's parser does with each page on the main thread, before the cache sees it.
      const page = JSON.parse(bytes.toString('utf8')) as SyncChange[]
      parseMs.push(ms(p0))
      cursor = page[page.length - 1]!.seq
      cacheShare.resume()
      await cache.applyChanges(page, cursor)
      cacheShare.pause()
      longestPageMs = Math.max(longestPageMs, ms(p0))
    }
    return ms(start)
  }
  // Not part of the sync timed here (the worker validates every page itself), but SyncDown also
  // checks each page against the schema on the main thread; how long that holds the loop:
  for (const bytes of [...articlePages.slice(1, 6), ...customerPages.slice(0, 5)]) {
    const page = JSON.parse(bytes.toString('utf8')) as unknown[]
    const v0 = performance.now()
    for (const change of page) SyncChangeSchema.safeParse(change)
    validateMs.push(ms(v0))
  }
  const synced = await withStallProbe(async () => {
    articlesMs = await applyAll(articlePages)
    log(`kb: ${articles} articles applied in ${(articlesMs / 1000).toFixed(1)} s`)
    return applyAll(customerPages)
  })
  const customersMs = synced.value
  cacheShare.stop()
  const rssAfterBytes = process.memoryUsage().rss
  log(`kb: ${customerCount} customers applied in ${(customersMs / 1000).toFixed(1)} s; longest main-thread stall ${synced.maxMs.toFixed(1)} ms`)

  const file = join(dir, cacheFileName('bench-agent'))
  const reader = new Database(file, { readonly: true })
  const closeReader = onCleanup('bench reader', () => {
    if (reader.open) reader.close()
  })
  const sizes = {
    fileBytes: statSync(file).size,
    ftsBytes: tableBytes(reader, 'kb_fts%'),
    titleFtsBytes: tableBytes(reader, 'kb_title_fts%'),
    articleTableBytes: tableBytes(reader, 'kb_article%') + tableBytes(reader, 'sqlite_autoindex_kb_article%'),
    customerTablesBytes: tableBytes(reader, 'customer%') + tableBytes(reader, 'sqlite_autoindex_customer%'),
  }

  // Warm-up outside the samples: one query of each kind, so the first sample is not a cold start.
  await cache.searchKb({ query: '服务' }, AGENT_SKILLS)
  const workerMs = new Map<string, number[]>()
  const index = await timeQueries(queries, async (query, set) => {
    const result = await cache.searchKb({ query }, AGENT_SKILLS)
    workerMs.set(set, [...(workerMs.get(set) ?? []), result.tookMs])
    return result.total
  })
  log('kb: index queries done')
  const like = await timeQueries(queries, likeSearch(reader), BASELINE_QUERIES)
  log('kb: LIKE queries done')
  const customerQueries = await benchCustomers(cache, samples)
  await closeReader()
  await closeCache()

  const alternatives = kept ? benchAlternatives(dir, file, kept, queries, log) : null

  return {
    articles,
    customers: customerCount,
    generateMs,
    sync: {
      pageSize: PAGE_SIZE,
      pages: articlePages.length + customerPages.length,
      totalMs: articlesMs + customersMs,
      articlesMs,
      customersMs,
      longestPageMs,
      stallMaxMs: synced.maxMs,
      stallP99Ms: synced.p99Ms,
      driftMaxMs: synced.driftMaxMs,
      stallsOverFrame: synced.overFrame,
      rssAfterBytes,
      cacheShareMaxMs: cacheShare.maxMs,
      cacheShareOverFrame: cacheShare.overFrame,
      parseMs: summarize(parseMs),
      idleStallMaxMs: idle.maxMs,
      idleDriftMaxMs: idle.driftMaxMs,
      mainThreadValidateMs: summarize(validateMs),
    },
    sizes,
    index: Object.fromEntries(
      Object.entries(index).map(([set, s]) => [
        set,
        { latency: s.latency, meanHits: s.meanHits, workerMs: summarize(workerMs.get(set) ?? []), sameAsBaselines: { latency: summarize(s.samples.slice(0, BASELINE_QUERIES)), meanHits: mean(s.totals.slice(0, BASELINE_QUERIES)) } },
      ]),
    ),
    baselineQueries: BASELINE_QUERIES,
    like: Object.fromEntries(Object.entries(like).map(([set, s]) => [set, { latency: s.latency, meanHits: s.meanHits }])),
    minisearch,
    customerQueries,
    alternatives,
  }
}

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2))
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`
const setName = (set: string) => (set === 'en' ? 'English word' : `${set} Chinese char${set === '1' ? '' : 's'}`)

function grid(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function renderKbSearchTable(r: KbSearchBenchResult): string {
  const sets = Object.keys(r.index)
  const searchRows = sets.map((set) => {
    const i = r.index[set]!
    const l = r.like[set]
    const m = r.minisearch?.sets[set]
    const pair = (x: Summary | undefined) => (x ? `${fmt(x.p50)} / ${fmt(x.p99)}` : 'n/a')
    const same = i.sameAsBaselines
    return [setName(set), pair(i.latency), fmt(i.workerMs.p50), pair(same.latency), pair(l?.latency), pair(m?.latency), `${fmt(same.meanHits)} / ${m ? fmt(m.meanHits) : 'n/a'}`]
  })
  const n = r.index[sets[0]!]!.latency.n
  const out = [
    `KB search, ${r.articles} articles; agent sees 1 of 4 skill groups; p50 / p99 ms; the index through the worker, end to end (count, first page, snippets)`,
    grid(
      ['query', `index, ${n} queries`, 'in worker p50', `index, first ${r.baselineQueries}`, `LIKE '%q%', first ${r.baselineQueries}`, `MiniSearch, first ${r.baselineQueries}`, `mean total, first ${r.baselineQueries}: index / MiniSearch`],
      searchRows,
    ),
    '',
    `index on disk: FTS ${mb(r.sizes.ftsBytes)} + title FTS ${mb(r.sizes.titleFtsBytes)}; article table ${mb(r.sizes.articleTableBytes)}; customers ${mb(r.sizes.customerTablesBytes)}; file ${mb(r.sizes.fileBytes)}`,
    `build: index = applying the ${r.articles} articles ${fmt(r.sync.articlesMs / 1000)} s (rows + FTS, in the worker); LIKE none; ` +
      (r.minisearch
        ? `MiniSearch addAll ${fmt(r.minisearch.buildCpuMs / 1000)} s CPU (${fmt(r.minisearch.buildMs / 1000)} s wall, beside the data generation), ` +
          `heap +${mb(r.minisearch.heapBytes)} (RSS +${mb(r.minisearch.rssBytes)})`
        : 'MiniSearch n/a'),
    '',
    `initial sync: ${r.articles} articles + ${r.customers} customers in ${r.sync.pages} pages of ${r.sync.pageSize}: ${fmt(r.sync.totalMs / 1000)} s ` +
      `(articles ${fmt(r.sync.articlesMs / 1000)} s, customers ${fmt(r.sync.customersMs / 1000)} s, longest page ${fmt(r.sync.longestPageMs)} ms)`,
    `main thread during sync: longest event-loop stall ${fmt(r.sync.stallMaxMs)} ms (p99 ${fmt(r.sync.stallP99Ms)} ms; 1 ms interval drift max ${fmt(r.sync.driftMaxMs)} ms; ` +
      `${r.sync.stallsOverFrame} stalls over one 60 Hz frame); process RSS after the sync ${mb(r.sync.rssAfterBytes)}`,
    `  of which the cache's share (only while a page is with the worker: clone, message, reply): longest ${fmt(r.sync.cacheShareMaxMs)} ms, ` +
      `${r.sync.cacheShareOverFrame} over a frame; the rest is parsing each page's JSON (as socket.io does): p50 ${fmt(r.sync.parseMs.p50)} ms, max ${fmt(r.sync.parseMs.max)} ms`,
    `  baseline, the same probe over ${IDLE_PROBE_MS / 1000} s of idling: longest stall ${fmt(r.sync.idleStallMaxMs)} ms (drift max ${fmt(r.sync.idleDriftMaxMs)} ms)`,
    `not included above: checking one page against SyncChangeSchema on the main thread (as SyncDown did before the check moved to the worker) takes ${fmt(r.sync.mainThreadValidateMs.p50)} ms ` +
      `(max ${fmt(r.sync.mainThreadValidateMs.max)} ms); the worker checks every page again`,
    '',
    grid(
      ['customers (through the worker)', 'p50 ms', 'p99 ms'],
      Object.entries(r.customerQueries).map(([name, s]) => [name, fmt(s.p50), fmt(s.p99)]),
    ),
  ]
  if (r.alternatives) {
    out.push('', 'index designs, finding and counting the matches only (no visibility, ranking or snippets), p50 / p99 ms:')
    for (const [name, alt] of Object.entries(r.alternatives)) {
      out.push(
        `  ${name}: ${Number.isNaN(alt.buildMs) ? 'built by the sync' : `build ${fmt(alt.buildMs / 1000)} s in one transaction`}, ${mb(alt.bytes)}; ` +
          Object.entries(alt.sets)
            .map(([set, s]) => `${setName(set)} ${fmt(s.latency.p50)} / ${fmt(s.latency.p99)} (mean total ${fmt(s.meanHits)})`)
            .join('; '),
      )
    }
  }
  return out.join('\n')
}
