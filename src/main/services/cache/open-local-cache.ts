/**
 * The main thread's side of the cache: a typed RPC client of the cache worker. Each call is a
 * message with an id; the worker answers in order. If the worker dies, every call in flight is
 * rejected (it may or may not have been committed: the caller retries or re-reads), and the next
 * call starts a new worker on the same file.
 */
import type { Worker } from 'node:worker_threads'
import type { ContactKind } from '../../../shared/domain/contact-normalize'
import { AppError } from '../../../shared/errors'
import type { Operation, OperationResult } from '../../../shared/protocol/sync'
import type { KbSearchInput } from '../../../shared/ipc/views'
import type { CacheArgs, CacheMethod, CacheReply, CacheRequest, CacheResult, CacheStartup } from './cache-protocol'
import type { CacheOpenReport, LocalCache, OpenCacheOptions } from './local-cache'
import { startCacheWorker } from './worker-entry'

/** How long closing waits for the worker to finish its queue before stopping it. */
const CLOSE_TIMEOUT_MS = 10_000

interface Waiting {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

function exitedError(code: number | null, cause?: Error): AppError {
  const why = cause ? `: ${cause.message}` : code !== null ? ` (exit code ${code})` : ''
  return new AppError('internal', `The local cache stopped unexpectedly${why}; the call may not have been completed`)
}

/** Starts a worker and waits for it to open the file. */
function launch(options: OpenCacheOptions): Promise<{ worker: Worker; report: CacheOpenReport }> {
  return new Promise((resolve, reject) => {
    let worker: Worker
    try {
      worker = startCacheWorker({ dir: options.dir, agentId: options.agentId })
    } catch (err) {
      reject(new AppError('internal', `Cannot start the local cache: ${err instanceof Error ? err.message : String(err)}`))
      return
    }
    let failure: Error | undefined
    const cleanup = () => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    const onMessage = (message: CacheStartup) => {
      cleanup()
      if (message.kind === 'ready') resolve({ worker, report: message.report })
      else {
        void worker.terminate()
        reject(AppError.from(message.error))
      }
    }
    const onError = (err: Error) => {
      failure = err
    }
    const onExit = (code: number) => {
      cleanup()
      reject(new AppError('internal', `The local cache could not start${failure ? `: ${failure.message}` : ` (exit code ${code})`}`))
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
  })
}

export class WorkerLocalCache implements LocalCache {
  private worker: Worker | null
  private restarting: Promise<Worker> | null = null
  private readonly waiting = new Map<number, Waiting>()
  private nextId = 1
  private closed = false
  private latestReport: CacheOpenReport

  private constructor(
    private readonly options: OpenCacheOptions,
    started: { worker: Worker; report: CacheOpenReport },
  ) {
    this.latestReport = started.report
    this.worker = this.attach(started.worker)
  }

  static async open(options: OpenCacheOptions): Promise<WorkerLocalCache> {
    return new WorkerLocalCache(options, await launch(options))
  }

  /** The report of the last (re)start: a restart may have found the file damaged too. */
  get report(): CacheOpenReport {
    return this.latestReport
  }

  /** The worker's thread id, or null while none runs (for tests and diagnostics). */
  get threadId(): number | null {
    return this.worker?.threadId ?? null
  }

  /** Stops the worker abruptly, as a crash would (for tests). */
  async killWorkerForTesting(): Promise<void> {
    await this.worker?.terminate()
  }

  private attach(worker: Worker): Worker {
    let crash: Error | undefined
    worker.on('message', (reply: CacheReply) => {
      const waiting = this.waiting.get(reply.id)
      if (!waiting) return
      this.waiting.delete(reply.id)
      if (reply.ok) waiting.resolve(reply.value)
      else waiting.reject(AppError.from(reply.error))
    })
    worker.on('error', (err) => {
      crash = err
    })
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null
      const error = this.closed ? new AppError('internal', 'The local cache is closed') : exitedError(code, crash)
      for (const waiting of this.waiting.values()) waiting.reject(error)
      this.waiting.clear()
    })
    return worker
  }

  private async currentWorker(): Promise<Worker> {
    if (this.closed) throw new AppError('internal', 'The local cache is closed')
    if (this.worker) return this.worker
    this.restarting ??= launch(this.options)
      .then((started) => {
        this.latestReport = started.report
        this.worker = this.attach(started.worker)
        return this.worker
      })
      .finally(() => {
        this.restarting = null
      })
    return this.restarting
  }

