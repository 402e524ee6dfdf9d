import { EventEmitter } from 'node:events'
import { AppError } from '../../../shared/errors'
import { MAX_PUSH_BATCH, type Operation, type SyncPushResult } from '../../../shared/protocol/sync'
import type { LocalCache } from '../cache/local-cache'
import { CoalescedRunner } from './coalesced-runner'

const RETRY_AFTER_SERVER_FAILURE_MS = 5_000

export type PushOperations = (ops: Operation[]) => Promise<SyncPushResult>

export interface OutboxSenderEvents {
  /** A batch was answered: the outbox status and the records it touched have changed. */
  delivered: [types: Operation['type'][]]
}

/**
 * Sends the outbox in order while online, one batch at a time. An operation leaves the queue
 * only after the server has answered for it; the server applies each id once, so resending a
 * batch whose answer was lost is safe.
 */
export class OutboxSender extends EventEmitter<OutboxSenderEvents> {
  private readonly runner = new CoalescedRunner(() => this.sendAll())
  private retryTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly cache: LocalCache,
    private readonly push: PushOperations,
    private readonly isOnline: () => boolean,
  ) {
    super()
  }

  flush(): Promise<void> {
    return this.runner.request()
  }

  private async sendAll(): Promise<void> {
    while (this.isOnline()) {
      const queued = await this.cache.nextOperations(MAX_PUSH_BATCH)
      if (queued.length === 0) return
      const ops = queued.map((q) => q.op)
      let answer: SyncPushResult
      try {
        answer = await this.push(ops)
      } catch (err) {
        // Offline or timed out: everything stays queued for the next flush.
        if (err instanceof AppError && (err.code === 'offline' || err.code === 'timeout' || err.code === 'token_expired')) return
        throw err
      }
      // `internal` is the server's own failure, not the operation's: keep it queued and try again later.
      const retryLater = answer.results.filter((r) => r.status === 'rejected' && r.error?.code === 'internal')
      const settled = answer.results.filter((r) => !retryLater.includes(r))
      await this.cache.recordResults(settled)
      this.emit('delivered', [...new Set(ops.map((op) => op.type))])
      if (retryLater.length > 0 || answer.results.length < ops.length) {
        this.scheduleRetry()
        return
      }
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      void this.flush().catch(() => undefined)
    }, RETRY_AFTER_SERVER_FAILURE_MS)
    this.retryTimer.unref?.()
  }

  stop(): void {
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
  }
}
