import { createHash } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { CallRecord } from '../../../shared/domain/phone'
import type { CallsTable, Database } from '../../db/schema'
import { fileMissedCall } from '../../inbox/callback-items'
import { ChangeSet } from '../../inbox/change-set'
import { SUPERVISORS, agentScope } from '../../inbox/conversation-scopes'
import { EVERYONE, recordChange } from '../change-log'
import { applied, rejected, type OpContext, type OpOutcome, type PayloadOf } from './op-outcome'

/**
 * A call of the agent's call log (call.log), written when the call ends and again, under the same
 * call id, when the agent finishes the after-call work: the first creates the call, later ones
 * update what the wrap-up decides (disposition, note, customer...). What identifies the call
 * (direction, number, when it was offered and answered, missed) never changes.
 *
 * A customer id the server does not know is dropped rather than the call refused: the desktop's
 * cache may still hold a customer the centre has deleted, and the call happened all the same.
 *
 * A call with a customer is a line of their history (an interaction); a missed call is filed as a
 * callback item in the inbox (callback-items.ts).
 */
export async function applyCallLog({ trx, viewer, now }: OpContext, call: PayloadOf<'call.log'>): Promise<OpOutcome> {
  const existing = await trx.selectFrom('calls').selectAll().where('id', '=', call.id).executeTakeFirst()
  if (existing && existing.agent_id !== viewer.agentId) return rejected('conflict', 'Another agent’s call already uses this call id')
  const differs = existing ? identityChange(existing, call) : null
  if (differs) return rejected('conflict', `This call was logged before with another ${differs}; only its wrap-up can change`)
  const customer = call.customerId
    ? ((await trx.selectFrom('customers').select(['id', 'name', 'tier']).where('id', '=', call.customerId).executeTakeFirst()) ?? null)
    : null
  const values = {
    customer_id: customer?.id ?? null,
    ended_at: call.endedAt,
    duration_sec: call.durationSec,
    end_cause: call.endCause,
    disposition: call.disposition,
    note: call.note,
    transferred_to: call.transferredTo,
  }
  if (existing && sameWrapUp(existing, values)) return applied(false)

  const changes = new ChangeSet()
  const tombstones: string[] = []
  let interactionId: string | null = null
  if (customer) {
    interactionId = existing?.interaction_id ?? interactionIdOf(call.id)
    const summary = await summaryOf(trx, call)
    await trx
      .insertInto('interactions')
      .values({ id: interactionId, customer_id: customer.id, channel: 'phone', direction: call.direction === 'inbound' ? 'in' : 'out', summary, agent_id: viewer.agentId, at: call.offeredAt })
      .onConflict((oc) => oc.column('id').doUpdateSet({ customer_id: customer.id, summary }))
      .execute()
    changes.add('interaction', interactionId)
  } else if (existing?.interaction_id) {
    // The wrap-up took the customer away: the call leaves their history.
    await trx.deleteFrom('interactions').where('id', '=', existing.interaction_id).execute()
    tombstones.push(existing.interaction_id)
  }

  let conversationId = existing?.conversation_id ?? null
  if (call.missed && !existing) {
    conversationId = await fileMissedCall(trx, changes, { callId: call.id, remoteNumber: call.remoteNumber, offeredAt: call.offeredAt, agentId: viewer.agentId, customer }, now)
  }

  if (existing) {
    await trx.updateTable('calls').set({ ...values, interaction_id: interactionId, updated_at: now }).where('id', '=', call.id).execute()
  } else {
    await trx
      .insertInto('calls')
      .values({
        id: call.id,
        agent_id: viewer.agentId,
        direction: call.direction,
        remote_number: call.remoteNumber,
        offered_at: call.offeredAt,
        answered_at: call.answeredAt,
        missed: call.missed ? 1 : 0,
        ...values,
        conversation_id: conversationId,
        interaction_id: interactionId,
        created_at: now,
        updated_at: now,
      })
      .execute()
  }

  // The change log last (see recordChange).
  const scopes = await changes.flush(trx, now)
  for (const id of tombstones) await recordChange(trx, 'interaction', id, true, now)
  const callScopes = callLogScopes(viewer.agentId)
  await recordChange(trx, 'call', call.id, false, now, callScopes)
  for (const scope of callScopes) scopes.add(scope)
  if (tombstones.length > 0) scopes.add(EVERYONE)
  return applied(true, scopes)
}

/** The agent's own desktops, and leads and admins. */
export function callLogScopes(agentId: string): string[] {
  return [agentScope(agentId), SUPERVISORS]
}

function identityChange(row: CallsTable, call: CallRecord): string | null {
  if (row.direction !== call.direction) return 'direction'
  if (row.remote_number !== call.remoteNumber) return 'number'
  if (Number(row.offered_at) !== call.offeredAt) return 'offer time'
  if ((row.answered_at === null ? null : Number(row.answered_at)) !== call.answeredAt) return 'answer time'
  if ((row.missed !== 0) !== call.missed) return 'missed flag'
  return null
}

function sameWrapUp(row: CallsTable, values: Pick<CallsTable, 'customer_id' | 'ended_at' | 'duration_sec' | 'end_cause' | 'disposition' | 'note' | 'transferred_to'>): boolean {
  return (
    row.customer_id === values.customer_id &&
    Number(row.ended_at) === values.ended_at &&
    row.duration_sec === values.duration_sec &&
    row.end_cause === values.end_cause &&
    row.disposition === values.disposition &&
    row.note === values.note &&
    row.transferred_to === values.transferred_to
  )
}

/** `call-<call id>`, or a digest of a call id too long for an interaction id. */
function interactionIdOf(callId: string): string {
  const plain = `call-${callId}`
  return plain.length <= 64 ? plain : `call-${createHash('sha256').update(callId).digest('hex').slice(0, 40)}`
}

/** "3分12秒", "45秒", "1小时2分5秒". */
export function formatTalkTime(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  if (h > 0) return `${h}小时${m}分${s}秒`
  return m > 0 ? `${m}分${s}秒` : `${s}秒`
}

/** The line of the customer's history: "呼入 通话 3分12秒 · 处理结果: 咨询已答复", "未接来电", "呼出 未接通". */
async function summaryOf(trx: Transaction<Database>, call: CallRecord): Promise<string> {
  const parts: string[] = []
  const way = call.direction === 'inbound' ? '呼入' : '呼出'
  if (call.missed) parts.push('未接来电')
  else if (call.answeredAt === null) parts.push(`${way} 未接通`)
  else parts.push(`${way} 通话 ${formatTalkTime(call.durationSec)}`)
  if (call.disposition) {
    const code = await trx.selectFrom('disposition_codes').select('label_zh').where('code', '=', call.disposition).executeTakeFirst()
    parts.push(`处理结果: ${code?.label_zh ?? call.disposition}`)
  }
  if (call.transferredTo) parts.push(`转接: ${call.transferredTo}`)
  if (call.note?.trim()) parts.push(`备注: ${call.note.trim()}`)
  return parts.join(' · ').slice(0, 5_000)
}
