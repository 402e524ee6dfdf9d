import type { AttachmentRef, ChannelIdentity, ConversationChannel } from '../../shared/domain/conversations'

/**
 * What a channel (web chat, QQ via OneBot, email) and the inbox say to each other. A channel turns
 * its protocol's events into InboundMessages and hands them to `Inbox.receive`; the inbox hands
 * each agent reply to the channel's `deliver` and records the outcome on the message.
 */
export interface InboundMessage {
  channel: ConversationChannel
  /**
   * The thread this message belongs to: `visitor:<id>` for web chat, `<selfId>:<groupId>:<userId>`
   * for a QQ group member, `<mailboxId>:<root Message-ID>` for email. Messages with one key make
   * one conversation (a resolved one is reopened when the customer writes again soon after).
   */
  threadKey: string
  /**
   * Channel ids of earlier messages this one answers (email In-Reply-To and References): the
   * conversation holding any of them wins over `threadKey`.
   */
  relatedExternalIds?: readonly string[]
  identity: ChannelIdentity
  /** Shown in the inbox: email subject, QQ group name, chat page title. */
  subject: string
  /** The channel's own id of this message, so a redelivered message is stored once. */
  externalId: string | null
  text: string
  /** Already sanitised (email only). */
  html?: string | null
  /** Stored first with `AttachmentStore.save`. */
  attachments?: readonly AttachmentRef[]
  /** The channel id of the message this one quotes (QQ reply segment). */
  replyToExternalId?: string | null
  /** The skill group whose queue gets a new conversation (from the channel's configuration). */
  skillGroupId: string
  /** Channel details for the agent (QQ group id/name, mailbox, page URL); merged into the conversation's meta. */
  meta?: Readonly<Record<string, string>>
  /** When the customer sent it (channel clock); the server clock is used when absent. */
  sentAt?: number
}

export interface ReceivedMessage {
  conversationId: string
  messageId: string
  /** False when the external id had been received already. */
  created: boolean
}

/** The message an agent wrote, with what a channel needs to send it. */
export interface OutboundMessage {
  messageId: string
  conversationId: string
  threadKey: string
  identity: ChannelIdentity
  subject: string
  meta: Readonly<Record<string, string>>
  text: string
  attachments: readonly AttachmentRef[]
  agentName: string
  /** The customer message being answered, with its channel id (QQ reply segment, email In-Reply-To). */
  replyTo: { messageId: string; externalId: string | null; text: string; authorName: string } | null
  /** Channel ids of the thread's earlier messages, oldest first (email References). */
  threadExternalIds: readonly string[]
}

export type DeliveryOutcome =
  | { ok: true; /** The channel's id of the sent message (OneBot message_id, Message-ID). */ externalId: string | null }
  | { ok: false; /** Shown to the agent: QQ retcode and wording, SMTP reply. */ error: string; /** Worth trying again later. */ retry: boolean }

export interface SurveyRequest {
  conversationId: string
  threadKey: string
  identity: ChannelIdentity
  subject: string
  meta: Readonly<Record<string, string>>
  agentName: string
}

export interface ChannelAdapter {
  readonly channel: ConversationChannel
  deliver(message: OutboundMessage): Promise<DeliveryOutcome>
  /** After resolution: an inline rating in web chat, a message in QQ, a link in email. */
  sendSurvey?(request: SurveyRequest): Promise<void>
}
