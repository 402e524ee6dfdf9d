import type { LoginThrottleConfig } from '../config'

interface FailureRecord {
  failures: number
  lastFailureAt: number
}

/**
 * Slows down password guessing: after a few free failures for the same key (an account, or an
 * address), each further attempt must wait, doubling each time. Kept in memory: a restart
 * forgets it, which only resets the wait.
 */
export class LoginThrottle {
  private readonly records = new Map<string, FailureRecord>()

  constructor(
    private readonly config: LoginThrottleConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long the caller must still wait before trying `keys` again (0 = may try now). */
  waitMs(keys: string[]): number {
    return Math.max(0, ...keys.map((key) => this.waitFor(key)))
  }

  recordFailure(keys: string[]): void {
    const now = this.now()
    for (const key of keys) {
      const rec = this.fresh(key)
      this.records.set(key, { failures: (rec?.failures ?? 0) + 1, lastFailureAt: now })
    }
    if (this.records.size > 10_000) this.prune()
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.records.delete(key)
  }

  private waitFor(key: string): number {
    const rec = this.fresh(key)
    if (!rec || rec.failures < this.config.freeFailures) return 0
    const extra = rec.failures - this.config.freeFailures
    const delay = Math.min(this.config.maxDelayMs, this.config.baseDelayMs * 2 ** Math.min(extra, 30))
    return Math.max(0, rec.lastFailureAt + delay - this.now())
  }

  private fresh(key: string): FailureRecord | undefined {
    const rec = this.records.get(key)
    if (rec && this.now() - rec.lastFailureAt > this.config.windowMs) {
      this.records.delete(key)
      return undefined
    }
    return rec
  }

  private prune(): void {
    for (const key of [...this.records.keys()]) this.fresh(key)
  }
}