  private post(worker: Worker, request: CacheRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject })
      try {
        worker.postMessage(request)
      } catch (err) {
        // Arguments that cannot be cloned (functions, class instances with private state).
        this.waiting.delete(request.id)
        reject(new AppError('invalid_argument', `Cannot pass this to the local cache: ${err instanceof Error ? err.message : String(err)}`))
      }
    })
  }

  private async call<K extends CacheMethod>(method: K, ...args: CacheArgs<K>): Promise<CacheResult<K>> {
    const worker = await this.currentWorker()
    const request = { kind: 'call', id: this.nextId++, method, args } as CacheRequest
    return (await this.post(worker, request)) as CacheResult<K>
  }

  getCursor() {
    return this.call('getCursor')
  }
  applyChanges(changes: readonly unknown[], cursor: number) {
    return this.call('applyChanges', changes, cursor)
  }
  resetSyncedData() {
    return this.call('resetSyncedData')
  }
  searchKb(input: KbSearchInput, skillGroupIds: string[]) {
    return this.call('searchKb', input, skillGroupIds)
  }
  getArticle(id: string) {
    return this.call('getArticle', id)
  }
  kbCategories() {
    return this.call('kbCategories')
  }
  pendingSignoffs() {
    return this.call('pendingSignoffs')
  }
  signoff(op: Extract<Operation, { type: 'kb.signoff' }>) {
    return this.call('signoff', op)
  }
  searchCustomers(query: string, limit: number) {
    return this.call('searchCustomers', query, limit)
  }
  lookupCustomers(kind: ContactKind, normalized: string) {
    return this.call('lookupCustomers', kind, normalized)
  }
  getCustomer(id: string) {
    return this.call('getCustomer', id)
  }
  addNote(op: Extract<Operation, { type: 'customer.note' }>, agent: { id: string; name: string }) {
    return this.call('addNote', op, agent)
  }
  updateCustomer(op: Extract<Operation, { type: 'customer.update' }>) {
    return this.call('updateCustomer', op)
  }
  enqueue(op: Operation) {
    return this.call('enqueue', op)
  }
  nextOperations(limit: number) {
    return this.call('nextOperations', limit)
  }
  recordResults(results: OperationResult[]) {
    return this.call('recordResults', results)
  }
  outboxStatus() {
    return this.call('outboxStatus')
  }
  resolveConflict(opId: string, resolution: 'discard' | 'retry') {
    return this.call('resolveConflict', opId, resolution)
  }
  getDraft(key: string) {
    return this.call('getDraft', key)
  }
  setDraft(key: string, text: string) {
    return this.call('setDraft', key, text)
  }
  attachmentFile(...args: CacheArgs<'attachmentFile'>) {
    return this.call('attachmentFile', ...args)
  }
  storeAttachmentFile(...args: CacheArgs<'storeAttachmentFile'>) {
    return this.call('storeAttachmentFile', ...args)
  }
  missingKbAttachments(...args: CacheArgs<'missingKbAttachments'>) {
    return this.call('missingKbAttachments', ...args)
  }
  kbVersions(...args: CacheArgs<'kbVersions'>) {
    return this.call('kbVersions', ...args)
  }
  storeKbVersions(...args: CacheArgs<'storeKbVersions'>) {
    return this.call('storeKbVersions', ...args)
  }
  settings() {
    return this.call('settings')
  }
  setSetting(...args: CacheArgs<'setSetting'>) {
    return this.call('setSetting', ...args)
  }
  inboxList(...args: CacheArgs<'inboxList'>) {
    return this.call('inboxList', ...args)
  }
  inboxConversation(...args: CacheArgs<'inboxConversation'>) {
    return this.call('inboxConversation', ...args)
  }
  inboxMessages(...args: CacheArgs<'inboxMessages'>) {
    return this.call('inboxMessages', ...args)
  }
  inboxWrite(...args: CacheArgs<'inboxWrite'>) {
    return this.call('inboxWrite', ...args)
  }
  inboxAct(...args: CacheArgs<'inboxAct'>) {
    return this.call('inboxAct', ...args)
  }
  inboxCreateCustomer(...args: CacheArgs<'inboxCreateCustomer'>) {
    return this.call('inboxCreateCustomer', ...args)
  }
  cannedResponses() {
    return this.call('cannedResponses')
  }
  dispositionCodes() {
    return this.call('dispositionCodes')
  }
  recordCall(...args: CacheArgs<'recordCall'>) {
    return this.call('recordCall', ...args)
  }
  callLog(...args: CacheArgs<'callLog'>) {
    return this.call('callLog', ...args)
  }

  /** Lets the worker finish what it was asked, closes the file, and stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return
    const worker = this.worker ?? (await this.restarting?.catch(() => null)) ?? null
    this.closed = true
    if (!worker) return
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS)
    try {
      await this.post(worker, { kind: 'close', id: this.nextId++ }).catch(() => undefined)
      await exited
    } finally {
      clearTimeout(timer)
    }
  }
}

export function openLocalCache(options: OpenCacheOptions): Promise<LocalCache> {
  return WorkerLocalCache.open(options)
}
