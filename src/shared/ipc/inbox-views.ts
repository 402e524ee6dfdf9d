/** What the renderer gets back for the unified inbox: shapes of the inbox's AgentApi calls. */
import { z } from 'zod'
import {
  AttachmentRefSchema,
  CannedResponseRecordSchema,
  ConversationChannelSchema,
  ConversationRecordSchema,
  MessageRecordSchema,
  type ConversationRecord,
} from '../domain/conversations'

/**
 * mine: open and owned by me (not snoozed); offered: waiting for me to accept; queued: in a queue,
 * nobody's yet; waiting: mine, and the customer wrote last; snoozed: mine, hidden for now;
 * resolved: closed; all: everything not resolved and not snoozed.
 */
export const inboxFilters = ['all', 'mine', 'offered', 'queued', 'waiting', 'snoozed', 'resolved'] as const
export const InboxFilterSchema = z.enum(inboxFilters)
export type InboxFilter = z.infer<typeof InboxFilterSchema>

/** priority: tier first, then the SLA due soonest; newest: last message first. */
export const InboxSortSchema = z.enum(['priority', 'newest'])
export type InboxSort = z.infer<typeof InboxSortSchema>

export const MAX_INBOX_PAGE = 500

export const InboxQuerySchema = z
  .object({
    filter: InboxFilterSchema.default('all'),
    channel: ConversationChannelSchema.nullable().default(null),
    sort: InboxSortSchema.default('priority'),
    offset: z.number().int().min(0).max(1_000_000).default(0),
    limit: z.number().int().min(1).max(MAX_INBOX_PAGE).default(100),
  })
  .strict()
export type InboxQuery = z.input<typeof InboxQuerySchema>
export type InboxQueryParsed = z.output<typeof InboxQuerySchema>

/** One row of the inbox list: what the list needs and nothing it does not. */
export const ConversationSummarySchema = z.object({
  id: z.string(),
  channel: ConversationChannelSchema,
  status: ConversationRecordSchema.shape.status,
  subject: z.string(),
  /** The customer's name when recognised, else what they call themselves on the channel. */
  displayName: z.string(),
  customerId: z.string().nullable(),
  tier: z.string().nullable(),
  priority: z.number(),
  assignedAgentId: z.string().nullable(),
  assignedAgentName: z.string().nullable(),
  offerExpiresAt: z.number().nullable(),
  lastMessageAt: z.number(),
  lastMessagePreview: z.string(),
  unread: z.number(),
  /** The next SLA deadline: first response until answered, then resolution; null when resolved or none. */
  slaDueAt: z.number().nullable(),
  slaKind: z.enum(['first_response', 'resolution']).nullable(),
  snoozedUntil: z.number().nullable(),
  /** The customer wrote last. */
  waiting: z.boolean(),
  /** Actions taken here that the server does not have yet. */
  pendingOps: z.number(),
})
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>

export const InboxCountsSchema = z.object(Object.fromEntries(inboxFilters.map((f) => [f, z.number()])) as Record<InboxFilter, z.ZodNumber>)
export type InboxCounts = z.infer<typeof InboxCountsSchema>

export const InboxListResultSchema = z.object({
  items: z.array(ConversationSummarySchema),
  /** Rows matching the filter (and channel) in all. */
  total: z.number(),
  /** Per filter, with the channel applied. */
  counts: InboxCountsSchema,
  /** Unread customer messages in my open and offered conversations. */
  unread: z.number(),
})
export type InboxListResult = z.infer<typeof InboxListResultSchema>

/**
 * A message as shown: the server's delivery state, or the local one while the server does not
 * have it yet. queued: waiting in the outbox (待发送); pending: the server has it, the channel
 * not yet; sent; failed (deliveryError says why); conflict: the server refused the operation.
 */
export const MessageDeliveryViewSchema = z.enum(['queued', 'pending', 'sent', 'failed', 'conflict'])
export type MessageDeliveryView = z.infer<typeof MessageDeliveryViewSchema>

export const MessageViewSchema = MessageRecordSchema.extend({
  delivery: MessageDeliveryViewSchema.nullable(),
  /** The outbox operation that wrote it here, for the conflict panel; null for synced messages. */
  opId: z.string().nullable(),
})
export type MessageView = z.infer<typeof MessageViewSchema>

export const MessageCursorSchema = z.object({ createdAt: z.number(), id: z.string().max(64) }).strict()
export type MessageCursor = z.infer<typeof MessageCursorSchema>

