import type { Kysely, Transaction } from 'kysely'
import type { ConversationChannel } from '../../shared/domain/conversations'
import type { Database } from '../db/schema'

export interface SlaDeadlines {
  firstResponseDueAt: number | null
  resolutionDueAt: number | null
}

/** First-response and resolution deadlines for a conversation of this channel and tier priority, from `sla_policies`. */
export async function slaDeadlines(db: Kysely<Database> | Transaction<Database>, channel: ConversationChannel, priority: number, from: number): Promise<SlaDeadlines> {
  const policy = await db
    .selectFrom('sla_policies')
    .selectAll()
    .where('channel', '=', channel)
    .where('priority', '=', priority)
    .executeTakeFirst()
  if (!policy) return { firstResponseDueAt: null, resolutionDueAt: null }
  return { firstResponseDueAt: from + Number(policy.first_response_ms), resolutionDueAt: from + Number(policy.resolution_ms) }
}
