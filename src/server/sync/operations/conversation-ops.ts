import { sql } from 'kysely'
import { tierPriority } from '../../../shared/domain/conversations'
import { ChangeSet } from '../../inbox/change-set'
import { getConversation, linkAttachments, logEvent, previewOf, relogMessages, updateConversation, type ConversationRow } from '../../inbox/conversation-store'
import { slaDeadlines } from '../../inbox/sla'
import { applied, rejected, type OpContext, type OpOutcome, type PayloadOf } from './op-outcome'

/**
 * The agent's actions on a conversation, applied exactly once each (see push-operations.ts). A
 * handler checks everything before it writes and rejects what no longer fits (the conversation
 * was closed or changed hands); the desktop keeps a rejected op as a conflict for the agent.
 */

const interactionChannel = { chat: 'chat', qq: 'qq', email: 'email', phone: 'phone' } as const

type Loaded = { conversation: ConversationRow } | { outcome: OpOutcome }

/** The conversation, if the viewer may act on it: the owner, or a lead/admin supervising it. */
async function loadForOwner(context: OpContext, conversationId: string, allowed: readonly ConversationRow['status'][]): Promise<Loaded> {
  const conversation = await getConversation(context.trx, conversationId)
  if (!conversation) return { outcome: rejected('not_found', 'No such conversation') }
  const owner = conversation.assigned_agent_id === context.viewer.agentId
  if (!owner && !(await supervises(context, conversation))) {
    return { outcome: rejected('forbidden', 'This conversation belongs to another agent now') }
  }
  if (!allowed.includes(conversation.status)) {
    const why = conversation.status === 'resolved' ? 'The conversation was closed' : `The conversation is ${conversation.status}`
    return { outcome: rejected('conflict', why) }
  }
  return { conversation }
}

async function supervises({ trx, viewer }: OpContext, conversation: ConversationRow): Promise<boolean> {
  if (viewer.role === 'admin') return true
  if (viewer.role !== 'lead') return false
  if (!conversation.assigned_agent_id) return true
  const agent = await trx.selectFrom('agents').select('team_id').where('id', '=', conversation.assigned_agent_id).executeTakeFirst()
  return agent?.team_id === viewer.teamId
}

async function agentName(context: OpContext, agentId: string): Promise<string> {
  const row = await context.trx.selectFrom('agents').select('display_name').where('id', '=', agentId).executeTakeFirst()
  return row?.display_name ?? agentId
}

async function insertSystemLine(context: OpContext, changes: ChangeSet, conversationId: string, text: string): Promise<void> {
  const id = `sys-${conversationId.slice(0, 20)}-${context.now}-${changes.size}`
  await context.trx
    .insertInto('messages')
    .values({
      id,
      conversation_id: conversationId,
      direction: 'system',
      author_name: '',
      agent_id: context.viewer.agentId,
      text,
      html: null,
      attachments: '[]',
      reply_to_id: null,
      external_id: null,
      delivery: null,
      delivery_error: null,
      recalled: 0,
      created_at: context.now,
    })
    .execute()
  changes.add('message', id, conversationId)
}

