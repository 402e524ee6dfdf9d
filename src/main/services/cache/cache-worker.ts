/**
 * The cache worker: owns the agent's SQLite file and answers the main thread's calls one at a
 * time. better-sqlite3 is synchronous, so running it here keeps an initial sync or a heavy search
 * off the main thread's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { AppError, type ErrorInfo } from '../../../shared/errors'
import { openCacheFile } from './cache-file'
import { CACHE_METHODS, type CacheMethod, type CacheReply, type CacheRequest, type CacheStartup, type CacheWorkerData } from './cache-protocol'
import { CacheStore } from './cache-store'
import { Sqlite } from './sqlite'

/** SQLite's own words are useful in a log and harmless to show; other errors may carry anything. */
function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return err.toInfo()
  if (err instanceof Database.SqliteError) {
    if (err.code.startsWith('SQLITE_CONSTRAINT')) return { code: 'conflict', message: `The local cache refused the change: ${err.message}` }
    return { code: 'internal', message: `Local cache error (${err.code}): ${err.message}` }
  }
  return { code: 'internal', message: err instanceof Error ? `Local cache error: ${err.message}` : 'Local cache error' }
}

const KNOWN_METHODS = new Set<string>(CACHE_METHODS)

function isCall(request: CacheRequest): request is Extract<CacheRequest, { kind: 'call' }> {
  return request.kind === 'call' && KNOWN_METHODS.has(request.method)
}

function start(): void {
  const port = parentPort
  if (!port) throw new Error('cache-worker.ts must run in a worker thread')
  const { dir, agentId } = workerData as CacheWorkerData
  let opened: ReturnType<typeof openCacheFile>
  try {
    opened = openCacheFile(dir, agentId)
  } catch (err) {
    port.postMessage({ kind: 'failed', error: errorInfo(err) } satisfies CacheStartup)
    return
  }
  const store = new CacheStore(new Sqlite(opened.db))
  // Typed once here: the table maps each method name to the store's method of the same name.
  const call = (method: CacheMethod, args: unknown[]): unknown => (store[method] as (...a: unknown[]) => unknown).apply(store, args)

  port.on('message', (request: CacheRequest) => {
    if (request.kind === 'close') {
      opened.db.close()
      port.postMessage({ kind: 'reply', id: request.id, ok: true, value: null } satisfies CacheReply)
      port.close()
      return
    }
    let reply: CacheReply
    try {
      if (!isCall(request)) throw new AppError('unknown_method', 'Unknown cache method')
      reply = { kind: 'reply', id: request.id, ok: true, value: call(request.method, request.args) }
    } catch (err) {
      reply = { kind: 'reply', id: request.id, ok: false, error: errorInfo(err) }
    }
    port.postMessage(reply)
  })
  port.postMessage({ kind: 'ready', report: opened.report } satisfies CacheStartup)
}

start()
