/**
 * The inbox from the agent's side: reads from the local cache, and every action (reply, note,
 * accept, resolve...) shown at once and queued in the outbox, so it works offline too.
 */
import { randomUUID } from 'node:crypto'
import type { AgentProfile } from '../../../shared/domain/agent'
import type { CannedResponseRecord, DispositionCodeRecord } from '../../../shared/domain/conversations'
import { AppError } from '../../../shared/errors'
import {
  ComposeInputSchema,
  CreateCustomerInputSchema,
  type CreateCustomerInput,
  ResolveInputSchema,
  SnoozeInputSchema,
  TransferInputSchema,
  type CannedResponseView,
  type ConversationView,
  type InboxListResult,
  type InboxQuery,
  type MessagePage,
  type MessagePageInput,
  type MessageView,
} from '../../../shared/ipc/inbox-views'
import { parseOrThrow } from '../../../shared/validation'
import type { Operation } from '../../../shared/protocol/sync'
import type { CustomerCard } from '../../../shared/ipc/views'
import type { LocalCache } from '../cache/local-cache'
import { cannedContext, fillCannedResponses } from './inbox-canned'
import type { z } from 'zod'

type ComposeInput = z.input<typeof ComposeInputSchema>
type StateOpType = Exclude<Extract<Operation['type'], `conversation.${string}`>, 'conversation.reply' | 'conversation.note'>

/** What the inbox's actions change, for the views that re-read. */
export const INBOX_ENTITIES = ['conversation', 'message']

export class InboxWorkspace {
  constructor(
    private readonly cache: LocalCache,
    private readonly agent: () => AgentProfile,
    /** Announce the queued action and try to send it now. */
    private readonly afterLocalAction: (entities: string[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  list(query: InboxQuery): Promise<InboxListResult> {
    return this.cache.inboxList(query, this.agent().id, this.now())
  }

  get(id: string): Promise<ConversationView | null> {
    return this.cache.inboxConversation(id, this.agent().id)
  }

  messages(input: MessagePageInput): Promise<MessagePage> {
    return this.cache.inboxMessages(input)
  }

  reply(input: ComposeInput): Promise<MessageView> {
    return this.write('conversation.reply', parseOrThrow(ComposeInputSchema, input, 'reply'))
  }

  note(input: ComposeInput): Promise<MessageView> {
    return this.write('conversation.note', parseOrThrow(ComposeInputSchema, input, 'note'))
  }

  accept(conversationId: string): Promise<ConversationView> {
    return this.act('conversation.accept', { conversationId })
  }

  decline(conversationId: string): Promise<ConversationView> {
    return this.act('conversation.decline', { conversationId })
  }

  resolve(input: z.input<typeof ResolveInputSchema>): Promise<ConversationView> {
    return this.act('conversation.resolve', parseOrThrow(ResolveInputSchema, input, 'resolve'))
  }

  reopen(conversationId: string): Promise<ConversationView> {
    return this.act('conversation.reopen', { conversationId })
  }

  transfer(input: z.input<typeof TransferInputSchema>): Promise<ConversationView> {
    return this.act('conversation.transfer', parseOrThrow(TransferInputSchema, input, 'transfer'))
  }

  /** Nothing unread: no operation (the server would change nothing). */
  async markRead(conversationId: string): Promise<ConversationView> {
    const view = await this.requireConversation(conversationId)
    if (view.conversation.unread === 0) return view
    return this.act('conversation.read', { conversationId })
  }

  snooze(raw: z.input<typeof SnoozeInputSchema>): Promise<ConversationView> {
    const input = parseOrThrow(SnoozeInputSchema, raw, 'snooze')
    if (input.until !== null && input.until <= this.now()) throw new AppError('invalid_argument', 'Snooze until a time in the future')
    return this.act('conversation.snooze', input)
  }

  linkCustomer(conversationId: string, customerId: string): Promise<ConversationView> {
    return this.act('conversation.linkCustomer', { conversationId, customerId })
  }

  /** A new customer for an unknown sender, shown at once and linked to the conversation. */
  async createCustomer(raw: CreateCustomerInput): Promise<CustomerCard> {
    const input = parseOrThrow(CreateCustomerInputSchema, raw, 'customer')
    const agent = this.agent()
    const { conversationId, ...customer } = input
    const op = {
      id: randomUUID(),
      type: 'customer.create',
      payload: { customerId: randomUUID(), ...customer, linkConversationId: conversationId },
      createdAt: this.now(),
    } as Extract<Operation, { type: 'customer.create' }>
    const card = await this.cache.inboxCreateCustomer(op, { id: agent.id, name: agent.displayName })
    this.afterLocalAction(['customer', ...INBOX_ENTITIES])
    return card
  }

  async cannedResponses(conversationId: string | null): Promise<CannedResponseView[]> {
    const agent = this.agent()
    const view = conversationId ? await this.requireConversation(conversationId) : null
    const records: CannedResponseRecord[] = await this.cache.cannedResponses()
    return fillCannedResponses(records, cannedContext(view, agent.displayName), agent.skillGroupIds, view?.conversation.skillGroupId ?? null)
  }

  dispositionCodes(): Promise<DispositionCodeRecord[]> {
    return this.cache.dispositionCodes()
  }

  private async write(type: 'conversation.reply' | 'conversation.note', input: z.output<typeof ComposeInputSchema>): Promise<MessageView> {
    const agent = this.agent()
    const op = {
      id: randomUUID(),
      type,
      payload: {
        conversationId: input.conversationId,
        messageId: randomUUID(),
        text: input.text,
        attachmentIds: input.attachments.map((a) => a.id),
        replyToId: input.replyToId,
      },
      createdAt: this.now(),
    } as Extract<Operation, { type: typeof type }>
    const message = await this.cache.inboxWrite(op, { id: agent.id, name: agent.displayName }, input.attachments)
    this.afterLocalAction(INBOX_ENTITIES)
    return message
  }

  private async act<T extends StateOpType>(type: T, payload: Extract<Operation, { type: T }>['payload']): Promise<ConversationView> {
    const agent = this.agent()
    const op = { id: randomUUID(), type, payload, createdAt: this.now() } as Extract<Operation, { type: StateOpType }>
    const view = await this.cache.inboxAct(op, { id: agent.id, name: agent.displayName })
    this.afterLocalAction(INBOX_ENTITIES)
    return view
  }

  private async requireConversation(id: string): Promise<ConversationView> {
    const view = await this.get(id)
    if (!view) throw new AppError('not_found', 'No such conversation')
    return view
  }
}