async function writeMessage(context: OpContext, payload: PayloadOf<'conversation.reply'>, direction: 'out' | 'note'): Promise<OpOutcome> {
  const { trx, viewer, now } = context
  const loaded = await loadForOwner(context, payload.conversationId, direction === 'out' ? ['open'] : ['queued', 'offered', 'open', 'resolved'])
  if ('outcome' in loaded) return loaded.outcome
  const { conversation } = loaded
  // A callback item (missed calls) is answered by calling back; notes are still written.
  if (direction === 'out' && conversation.channel === 'phone') return rejected('invalid_argument', 'A missed-call item is answered by calling back, not by a message')
  const taken = await trx.selectFrom('messages').select('id').where('id', '=', payload.messageId).executeTakeFirst()
  if (taken) return rejected('conflict', 'Another message already uses this id')
  if (payload.replyToId) {
    const quoted = await trx.selectFrom('messages').select('conversation_id').where('id', '=', payload.replyToId).executeTakeFirst()
    if (quoted?.conversation_id !== conversation.id) return rejected('invalid_argument', 'The quoted message is not in this conversation')
  }
  const refs = payload.attachmentIds.length === 0
    ? []
    : await trx.selectFrom('attachments').select(['id', 'name', 'mime', 'size']).where('id', 'in', payload.attachmentIds).execute()
  if (refs.length !== new Set(payload.attachmentIds).size) return rejected('not_found', 'An attachment of this message was not uploaded')
  const attachments = payload.attachmentIds.flatMap((id) => refs.find((r) => r.id === id) ?? [])
  const changes = new ChangeSet()
  await trx
    .insertInto('messages')
    .values({
      id: payload.messageId,
      conversation_id: conversation.id,
      direction,
      author_name: await agentName(context, viewer.agentId),
      agent_id: viewer.agentId,
      text: payload.text,
      html: null,
      attachments: JSON.stringify(attachments),
      reply_to_id: payload.replyToId,
      external_id: null,
      delivery: direction === 'out' ? 'pending' : null,
      delivery_error: null,
      recalled: 0,
      created_at: now,
    })
    .execute()
  await linkAttachments(trx, payload.messageId, attachments)
  changes.add('message', payload.messageId, conversation.id)
  if (direction === 'out') {
    await updateConversation(trx, changes, conversation.id, {
      first_responded_at: conversation.first_responded_at ?? now,
      last_message_at: now,
      last_message_preview: previewOf(payload.text, attachments),
      unread: 0,
    }, now)
    context.after((inbox) => inbox.deliver(payload.messageId))
  }
  const scopes = await changes.flush(trx, now)
  return applied(true, scopes)
}

export const applyConversationReply = (context: OpContext, payload: PayloadOf<'conversation.reply'>): Promise<OpOutcome> => writeMessage(context, payload, 'out')
export const applyConversationNote = (context: OpContext, payload: PayloadOf<'conversation.note'>): Promise<OpOutcome> => writeMessage(context, payload, 'note')

export async function applyConversationAccept(context: OpContext, { conversationId }: PayloadOf<'conversation.accept'>): Promise<OpOutcome> {
  const { trx, viewer, now } = context
  const conversation = await getConversation(trx, conversationId)
  if (!conversation) return rejected('not_found', 'No such conversation')
  if (conversation.status === 'open' && conversation.assigned_agent_id === viewer.agentId) return applied(false)
  if (conversation.status !== 'offered' || conversation.assigned_agent_id !== viewer.agentId) {
    return rejected('conflict', 'This conversation is no longer offered to you')
  }
  if (conversation.offer_expires_at !== null && conversation.offer_expires_at < now) return rejected('conflict', 'The offer ran out before it was accepted')
  const changes = new ChangeSet()
  await updateConversation(trx, changes, conversationId, { status: 'open', offer_expires_at: null }, now)
  await logEvent(trx, { conversationId, kind: 'accepted', agentId: viewer.agentId, at: now })
  const scopes = await changes.flush(trx, now)
  return applied(true, scopes)
}

export async function applyConversationDecline(context: OpContext, { conversationId }: PayloadOf<'conversation.decline'>): Promise<OpOutcome> {
  const { trx, viewer, now } = context
  const conversation = await getConversation(trx, conversationId)
  if (!conversation) return rejected('not_found', 'No such conversation')
  if (conversation.status !== 'offered' || conversation.assigned_agent_id !== viewer.agentId) {
    return rejected('conflict', 'This conversation is no longer offered to you')
  }
  const changes = new ChangeSet()
  await updateConversation(trx, changes, conversationId, { status: 'queued', assigned_agent_id: null, offer_expires_at: null }, now)
  await logEvent(trx, { conversationId, kind: 'declined', agentId: viewer.agentId, at: now })
  await relogMessages(trx, changes, conversationId)
  const scopes = await changes.flush(trx, now)
  context.after((inbox) => inbox.routingNeeded())
  return applied(true, scopes)
}