export const MessagePageInputSchema = z
  .object({
    conversationId: z.string().min(1).max(64),
    /** Older than this message; null for the newest page. */
    before: MessageCursorSchema.nullable().default(null),
    limit: z.number().int().min(1).max(1_000).default(200),
  })
  .strict()
export type MessagePageInput = z.input<typeof MessagePageInputSchema>

export const MessagePageSchema = z.object({
  /** Oldest first (newest last). */
  messages: z.array(MessageViewSchema),
  /** Older messages exist before the first one. */
  hasMore: z.boolean(),
  total: z.number(),
})
export type MessagePage = z.infer<typeof MessagePageSchema>

export const ConversationViewSchema = z.object({
  conversation: ConversationRecordSchema,
  /** The recognised customer's name from the cache, if the cache has them. */
  customerName: z.string().nullable(),
  pendingOps: z.number(),
  /** Waiting for me to accept (offered to me). */
  offeredToMe: z.boolean(),
  mine: z.boolean(),
})
export type ConversationView = z.infer<typeof ConversationViewSchema>

const conversationId = z.string().min(1).max(64)

export const ComposeInputSchema = z
  .object({
    conversationId,
    text: z.string().max(20_000),
    /** What attachments.upload answered, in the order to send. */
    attachments: z.array(AttachmentRefSchema).max(10).default([]),
    replyToId: z.string().max(64).nullable().default(null),
  })
  .strict()
  .refine((m) => m.text.trim() !== '' || m.attachments.length > 0, { message: 'A message needs text or an attachment', path: ['text'] })
export type ComposeInput = z.input<typeof ComposeInputSchema>

export const ConversationIdInputSchema = z.object({ conversationId }).strict()
export const ResolveInputSchema = z.object({ conversationId, disposition: z.string().min(1).max(32), note: z.string().max(2_000).default('') }).strict()
export const TransferInputSchema = z
  .object({
    conversationId,
    toAgentId: z.string().min(1).max(64).nullable().default(null),
    toSkillGroupId: z.string().min(1).max(64).nullable().default(null),
    note: z.string().max(2_000).default(''),
  })
  .strict()
  .refine((t) => (t.toAgentId === null) !== (t.toSkillGroupId === null), { message: 'Transfer to an agent or to a group' })
export const SnoozeInputSchema = z.object({ conversationId, until: z.number().int().positive().nullable() }).strict()
export const LinkCustomerInputSchema = z.object({ conversationId, customerId: z.string().min(1).max(64) }).strict()

/** A customer for an unknown sender, linked to the conversation (customer.create's payload without the id). */
export const CreateCustomerInputSchema = z
  .object({
    conversationId: conversationId.nullable().default(null),
    name: z.string().trim().min(1).max(200),
    tier: z.enum(['钻', '金', '银', '基础', '1A', '2A', '3A', '4A', '5A']).default('基础'),
    kind: z.enum(['person', 'enterprise']).default('person'),
    company: z.string().trim().max(200).nullable().default(null),
    city: z.string().trim().max(100).nullable().default(null),
    contacts: z.array(z.object({ kind: z.enum(['phone', 'email', 'qq']), value: z.string().trim().min(1).max(256) }).strict()).max(10).default([]),
  })
  .strict()
export type CreateCustomerInput = z.input<typeof CreateCustomerInputSchema>

export const CannedResponseViewSchema = CannedResponseRecordSchema.extend({
  /** The text with {{customer.name}}, {{agent.name}} and {{conversation.subject}} filled in. */
  filled: z.string(),
})
export type CannedResponseView = z.infer<typeof CannedResponseViewSchema>
export const CannedResponsesInputSchema = z.object({ conversationId: conversationId.nullable().default(null) }).strict()

/** The deadline that matters now: first response until answered, then resolution; none once resolved. */
export function slaOf(record: ConversationRecord): { dueAt: number | null; kind: 'first_response' | 'resolution' | null } {
  if (record.status === 'resolved') return { dueAt: null, kind: null }
  if (record.firstRespondedAt === null && record.firstResponseDueAt !== null) return { dueAt: record.firstResponseDueAt, kind: 'first_response' }
  if (record.resolutionDueAt !== null) return { dueAt: record.resolutionDueAt, kind: 'resolution' }
  return { dueAt: null, kind: null }
}
