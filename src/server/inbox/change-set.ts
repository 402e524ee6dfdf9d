import type { Transaction } from 'kysely'
import type { Database, SyncedEntity } from '../db/schema'
import { recordChange } from '../sync/change-log'

/**
 * Collects the synced records a transaction touched and logs them at its end: the change log
 * must be the last write of a transaction (see recordChange), and a record touched twice is
 * logged once.
 */
export class ChangeSet {
  private readonly entries = new Map<string, { entity: SyncedEntity; id: string }>()

  add(entity: SyncedEntity, id: string): this {
    this.entries.set(`${entity}\u0000${id}`, { entity, id })
    return this
  }

  get size(): number {
    return this.entries.size
  }

  async flush(trx: Transaction<Database>, at: number): Promise<void> {
    for (const { entity, id } of this.entries.values()) await recordChange(trx, entity, id, false, at)
    this.entries.clear()
  }
}