export async function applyConversationResolve(context: OpContext, payload: PayloadOf<'conversation.resolve'>): Promise<OpOutcome> {
  const { trx, viewer, now } = context
  const loaded = await loadForOwner(context, payload.conversationId, ['open'])
  if ('outcome' in loaded) return loaded.outcome
  const { conversation } = loaded
  const code = await trx.selectFrom('disposition_codes').select(['code', 'label_zh']).where('code', '=', payload.disposition).where('active', '=', 1).executeTakeFirst()
  if (!code) return rejected('invalid_argument', `Unknown disposition code: ${payload.disposition}`)
  const changes = new ChangeSet()
  if (payload.note.trim() !== '') {
    await insertSystemLine(context, changes, conversation.id, `结案备注：${payload.note.trim()}`)
  }
  await updateConversation(trx, changes, conversation.id, { status: 'resolved', resolved_at: now, disposition: code.code, snoozed_until: null, unread: 0 }, now)
  await logEvent(trx, { conversationId: conversation.id, kind: 'resolved', agentId: viewer.agentId, detail: code.code, at: now })
  if (conversation.customer_id) {
    // The customer's history across channels shows the conversation once it is closed.
    const interactionId = `conv-${conversation.id}-${conversation.version}`.slice(0, 64)
    const summary = `${conversation.subject || conversation.last_message_preview}（${code.label_zh}）${payload.note.trim() ? `：${payload.note.trim()}` : ''}`.slice(0, 5_000)
    await trx
      .insertInto('interactions')
      .values({ id: interactionId, customer_id: conversation.customer_id, channel: interactionChannel[conversation.channel], direction: 'in', summary, agent_id: conversation.assigned_agent_id, at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
    changes.add('interaction', interactionId)
  }
  const scopes = await changes.flush(trx, now)
  context.after((inbox) => {
    inbox.sendSurvey(conversation.id)
    inbox.routingNeeded()
  })
  return applied(true, scopes)
}

export async function applyConversationReopen(context: OpContext, { conversationId }: PayloadOf<'conversation.reopen'>): Promise<OpOutcome> {
  const { trx, viewer, now } = context
  const loaded = await loadForOwner(context, conversationId, ['resolved'])
  if ('outcome' in loaded) return loaded.outcome
  const { conversation } = loaded
  const deadlines = await slaDeadlines(trx, conversation.channel, conversation.priority, now)
  const changes = new ChangeSet()
  await updateConversation(trx, changes, conversationId, {
    status: 'open',
    assigned_agent_id: conversation.assigned_agent_id ?? viewer.agentId,
    resolved_at: null,
    disposition: null,
    resolution_due_at: deadlines.resolutionDueAt,
    sla_alarmed: conversation.sla_alarmed.split(',').filter((b) => b !== 'resolution').join(','),
  }, now)
  await logEvent(trx, { conversationId, kind: 'reopened', agentId: viewer.agentId, at: now })
  const scopes = await changes.flush(trx, now)
  return applied(true, scopes)
}

export async function applyConversationTransfer(context: OpContext, payload: PayloadOf<'conversation.transfer'>): Promise<OpOutcome> {
  const { trx, viewer, now } = context
  const loaded = await loadForOwner(context, payload.conversationId, ['queued', 'offered', 'open'])
  if ('outcome' in loaded) return loaded.outcome
  const { conversation } = loaded
  const changes = new ChangeSet()
  const note = payload.note.trim()
  let alertTo: { agentId: string; teamId: string | null; name: string } | null = null
  if (payload.toAgentId !== null) {
    const target = await trx.selectFrom('agents').select(['id', 'display_name', 'team_id', 'disabled']).where('id', '=', payload.toAgentId).executeTakeFirst()
    if (!target || target.disabled !== 0) return rejected('not_found', 'No such agent')
    if (target.id === conversation.assigned_agent_id && conversation.status === 'open') return rejected('invalid_argument', 'The conversation is already theirs')
    await updateConversation(trx, changes, conversation.id, { status: 'open', assigned_agent_id: target.id, offer_expires_at: null, unread: 0 }, now)
    await insertSystemLine(context, changes, conversation.id, `${await agentName(context, viewer.agentId)} 转给 ${target.display_name}${note ? `：${note}` : ''}`)
    await logEvent(trx, { conversationId: conversation.id, kind: 'transferred', agentId: target.id, detail: note, at: now })
    alertTo = { agentId: target.id, teamId: target.team_id, name: target.display_name }
  } else {
    const group = await trx.selectFrom('skill_groups').select(['id', 'name']).where('id', '=', payload.toSkillGroupId as string).executeTakeFirst()
    if (!group) return rejected('not_found', 'No such skill group')
    await updateConversation(trx, changes, conversation.id, { status: 'queued', assigned_agent_id: null, offer_expires_at: null, skill_group_id: group.id, queued_at: now }, now)
    await insertSystemLine(context, changes, conversation.id, `${await agentName(context, viewer.agentId)} 转到 ${group.name} 队列${note ? `：${note}` : ''}`)
    await logEvent(trx, { conversationId: conversation.id, kind: 'transferred', agentId: null, detail: `${group.id} ${note}`.trim(), at: now })
  }
  await relogMessages(trx, changes, conversation.id)
  const scopes = await changes.flush(trx, now)
  context.after((inbox) => {
    inbox.routingNeeded()
    if (alertTo) {
      inbox.alert(
        { kind: 'transferred_to_you', conversationId: conversation.id, subject: conversation.subject, agentId: alertTo.agentId, agentName: alertTo.name, detail: note, at: now },
        alertTo.teamId,
      )
    }
  })
  return applied(true, scopes)
}

export async function applyConversationRead(context: OpContext, { conversationId }: PayloadOf<'conversation.read'>): Promise<OpOutcome> {
  const conversation = await getConversation(context.trx, conversationId)
  if (!conversation) return rejected('not_found', 'No such conversation')
  // Only the owner's reading counts; anyone else's is answered but changes nothing.
  if (conversation.assigned_agent_id !== context.viewer.agentId || conversation.unread === 0) return applied(false)
  const changes = new ChangeSet()
  await updateConversation(context.trx, changes, conversationId, { unread: 0 }, context.now)
  const scopes = await changes.flush(context.trx, context.now)
  return applied(true, scopes)
}

export async function applyConversationSnooze(context: OpContext, payload: PayloadOf<'conversation.snooze'>): Promise<OpOutcome> {
  const loaded = await loadForOwner(context, payload.conversationId, ['open'])
  if ('outcome' in loaded) return loaded.outcome
  const changes = new ChangeSet()
  await updateConversation(context.trx, changes, payload.conversationId, { snoozed_until: payload.until }, context.now)
  const scopes = await changes.flush(context.trx, context.now)
  return applied(true, scopes)
}

export async function applyConversationLinkCustomer(context: OpContext, payload: PayloadOf<'conversation.linkCustomer'>): Promise<OpOutcome> {
  const { trx, now } = context
  const loaded = await loadForOwner(context, payload.conversationId, ['queued', 'offered', 'open', 'resolved'])
  if ('outcome' in loaded) return loaded.outcome
  const customer = await trx.selectFrom('customers').select(['id', 'tier']).where('id', '=', payload.customerId).executeTakeFirst()
  if (!customer) return rejected('not_found', 'No such customer')
  const changes = new ChangeSet()
  await updateConversation(trx, changes, payload.conversationId, { customer_id: customer.id, tier: customer.tier, priority: tierPriority(customer.tier) }, now)
  // The channel identity becomes one of the customer's contacts, so the next message is recognised.
  const { conversation } = loaded
  // A callback item's identity is the caller's number, already normalised.
  if (conversation.identity_kind === 'qq' || conversation.identity_kind === 'email' || conversation.identity_kind === 'phone') {
    const normalized = conversation.identity_kind === 'email' ? conversation.identity_value.toLowerCase() : conversation.identity_value
    const known = await trx
      .selectFrom('customer_contacts')
      .select('id')
      .where('customer_id', '=', customer.id)
      .where('kind', '=', conversation.identity_kind)
      .where('normalized', '=', normalized)
      .executeTakeFirst()
    if (!known) {
      await trx
        .insertInto('customer_contacts')
        .values({ id: `${customer.id}-${conversation.identity_kind}-${normalized}`.slice(0, 64), customer_id: customer.id, kind: conversation.identity_kind, value: conversation.identity_value, normalized })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute()
      await trx.updateTable('customers').set({ version: sql<number>`version + 1`, updated_at: now }).where('id', '=', customer.id).execute()
      changes.add('customer', customer.id)
    }
  }
  const scopes = await changes.flush(trx, now)
  return applied(true, scopes)
}
