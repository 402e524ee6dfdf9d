import type { Kysely } from 'kysely'
import type { SyncNotify } from '../../shared/protocol/sync'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import { EVERYONE, latestSeq } from './change-log'

export const SYNC_NOTICE_DELAY_MS = 50

/**
 * Tells connected desktops that the change log grew, so they pull. Anything that commits a
 * change of a synced record calls `changed()` after the commit; calls within the delay make one
 * notice, so a batch of operations (or a bulk import) is one pull for every desktop, not hundreds.
 */
export class SyncNotifier {
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  /** Scopes to tell at the next notice; '*' tells every desktop. */
  private pending = new Set<string>()

  constructor(
    private readonly db: Kysely<Database>,
    /** `scopes` holds '*' for every desktop, or the change-log scopes whose desktops must pull. */
    private readonly broadcast: (notice: SyncNotify, scopes: ReadonlySet<string>) => void,
    private readonly log: Logger,
    private readonly delayMs = SYNC_NOTICE_DELAY_MS,
  ) {}

  /**
   * Call after the transaction that appended to the change log has committed, never inside it,
   * with the scopes of the changes (see recordChange); without them every desktop is told.
   */
  changed(scopes: Iterable<string> = [EVERYONE]): void {
    if (this.stopped) return
    for (const scope of scopes) this.pending.add(scope)
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.announce()
    }, this.delayMs)
  }

  /** Before the database closes: a pending notice would otherwise query a closed pool. */
  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private async announce(): Promise<void> {
    try {
      // Read when sending, not when scheduled, so the notice covers everything committed meanwhile.
      const latest = await latestSeq(this.db)
      const scopes = this.pending
      this.pending = new Set()
      if (!this.stopped && scopes.size > 0) this.broadcast({ latest }, scopes.has(EVERYONE) ? new Set([EVERYONE]) : scopes)
    } catch (err) {
      this.log.error({ err }, 'sync notice failed')
    }
  }
}
