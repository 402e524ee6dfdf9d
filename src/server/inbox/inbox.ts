import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Kysely, Transaction } from 'kysely'
import { normalizeContact } from '../../shared/domain/contact-normalize'
import { tierPriority, type ConversationChannel, type InboxAlert } from '../../shared/domain/conversations'
import { AppError } from '../../shared/errors'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import type { SyncNotifier } from '../sync/sync-notifier'
import { KeyedQueue } from '../sync/keyed-queue'
import { ChangeSet } from './change-set'
import type { ChannelAdapter, InboundMessage, OutboundMessage, ReceivedMessage } from './channel-port'
import {
  REOPEN_WINDOW_MS,
  conversationOfExternalIds,
  getConversation,
  latestOfThread,
  linkAttachments,
  logEvent,
  messageByExternalId,
  newConversationRow,
  parseAttachments,
  parseMeta,
  previewOf,
  updateConversation,
  type ConversationRow,
} from './conversation-store'
import { slaDeadlines } from './sla'

export interface InboxDeps {
  db: Kysely<Database>
  notifier: SyncNotifier
  log: Logger
  now?: () => number
}

interface InboxEvents {
  /** A conversation entered a queue or changed hands: the router should look again. */
  routingNeeded: []
  alert: [alert: InboxAlert, teamOf: string | null]
  /** An outgoing message's delivery state changed (web chat pushes it to the visitor when sent). */
  delivered: [messageId: string, conversationId: string]
}

/** Stays 'pending' for a retry when the channel said the failure may pass (connection down). */
const RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 60_000]

/**
 * The heart of the inbox on the server: channels hand it what customers send, it files each
 * message into its conversation (a new one enters its skill group's queue), and it hands agents'
 * replies back to the channel and records whether they arrived.
 */
export class Inbox extends EventEmitter<InboxEvents> {
  private readonly channels = new Map<ConversationChannel, ChannelAdapter>()
  private readonly perThread = new KeyedQueue()
  private readonly retries = new Map<string, NodeJS.Timeout>()
  private readonly inFlight = new Set<Promise<unknown>>()
  private stopped = false
  private readonly now: () => number

  constructor(private readonly deps: InboxDeps) {
    super()
    this.now = deps.now ?? Date.now
  }

  registerChannel(adapter: ChannelAdapter): void {
    this.channels.set(adapter.channel, adapter)
  }

  channel(channel: ConversationChannel): ChannelAdapter | undefined {
    return this.channels.get(channel)
  }

  /** Files a customer's message. A message whose external id is already stored is not stored again. */
  async receive(inbound: InboundMessage): Promise<ReceivedMessage> {
    try {
      // One thread at a time, so two first messages of a new thread cannot open two conversations.
      return await this.perThread.run(`${inbound.channel}\u0000${inbound.threadKey}`, () => this.receiveOnce(inbound))
    } catch (err) {
      // Lost a race with another delivery of the same message (unique conversation + external id):
      // filed again, the check inside the transaction now finds the stored one.
      if (inbound.externalId && isUniqueViolation(err)) return this.receiveOnce(inbound)
      throw err
    }
  }

