import type { Kysely } from 'kysely'
import type { SyncNotify } from '../../shared/protocol/sync'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import { latestSeq } from './change-log'

export const SYNC_NOTICE_DELAY_MS = 50

/**
 * Tells connected desktops that the change log grew, so they pull. Anything that commits a
 * change of a synced record calls `changed()` after the commit; calls within the delay make one
 * notice, so a batch of operations (or a bulk import) is one pull for every desktop, not hundreds.
 */
export class SyncNotifier {
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly db: Kysely<Database>,
    private readonly broadcast: (notice: SyncNotify) => void,
    private readonly log: Logger,
    private readonly delayMs = SYNC_NOTICE_DELAY_MS,
  ) {}

  /** Call after the transaction that appended to the change log has committed, never inside it. */
  changed(): void {
    if (this.timer || this.stopped) return
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
      if (!this.stopped) this.broadcast({ latest })
    } catch (err) {
      this.log.error({ err }, 'sync notice failed')
    }
  }
}
