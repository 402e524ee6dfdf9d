import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import { normalizePhone } from '../../shared/domain/contact-normalize'
import { tierPriority } from '../../shared/domain/conversations'
import type { Database } from '../db/schema'
import type { ChangeSet } from './change-set'
import { logEvent, newConversationRow, updateConversation, type ConversationRow } from './conversation-store'
import { slaDeadlines } from './sla'

/**
 * Missed calls as callback items (回拨) in the unified inbox: a conversation on the 'phone'
 * channel per caller number, assigned to the agent who missed the call, with one system line per
 * missed call. While it is not resolved, further missed calls from the same number are added to
 * it (whoever missed them), so one agent calls back once instead of two agents calling twice.
 */

export interface MissedCall {
  callId: string
  remoteNumber: string
  offeredAt: number
  agentId: string
  /** The customer the phone recognised, if the server has them. */
  customer: { id: string; name: string; tier: string } | null
}

const callTime = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })

/** "11-23 14:05", in the centre's time zone (as email quotes). */
export function formatCallTime(at: number): string {
  const parts = Object.fromEntries(callTime.formatToParts(new Date(at)).map((p) => [p.type, p.value]))
  return `${parts['month']}-${parts['day']} ${parts['hour'] === '24' ? '00' : parts['hour']}:${parts['minute']}`
}

/** 13800138000 → "138 0013 8000"; other numbers as they are. */
export function formatPhoneNumber(digits: string): string {
  return /^1\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}` : digits
}

/** The key a callback item is found by: the caller's number as look-ups match it, or null when there is no number to call back. */
export function callbackKey(remoteNumber: string): string | null {
  return normalizePhone(remoteNumber)
}

/**
 * Files the missed call into the number's open callback item, or opens one. Returns the
 * conversation's id, or null when the call cannot be called back (no number) or the centre has no
 * skill group to file it under.
 */
export async function fileMissedCall(trx: Transaction<Database>, changes: ChangeSet, call: MissedCall, now: number): Promise<string | null> {
  const number = callbackKey(call.remoteNumber)
  if (number === null) return null
  const text = `未接来电 ${formatPhoneNumber(number)} · ${formatCallTime(call.offeredAt)}`
  const open = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('channel', '=', 'phone')
    .where('thread_key', '=', number)
    .where('status', '!=', 'resolved')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  const customer = call.customer ?? (await customerByPhone(trx, number))
  const conversation = open ?? (await openCallback(trx, call, number, customer, now))
  if (!conversation) return null
  const messageId = randomUUID()
  await trx
    .insertInto('messages')
    .values({
      id: messageId,
      conversation_id: conversation.id,
      direction: 'system',
      author_name: '',
      agent_id: null,
      text,
      html: null,
      attachments: '[]',
      reply_to_id: null,
      // One line per call, even if the same call is filed twice.
      external_id: `call:${call.callId}`,
      delivery: null,
      delivery_error: null,
      recalled: 0,
      created_at: now,
    })
    .execute()
  changes.add('message', messageId, conversation.id)
  const link = !conversation.customer_id && customer ? { customer_id: customer.id, tier: customer.tier, priority: tierPriority(customer.tier) } : {}
  await updateConversation(
    trx,
    changes,
    conversation.id,
    { last_message_at: now, last_message_preview: text, unread: open ? open.unread + 1 : 1, snoozed_until: null, ...link },
    now,
  )
  return conversation.id
}

async function openCallback(
  trx: Transaction<Database>,
  call: MissedCall,
  number: string,
  customer: { id: string; name: string; tier: string } | null,
  now: number,
): Promise<ConversationRow | null> {
  const skillGroupId = await skillGroupOf(trx, call.agentId)
  if (!skillGroupId) return null
  const priority = tierPriority(customer?.tier ?? null)
  const deadlines = await slaDeadlines(trx, 'phone', priority, now)
  const row = newConversationRow(
    {
      channel: 'phone',
      status: 'open',
      thread_key: number,
      subject: `未接来电 ${formatPhoneNumber(number)}`,
      identity_kind: 'phone',
      identity_value: number,
      identity_name: customer?.name ?? formatPhoneNumber(number),
      customer_id: customer?.id ?? null,
      tier: customer?.tier ?? null,
      priority,
      skill_group_id: skillGroupId,
      assigned_agent_id: call.agentId,
      meta: JSON.stringify({ phone: number, callId: call.callId }),
    },
    deadlines,
    now,
  )
  await trx.insertInto('conversations').values(row).execute()
  await logEvent(trx, { conversationId: row.id, kind: 'created', agentId: call.agentId, detail: 'missed call', at: now })
  return row
}

/** The agent's strongest skill group; an agent without skills files under the centre's first group. */
async function skillGroupOf(trx: Transaction<Database>, agentId: string): Promise<string | null> {
  const own = await trx
    .selectFrom('agent_skills')
    .select('skill_group_id')
    .where('agent_id', '=', agentId)
    .orderBy('level', 'desc')
    .orderBy('skill_group_id')
    .limit(1)
    .executeTakeFirst()
  if (own) return own.skill_group_id
  const any = await trx.selectFrom('skill_groups').select('id').orderBy('id').limit(1).executeTakeFirst()
  return any?.id ?? null
}

async function customerByPhone(trx: Transaction<Database>, normalized: string): Promise<{ id: string; name: string; tier: string } | null> {
  const row = await trx
    .selectFrom('customer_contacts')
    .innerJoin('customers', 'customers.id', 'customer_contacts.customer_id')
    .select(['customers.id', 'customers.name', 'customers.tier'])
    .where('customer_contacts.kind', '=', 'phone')
    .where('customer_contacts.normalized', '=', normalized)
    .orderBy('customers.id')
    .limit(1)
    .executeTakeFirst()
  return row ?? null
}