  private async receiveOnce(inbound: InboundMessage): Promise<ReceivedMessage> {
    if (this.stopped) throw new AppError('internal', 'The inbox is shutting down')
    const now = this.now()
    const result = await this.deps.db.transaction().execute(async (trx) => {
      const changes = new ChangeSet()
      const existing = await this.threadOf(trx, inbound)
      if (existing && inbound.externalId) {
        const dup = await messageByExternalId(trx, existing.id, inbound.externalId)
        if (dup) return { conversationId: existing.id, messageId: dup.id, created: false, routed: false, scopes: new Set<string>() }
      }
      const reopen = existing && existing.status === 'resolved' && now - (existing.resolved_at ?? 0) <= REOPEN_WINDOW_MS
      const conversation = existing && (existing.status !== 'resolved' || reopen) ? existing : await this.createConversation(trx, inbound, now)
      const attachments = inbound.attachments ?? []
      const replyTo = inbound.replyToExternalId ? await messageByExternalId(trx, conversation.id, inbound.replyToExternalId) : undefined
      const messageId = randomUUID()
      await trx
        .insertInto('messages')
        .values({
          id: messageId,
          conversation_id: conversation.id,
          direction: 'in',
          author_name: inbound.identity.displayName,
          agent_id: null,
          text: inbound.text,
          html: inbound.html ?? null,
          attachments: JSON.stringify(attachments),
          reply_to_id: replyTo?.id ?? null,
          external_id: inbound.externalId,
          delivery: null,
          delivery_error: null,
          recalled: 0,
          created_at: now,
        })
        .execute()
      await linkAttachments(trx, messageId, attachments)
      changes.add('message', messageId, conversation.id)
      const meta = { ...parseMeta(conversation.meta), ...(inbound.meta ?? {}) }
      let routed: boolean
      if (reopen && conversation === existing) {
        const deadlines = await slaDeadlines(trx, conversation.channel, conversation.priority, now)
        await logEvent(trx, { conversationId: conversation.id, kind: 'reopened', detail: 'customer wrote again', at: now })
        // Back to the agent who resolved it if they can take it, else the queue: the router decides.
        await updateConversation(trx, changes, conversation.id, {
          status: 'queued',
          queued_at: now,
          resolved_at: null,
          disposition: null,
          rating: null,
          first_responded_at: null,
          first_response_due_at: deadlines.firstResponseDueAt,
          resolution_due_at: deadlines.resolutionDueAt,
          sla_alarmed: '',
          last_message_at: now,
          last_message_preview: previewOf(inbound.text, attachments),
          unread: 1,
          snoozed_until: null,
          meta: JSON.stringify(meta),
        }, now)
        routed = true
      } else {
        await updateConversation(trx, changes, conversation.id, {
          last_message_at: now,
          last_message_preview: previewOf(inbound.text, attachments),
          unread: conversation === existing ? conversation.unread + 1 : 1,
          // A customer message wakes a snoozed conversation.
          snoozed_until: null,
          meta: JSON.stringify(meta),
        }, now)
        routed = conversation !== existing
      }
      const scopes = await changes.flush(trx, now)
      return { conversationId: conversation.id, messageId, created: true, routed, scopes }
    })
    if (result.created) this.deps.notifier.changed(result.scopes)
    if (result.routed) this.emit('routingNeeded')
    return { conversationId: result.conversationId, messageId: result.messageId, created: result.created }
  }

