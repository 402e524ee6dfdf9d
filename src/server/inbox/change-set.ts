import type { Transaction } from 'kysely'
import type { Database, SyncedEntity } from '../db/schema'
import { EVERYONE, recordChange } from '../sync/change-log'
import { SKILL_PREFIX, conversationScopes } from './conversation-scopes'

/**
 * Collects the synced records a transaction touched and logs them at its end: the change log
 * must be the last write of a transaction (see recordChange), and a record touched twice is
 * logged once. A conversation and its messages are logged for everyone concerned before AND after
 * the change, so a desktop that could see it and no longer can receives the tombstones.
 */
export class ChangeSet {
  private readonly entries = new Map<string, { entity: SyncedEntity; id: string; conversationId: string | null }>()
  /** Scopes of conversations as they were before this transaction changed them. */
  private readonly before = new Map<string, Set<string>>()

  add(entity: SyncedEntity, id: string, conversationId: string | null = null): this {
    this.entries.set(`${entity}\u0000${id}`, { entity, id, conversationId: entity === 'conversation' ? id : conversationId })
    return this
  }

  /** Call with the row as it is before an update that may move it to other people. */
  noteBefore(conversation: { id: string } & Parameters<typeof conversationScopes>[0]): void {
    const set = this.before.get(conversation.id) ?? new Set<string>()
    for (const scope of conversationScopes(conversation)) set.add(scope)
    this.before.set(conversation.id, set)
  }

  get size(): number {
    return this.entries.size
  }

  /** Logs every entry; returns the scopes to notify. */
  async flush(trx: Transaction<Database>, at: number): Promise<Set<string>> {
    const conversationIds = [...new Set([...this.entries.values()].flatMap((e) => e.conversationId ?? []))]
    const scopesOf = new Map<string, Set<string>>()
    if (conversationIds.length > 0) {
      const rows = await trx
        .selectFrom('conversations')
        .select(['id', 'assigned_agent_id', 'status', 'skill_group_id'])
        .where('id', 'in', conversationIds)
        .execute()
      for (const row of rows) scopesOf.set(row.id, new Set([...(this.before.get(row.id) ?? []), ...conversationScopes(row)]))
    }
    const notify = new Set<string>()
    for (const { entity, id, conversationId } of this.entries.values()) {
      let scopes = conversationId ? [...(scopesOf.get(conversationId) ?? this.before.get(conversationId) ?? [EVERYONE])] : [EVERYONE]
      // A queue's agents see the waiting conversation (with its preview) but not every message in
      // it: those reach the agent it is offered to (relogged then). Sending each message of each
      // queued chat to a whole skill group was most of the server's work under load (bench).
      if (entity === 'message') scopes = scopes.filter((scope) => !scope.startsWith(SKILL_PREFIX))
      for (const scope of scopes) notify.add(scope)
      await recordChange(trx, entity, id, false, at, scopes)
    }
    this.entries.clear()
    return notify
  }
}
