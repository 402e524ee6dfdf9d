import { EventEmitter } from 'node:events'
import { AppError } from '../../../shared/errors'
import type { SyncStatus } from '../../../shared/ipc/views'
import type { SyncPage } from '../../../shared/protocol/sync'
import type { LocalCache } from '../cache/local-cache'
import { CoalescedRunner } from './coalesced-runner'

/**
 * socket.io parses each page on the main thread: 1,000 articles are ~630 KB of JSON and took
 * 13–51 ms to parse in the bench, more than a frame; 250 keeps a page well inside one.
 */
const DEFAULT_PAGE_SIZE = 250

export interface SyncDownEvents {
  status: [SyncStatus]
  /** Which kinds of record a page touched, so views can re-read. */
  applied: [entities: string[]]
}

export type PullPage = (cursor: number, limit: number) => Promise<SyncPage>

/**
 * Pulls the server's changes after the cache's cursor, page by page. Each page is stored with
 * its cursor in one transaction, so a sync cut off anywhere resumes after the last stored page.
 * A page with a record this desktop cannot read is refused whole by the cache: the cursor
 * stays, nothing is stored, and the sync reports the error.
 */
export class SyncDown extends EventEmitter<SyncDownEvents> {
  private readonly runner = new CoalescedRunner(
    () => this.run(),
    () => this.current.phase !== 'offline' && this.current.phase !== 'error',
  )
  private current: SyncStatus = { phase: 'idle', done: 0, total: 0, lastSyncedAt: null, error: null }

  constructor(
    private readonly cache: LocalCache,
    private readonly pull: PullPage,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
  ) {
    super()
  }

  get status(): SyncStatus {
    return this.current
  }

  /** Starts a sync, or makes the running one go round again when it finishes. */
  request(): Promise<void> {
    return this.runner.request()
  }

  /** The connection is gone: say so without forgetting when we last synced. */
  markOffline(): void {
    if (this.current.phase !== 'offline') this.setStatus({ ...this.current, phase: 'offline', error: null })
  }

  private async run(): Promise<void> {
    try {
      let cursor = await this.cache.getCursor()
      const initial = cursor === 0
      let start = cursor
      let done = 0
      for (;;) {
        const page = await this.pull(cursor, this.pageSize)
        if (page.reset) {
          // The server never issued our cursor (its data was restored or replaced): start over.
          await this.cache.resetSyncedData()
          cursor = 0
          start = 0
          done = 0
          continue
        }
        const changes = page.changes
        await this.cache.applyChanges(changes, page.cursor)
        done += changes.length
        cursor = page.cursor
        const total = Math.max(done, done + (page.latest - page.cursor))
        if (changes.length > 0) this.emit('applied', entitiesIn(changes))
        if (!page.hasMore) break
        this.setStatus({ phase: initial && start === 0 ? 'initial' : 'incremental', done, total, lastSyncedAt: this.current.lastSyncedAt, error: null })
      }
      this.setStatus({ phase: 'idle', done, total: done, lastSyncedAt: Date.now(), error: null })
    } catch (err) {
      const offline = err instanceof AppError && (err.code === 'offline' || err.code === 'timeout')
      const message = err instanceof Error ? err.message : String(err)
      this.setStatus({ ...this.current, phase: offline ? 'offline' : 'error', error: offline ? null : message })
    }
  }

  private setStatus(status: SyncStatus): void {
    this.current = status
    this.emit('status', status)
  }
}

/** Which kinds of record a stored (hence valid) page held. */
function entitiesIn(changes: readonly unknown[]): string[] {
  const entities = new Set<string>()
  for (const change of changes) {
    const entity = (change as { entity?: unknown }).entity
    if (typeof entity === 'string') entities.add(entity)
  }
  return [...entities]
}