  /** Marks a customer's message as recalled (QQ group_recall notice). */
  async recall(channel: ConversationChannel, externalId: string): Promise<boolean> {
    const now = this.now()
    const scopes = await this.deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.id', 'messages.conversation_id'])
        .where('conversations.channel', '=', channel)
        .where('messages.external_id', '=', externalId)
        .executeTakeFirst()
      if (!row) return null
      await trx.updateTable('messages').set({ recalled: 1 }).where('id', '=', row.id).execute()
      return new ChangeSet().add('message', row.id, row.conversation_id).flush(trx, now)
    })
    if (scopes) this.deps.notifier.changed(scopes)
    return scopes !== null
  }

  /** Stores a satisfaction rating from the customer (inline in chat, a QQ reply, the email link). */
  async rate(conversationId: string, rating: number): Promise<void> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new AppError('invalid_argument', 'A rating is a whole number from 1 to 5')
    const now = this.now()
    const scopes = await this.deps.db.transaction().execute(async (trx) => {
      const conversation = await getConversation(trx, conversationId)
      if (!conversation) throw new AppError('not_found', 'No such conversation')
      if (conversation.status !== 'resolved') throw new AppError('conflict', 'Only a resolved conversation can be rated')
      const changes = new ChangeSet()
      await updateConversation(trx, changes, conversationId, { rating }, now)
      await logEvent(trx, { conversationId, kind: 'rated', agentId: conversation.assigned_agent_id, detail: String(rating), at: now })
      return changes.flush(trx, now)
    })
    this.deps.notifier.changed(scopes)
  }

  /** After an agent's reply is committed: hand it to its channel. Never throws; the outcome is recorded. */
  deliver(messageId: string): void {
    this.track(this.deliverNow(messageId, 0))
  }

  sendSurvey(conversationId: string): void {
    this.track(this.surveyNow(conversationId))
  }

  raiseAlert(alert: InboxAlert, teamOf: string | null): void {
    this.emit('alert', alert, teamOf)
  }

  /** Redelivers replies left pending by a stop or crash (called at start). */
  async resumePending(): Promise<void> {
    const rows = await this.deps.db.selectFrom('messages').select('id').where('delivery', '=', 'pending').orderBy('created_at').execute()
    for (const row of rows) this.deliver(row.id)
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.retries.values()) clearTimeout(timer)
    this.retries.clear()
    await Promise.allSettled([...this.inFlight])
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work))
  }

  private async threadOf(trx: Transaction<Database>, inbound: InboundMessage): Promise<ConversationRow | undefined> {
    const byReference = await conversationOfExternalIds(trx, inbound.channel, inbound.relatedExternalIds ?? [])
    return byReference ?? (await latestOfThread(trx, inbound.channel, inbound.threadKey))
  }

  private async createConversation(trx: Transaction<Database>, inbound: InboundMessage, now: number): Promise<ConversationRow> {
    const customer = await this.recognise(trx, inbound)
    const priority = tierPriority(customer?.tier ?? null)
    const deadlines = await slaDeadlines(trx, inbound.channel, priority, now)
    const row = newConversationRow(
      {
        channel: inbound.channel,
        status: 'queued',
        thread_key: inbound.threadKey,
        subject: inbound.subject.slice(0, 500),
        identity_kind: inbound.identity.kind,
        identity_value: inbound.identity.value,
        identity_name: inbound.identity.displayName,
        customer_id: customer?.id ?? null,
        tier: customer?.tier ?? null,
        priority,
        skill_group_id: inbound.skillGroupId,
        assigned_agent_id: null,
        meta: JSON.stringify(inbound.meta ?? {}),
      },
      deadlines,
      now,
    )
    const group = await trx.selectFrom('skill_groups').select('id').where('id', '=', inbound.skillGroupId).executeTakeFirst()
    if (!group) throw new AppError('invalid_argument', `The channel routes to an unknown skill group: ${inbound.skillGroupId.slice(0, 64)}`)
    await trx.insertInto('conversations').values(row).execute()
    await logEvent(trx, { conversationId: row.id, kind: 'created', detail: inbound.channel, at: now })
    return row
  }

  /**
   * The customer behind a channel identity: a QQ number or email address on file, or for a web
   * visitor the customer an earlier conversation of the same visitor was linked to.
   */
  private async recognise(trx: Transaction<Database>, inbound: InboundMessage): Promise<{ id: string; tier: string } | undefined> {
    const { kind, value } = inbound.identity
    if (kind === 'visitor') {
      const earlier = await trx
        .selectFrom('conversations')
        .innerJoin('customers', 'customers.id', 'conversations.customer_id')
        .select(['customers.id', 'customers.tier'])
        .where('conversations.identity_kind', '=', 'visitor')
        .where('conversations.identity_value', '=', value)
        .orderBy('conversations.created_at', 'desc')
        .executeTakeFirst()
      if (earlier) return earlier
      const hints = inbound.meta ?? {}
      for (const hint of [hints['phone'] ? ({ kind: 'phone', value: hints['phone'] } as const) : null, hints['email'] ? ({ kind: 'email', value: hints['email'] } as const) : null]) {
        if (!hint) continue
        const found = await this.byContact(trx, hint.kind, hint.value)
        if (found) return found
      }
      return undefined
    }
    return this.byContact(trx, kind, value)
  }

  private async byContact(trx: Transaction<Database>, kind: 'phone' | 'email' | 'qq', value: string): Promise<{ id: string; tier: string } | undefined> {
    const normalized = normalizeContact(kind, value)
    if (!normalized) return undefined
    return trx
      .selectFrom('customer_contacts')
      .innerJoin('customers', 'customers.id', 'customer_contacts.customer_id')
      .select(['customers.id', 'customers.tier'])
      .where('customer_contacts.kind', '=', kind)
      .where('customer_contacts.normalized', '=', normalized)
      .executeTakeFirst()
  }

  private async deliverNow(messageId: string, attempt: number): Promise<void> {
    this.retries.delete(messageId)
    try {
      const outbound = await this.outboundOf(messageId)
      if (!outbound) return
      const adapter = this.channels.get(outbound.channel)
      const outcome = adapter
        ? await adapter.deliver(outbound.message).catch((err: unknown) => ({ ok: false as const, error: err instanceof Error ? err.message : String(err), retry: true }))
        : { ok: false as const, error: `The ${outbound.channel} channel is not connected`, retry: true }
      if (this.stopped) return
      if (!outcome.ok && outcome.retry && attempt < RETRY_DELAYS_MS.length) {
        const timer = setTimeout(() => this.track(this.deliverNow(messageId, attempt + 1)), RETRY_DELAYS_MS[attempt])
        this.retries.set(messageId, timer)
        return
      }
      await this.recordDelivery(outbound, outcome.ok ? { delivery: 'sent', delivery_error: null, external_id: outcome.externalId } : { delivery: 'failed', delivery_error: outcome.error.slice(0, 500) })
    } catch (err) {
      this.deps.log.error({ err, messageId }, 'delivery failed')
    }
  }

  private async recordDelivery(
    outbound: { channel: ConversationChannel; message: OutboundMessage; teamId: string | null; agentId: string | null },
    values: { delivery: 'sent' | 'failed'; delivery_error: string | null; external_id?: string | null },
  ): Promise<void> {
    const now = this.now()
    const { messageId, conversationId } = outbound.message
    const scopes = await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('messages')
        .set({ delivery: values.delivery, delivery_error: values.delivery_error, ...(values.external_id ? { external_id: values.external_id } : {}) })
        .where('id', '=', messageId)
        .execute()
      return new ChangeSet().add('message', messageId, conversationId).flush(trx, now)
    })
    this.deps.notifier.changed(scopes)
    this.emit('delivered', messageId, conversationId)
    if (values.delivery === 'failed') {
      this.raiseAlert(
        { kind: 'delivery_failed', conversationId, subject: outbound.message.subject, agentId: outbound.agentId, agentName: outbound.message.agentName, detail: values.delivery_error ?? '', at: now },
        outbound.teamId,
      )
    }
  }

  private async outboundOf(messageId: string): Promise<{ channel: ConversationChannel; message: OutboundMessage; teamId: string | null; agentId: string | null } | undefined> {
    const { db } = this.deps
    const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst()
    if (!message || message.direction !== 'out' || message.delivery !== 'pending') return undefined
    const conversation = await getConversation(db, message.conversation_id)
    if (!conversation) return undefined
    const agent = message.agent_id ? await db.selectFrom('agents').select(['display_name', 'team_id']).where('id', '=', message.agent_id).executeTakeFirst() : undefined
    const replyTo = message.reply_to_id ? await db.selectFrom('messages').selectAll().where('id', '=', message.reply_to_id).executeTakeFirst() : undefined
    const thread = await db
      .selectFrom('messages')
      .select('external_id')
      .where('conversation_id', '=', conversation.id)
      .where('external_id', 'is not', null)
      .where('direction', 'in', ['in', 'out'])
      .orderBy('created_at')
      .execute()
    return {
      channel: conversation.channel,
      teamId: agent?.team_id ?? null,
      agentId: message.agent_id,
      message: {
        messageId,
        conversationId: conversation.id,
        threadKey: conversation.thread_key,
        identity: { kind: conversation.identity_kind, value: conversation.identity_value, displayName: conversation.identity_name },
        subject: conversation.subject,
        meta: parseMeta(conversation.meta),
        text: message.text,
        attachments: parseAttachments(message.attachments),
        agentName: agent?.display_name ?? message.author_name,
        replyTo: replyTo ? { messageId: replyTo.id, externalId: replyTo.external_id, text: replyTo.text, authorName: replyTo.author_name } : null,
        threadExternalIds: thread.flatMap((t) => t.external_id ?? []),
      },
    }
  }

  private async surveyNow(conversationId: string): Promise<void> {
    try {
      const conversation = await getConversation(this.deps.db, conversationId)
      if (!conversation) return
      const adapter = this.channels.get(conversation.channel)
      if (!adapter?.sendSurvey) return
      const agent = conversation.assigned_agent_id
        ? await this.deps.db.selectFrom('agents').select('display_name').where('id', '=', conversation.assigned_agent_id).executeTakeFirst()
        : undefined
      await adapter.sendSurvey({
        conversationId,
        threadKey: conversation.thread_key,
        identity: { kind: conversation.identity_kind, value: conversation.identity_value, displayName: conversation.identity_name },
        subject: conversation.subject,
        meta: parseMeta(conversation.meta),
        agentName: agent?.display_name ?? '',
      })
    } catch (err) {
      this.deps.log.warn({ err, conversationId }, 'satisfaction survey not sent')
    }
  }
}

/** SQLite's SQLITE_CONSTRAINT_UNIQUE or PostgreSQL's unique_violation. */
function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const code = (err as { code?: unknown }).code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505'
}
