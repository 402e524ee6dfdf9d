/**
 * The unified inbox's records as they travel (server → desktop cache), shared by every channel.
 * A conversation is one thread with one customer identity on one channel: a web-chat visitor, one
 * QQ group member's thread inside a group, or one email thread of a support mailbox. Times are ms
 * since epoch (server clock); `version` rises by one on every change.
 */
import { z } from 'zod'

/** phone: a callback item (a missed call to return), not a thread of messages; see domain/phone.ts. */
export const conversationChannels = ['chat', 'qq', 'email', 'phone'] as const
export const ConversationChannelSchema = z.enum(conversationChannels)
export type ConversationChannel = z.infer<typeof ConversationChannelSchema>

/**
 * queued: waiting in its skill group's queue for an agent;
 * offered: offered to one agent, who must accept before `offerExpiresAt`;
 * open: an agent owns it; resolved: closed with a disposition (a new customer message reopens it).
 */
export const conversationStatuses = ['queued', 'offered', 'open', 'resolved'] as const
export const ConversationStatusSchema = z.enum(conversationStatuses)
export type ConversationStatus = z.infer<typeof ConversationStatusSchema>

/** How the customer was recognised on the channel. */
export const identityKinds = ['visitor', 'qq', 'email', 'phone'] as const
export const ChannelIdentitySchema = z.object({
  kind: z.enum(identityKinds),
  /** Visitor id (cookie), QQ number, lower-cased email address, or the caller's number (digits). */
  value: z.string().min(1).max(256),
  /** What the customer calls themselves there: nickname / group card / email display name. */
  displayName: z.string().max(200),
})
export type ChannelIdentity = z.infer<typeof ChannelIdentitySchema>

export const AttachmentRefSchema = z.object({
  id: z.string().max(64),
  name: z.string().max(255),
  mime: z.string().max(127),
  size: z.number().int().nonnegative(),
})
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>

export const ConversationRecordSchema = z.object({
  id: z.string().max(64),
  channel: ConversationChannelSchema,
  status: ConversationStatusSchema,
  /** Email subject, QQ group name, or the web-chat page title. */
  subject: z.string().max(500),
  identity: ChannelIdentitySchema,
  customerId: z.string().max(64).nullable(),
  /** The customer's tier when the conversation was routed (钻/金/银/基础, 1A–5A), or null if unknown. */
  tier: z.string().max(8).nullable(),
  /** Lower is more urgent: from the tier (see tierPriority). */
  priority: z.number().int(),
  skillGroupId: z.string().max(64),
  /** The owner when open or resolved; the agent it is offered to when offered. */
  assignedAgentId: z.string().max(64).nullable(),
  assignedAgentName: z.string().max(100).nullable(),
  offerExpiresAt: z.number().nullable(),
  /** Channel details an agent sees: QQ group id and name, mailbox address, visitor page URL. */
  meta: z.record(z.string(), z.string().max(1000)),
  createdAt: z.number(),
  lastMessageAt: z.number(),
  lastMessagePreview: z.string().max(200),
  /** Messages from the customer after the owner's last read. */
  unread: z.number().int().nonnegative(),
  firstResponseDueAt: z.number().nullable(),
  firstRespondedAt: z.number().nullable(),
  resolutionDueAt: z.number().nullable(),
  /** The agent hid it until then; a new customer message wakes it. */
  snoozedUntil: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  disposition: z.string().max(32).nullable(),
  /** Satisfaction survey result, 1 (very unhappy) … 5 (very happy). */
  rating: z.number().int().min(1).max(5).nullable(),
  version: z.number().int().positive(),
})
export type ConversationRecord = z.infer<typeof ConversationRecordSchema>

/** in: from the customer; out: to the customer; note: private note for colleagues; system: routing, transfers, survey. */
export const messageDirections = ['in', 'out', 'note', 'system'] as const
export const deliveryStates = ['pending', 'sent', 'failed'] as const

export const MessageRecordSchema = z.object({
  id: z.string().max(64),
  conversationId: z.string().max(64),
  direction: z.enum(messageDirections),
  authorName: z.string().max(200),
  agentId: z.string().max(64).nullable(),
  /** Plain text (what chat and QQ carry, and an email's text part). */
  text: z.string().max(100_000),
  /** An email's HTML part, sanitised by the server (and again before display); null otherwise. */
  html: z.string().max(500_000).nullable(),
  attachments: z.array(AttachmentRefSchema).max(20),
  /** The message this one answers or quotes (QQ reply segment, email In-Reply-To). */
  replyToId: z.string().max(64).nullable(),
  /** Outgoing only: whether the channel has it; `deliveryError` says why not (QQ retcode, SMTP reply). */
  delivery: z.enum(deliveryStates).nullable(),
  deliveryError: z.string().max(500).nullable(),
  /** The QQ message was recalled (撤回) by its sender. */
  recalled: z.boolean(),
  createdAt: z.number(),
})
export type MessageRecord = z.infer<typeof MessageRecordSchema>

export const CannedResponseRecordSchema = z.object({
  id: z.string().max(64),
  /** What the agent types after `/` to pick it. */
  shortcut: z.string().min(1).max(32),
  title: z.string().max(100),
  /** May contain {{customer.name}}, {{agent.name}}, {{conversation.subject}}. */
  text: z.string().max(5_000),
  skillGroupId: z.string().max(64).nullable(),
})
export type CannedResponseRecord = z.infer<typeof CannedResponseRecordSchema>

export const DispositionCodeRecordSchema = z.object({
  id: z.string().max(32),
  labelZh: z.string().max(50),
  labelEn: z.string().max(50),
  sort: z.number().int(),
})
export type DispositionCodeRecord = z.infer<typeof DispositionCodeRecordSchema>

/**
 * Routing order: 钻/1A first … unknown customers last. Enterprise 1A–2A rank with 钻/金
 * (REQUIREMENTS: higher tiers are served first).
 */
export function tierPriority(tier: string | null): number {
  switch (tier) {
    case '钻':
    case '1A':
      return 1
    case '金':
    case '2A':
      return 2
    case '银':
    case '3A':
      return 3
    case '基础':
    case '4A':
    case '5A':
      return 4
    default:
      return 5
  }
}

/** Web chat, QQ and email count against different capacities of an agent. */
export function capacityKind(channel: ConversationChannel): 'chat' | 'email' {
  return channel === 'email' ? 'email' : 'chat'
}

export const inboxAlertKinds = ['offer_timeout', 'sla_breach', 'transferred_to_you', 'delivery_failed'] as const
/** Told to the agent concerned and to the leads of their team (and admins). */
export const InboxAlertSchema = z.object({
  kind: z.enum(inboxAlertKinds),
  conversationId: z.string(),
  subject: z.string(),
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  /** For sla_breach: 'first_response' or 'resolution'; for delivery_failed: the channel's error. */
  detail: z.string(),
  at: z.number(),
})
export type InboxAlert = z.infer<typeof InboxAlertSchema>

/** Who a conversation can be handed to: colleagues with their state, and the queues. */
export const TransferTargetsSchema = z.object({
  agents: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      teamName: z.string().nullable(),
      state: z.string(),
      online: z.boolean(),
    }),
  ),
  skillGroups: z.array(z.object({ id: z.string(), name: z.string() })),
})
export type TransferTargets = z.infer<typeof TransferTargetsSchema>
