import type { Kysely } from 'kysely'
import type { CallLogRecord } from '../../shared/domain/records'
import type { Database } from '../db/schema'
import type { SyncViewer } from './sync-viewer'

/**
 * Calls of the call log in their wire shape (records.ts), many ids per query. An agent receives
 * their own calls; leads and admins everyone's. Others are left out, so they go down as tombstones.
 */
export async function readCalls(db: Kysely<Database>, viewer: SyncViewer, ids: readonly string[]): Promise<Map<string, CallLogRecord>> {
  let query = db
    .selectFrom('calls')
    .leftJoin('agents', 'agents.id', 'calls.agent_id')
    .selectAll('calls')
    .select('agents.display_name as agent_name')
    .where('calls.id', 'in', ids)
  if (viewer.role === 'agent') query = query.where('calls.agent_id', '=', viewer.agentId)
  const rows = await query.execute()
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        direction: r.direction,
        remoteNumber: r.remote_number,
        customerId: r.customer_id,
        offeredAt: Number(r.offered_at),
        answeredAt: r.answered_at === null ? null : Number(r.answered_at),
        endedAt: Number(r.ended_at),
        durationSec: r.duration_sec,
        missed: r.missed !== 0,
        endCause: r.end_cause,
        disposition: r.disposition,
        note: r.note,
        transferredTo: r.transferred_to,
        agentId: r.agent_id,
        agentName: r.agent_name,
        conversationId: r.conversation_id,
      },
    ]),
  )
}
