/**
 * The in-memory baseline of the KB search bench, in its own process so its heap is measured
 * alone and its ~0.5 GB are given back when it ends. Started by kb-search.ts as
 * `node --expose-gc --import tsx bench/kb-minisearch.ts <articles> <perLength> <used> <skillGroup>`:
 * it draws the same query sets as the bench (`perLength` each) and runs the first `used` of each.
 * Prints one `{"ready": true, ...}` line with its figures. It builds while the bench generates
 * its data (so the build is also given in CPU time) and has finished before the bench measures
 * anything else: building beside the SQLite sync, even at nice 19, made the sync 30% slower and
 * its main-thread stalls 5× longer on a 2-core machine.
 *
 * Set-up: MiniSearch indexes title and body (plain text, tags stripped as for the SQLite index)
 * with a tokenizer that emits every Chinese character as a token and other text as lower-case
 * words. A query is tokenized the same way and combined with AND (every character must occur),
 * title boosted 10×, English words as prefixes. MiniSearch keeps no positions, so there is no
 * phrase query: 退款 finds articles containing 退 and 款 anywhere, a superset of the exact
 * substring; its result counts are therefore higher than the SQLite index's.
 */
import MiniSearch from 'minisearch'
import { plainText } from '../src/main/services/cache/kb-text'
import { drawQueries, generateKbCorpus, QUERY_LENGTHS } from './kb-corpus'

export interface MiniSearchFigures {
  ready: true
  buildMs: number
  buildCpuMs: number
  heapBytes: number
  rssBytes: number
  /** Per query set: latency samples (ms) and mean result count. */
  sets: Record<string, { samples: number[]; meanHits: number }>
}

/** One Chinese character, or a run of other letters and digits (2024年版 → 2024, 年, 版). */
const TOKEN = /\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu

function tokenize(text: string): string[] {
  return Array.from(text.normalize('NFKC').toLowerCase().matchAll(TOKEN), (m) => m[0])
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
}

function main(): void {
  const [articlesArg = '100000', perLengthArg = '50', usedArg = perLengthArg, skillGroup = ''] = process.argv.slice(2)
  const corpus = generateKbCorpus(Number(articlesArg))
  const docs = corpus.articles.map((a, i) => ({ id: i, title: a.title, body: plainText(a.body) }))
  const visible = corpus.articles.map((a) => a.skillGroupId === null || a.skillGroupId === skillGroup)
  const queries = drawQueries(corpus, QUERY_LENGTHS, Number(perLengthArg))

  collect()
  const heapBefore = process.memoryUsage().heapUsed
  const rssBefore = process.memoryUsage().rss
  const started = performance.now()
  const cpuStart = process.cpuUsage()
  const index = new MiniSearch<{ id: number; title: string; body: string }>({
    fields: ['title', 'body'],
    tokenize,
    // The tokenizer already folds case and width.
    processTerm: (term) => term,
    searchOptions: { boost: { title: 10 }, combineWith: 'AND' },
  })
  index.addAll(docs)
  const buildMs = performance.now() - started
  const cpu = process.cpuUsage(cpuStart)
  const buildCpuMs = (cpu.user + cpu.system) / 1000
  // The articles' texts stay referenced by `docs`: only the index's own growth is counted.
  collect()
  const heapBytes = process.memoryUsage().heapUsed - heapBefore
  const rssBytes = process.memoryUsage().rss - rssBefore

  const sets: MiniSearchFigures['sets'] = {}
  index.search('服务') // warm-up, not timed
  for (const [name, all] of queries) {
    const list = all.slice(0, Number(usedArg))
    const samples: number[] = []
    let hits = 0
    for (const query of list) {
      const t0 = performance.now()
      const results = index.search(query, { prefix: name === 'en', filter: (r) => visible[r.id as number] === true })
      // What the UI needs: the total and the first page.
      hits += results.length
      results.slice(0, 20)
      samples.push(performance.now() - t0)
    }
    sets[name] = { samples, meanHits: hits / list.length }
  }
  const figures: MiniSearchFigures = { ready: true, buildMs, buildCpuMs, heapBytes, rssBytes, sets }
  console.log(JSON.stringify(figures))
}

main()
