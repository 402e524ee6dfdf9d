/**
 * The /visitor socket.io namespace between a web-chat visitor's page (or the embed iframe, or the
 * customer simulator) and the central server. The visitor presents a signed visitor token in the
 * handshake (`auth: { token, site }`); a missing or forged one is replaced by a fresh visitor,
 * announced in `session`. Every client event carries one payload and, optionally, an ack that is
 * answered with a Result; without an ack, a refused event is answered with `protocol:error`.
 *
 * Text is always plain text on both sides: pages put it in the DOM as text, never as HTML.
 */
import { z } from 'zod'
import type { Result } from '../errors'

export const VISITOR_NAMESPACE = '/visitor'

export const MAX_VISITOR_TEXT_CHARS = 5_000
export const MAX_VISITOR_ATTACHMENTS = 5
/** Files a visitor may upload: pictures and PDFs, at most 5 MB each. */
export const VISITOR_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const
export const MAX_VISITOR_UPLOAD_BYTES = 5 * 1024 * 1024

/** What the visitor's page picks for each message; a resend after a reconnect reuses it, so it is stored once. */
const ClientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a client id is 8–64 letters, digits, _ or -')
const AttachmentIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/)
const MessageIdSchema = z.string().min(1).max(64)

export const VisitorSendSchema = z
  .object({
    clientId: ClientIdSchema,
    text: z.string().max(MAX_VISITOR_TEXT_CHARS).default(''),
    /** Uploaded first with POST /api/webchat/upload. */
    attachmentIds: z.array(AttachmentIdSchema).max(MAX_VISITOR_ATTACHMENTS).default([]),
  })
  .strict()
  .refine((m) => m.text.trim() !== '' || m.attachmentIds.length > 0, { message: 'A message needs text or a file', path: ['text'] })

export const VisitorTypingSchema = z.object({ typing: z.boolean() }).strict()
/** The visitor has seen every agent message up to and including this one. */
export const VisitorReadSchema = z.object({ upTo: MessageIdSchema }).strict()

const NameSchema = z.string().trim().min(1).max(50)
const PhoneSchema = z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'not a phone number')
const EmailSchema = z.string().trim().max(254).pipe(z.email())

export const VisitorIdentifySchema = z
  .object({ name: NameSchema.optional(), phone: PhoneSchema.optional(), email: EmailSchema.optional() })
  .strict()
  .refine((v) => v.name !== undefined || v.phone !== undefined || v.email !== undefined, { message: 'Give a name, phone or email' })

export const VisitorRateSchema = z
  .object({
    conversationId: z.string().min(1).max(64),
    rating: z.number().int().min(1).max(5),
    comment: z.string().max(500).optional(),
  })
  .strict()

/** The "leave a message" form, offered when no agent is available. */
export const VisitorLeaveMessageSchema = z
  .object({
    clientId: ClientIdSchema,
    name: NameSchema,
    phone: PhoneSchema.optional(),
    email: EmailSchema.optional(),
    text: z.string().trim().min(1).max(2_000),
  })
  .strict()
  .refine((v) => v.phone !== undefined || v.email !== undefined, { message: 'Give a phone number or an email address', path: ['phone'] })

/** Pages back through the visitor's messages; `before` is a message's `at`. */
export const VisitorHistorySchema = z.object({ before: z.number().int().nonnegative().optional() }).strict()

export const visitorClientEventSchemas = {
  'message:send': VisitorSendSchema,
  typing: VisitorTypingSchema,
  read: VisitorReadSchema,
  identify: VisitorIdentifySchema,
  rate: VisitorRateSchema,
  leaveMessage: VisitorLeaveMessageSchema,
  history: VisitorHistorySchema,
} as const

export type VisitorClientEventName = keyof typeof visitorClientEventSchemas
export type VisitorClientEventPayload<E extends VisitorClientEventName> = z.input<(typeof visitorClientEventSchemas)[E]>

export const VisitorAttachmentSchema = z.object({
  id: z.string().max(64),
  name: z.string().max(255),
  mime: z.string().max(127),
  size: z.number().int().nonnegative(),
})
export type VisitorAttachment = z.infer<typeof VisitorAttachmentSchema>

export const VisitorMessageSchema = z.object({
  id: z.string().max(64),
  conversationId: z.string().max(64),
  /** The visitor's own id of it (their messages only), so a page matches its pending copy. */
  clientId: z.string().max(64).nullable(),
  from: z.enum(['visitor', 'agent', 'system']),
  authorName: z.string().max(200),
  text: z.string(),
  attachments: z.array(VisitorAttachmentSchema),
  at: z.number(),
})
export type VisitorMessage = z.infer<typeof VisitorMessageSchema>

export interface VisitorSendResult {
  message: VisitorMessage
  /** True when this clientId had been stored already (a resend). */
  duplicate: boolean
}

export interface VisitorHistory {
  messages: VisitorMessage[]
  /** Older messages exist before the first one returned. */
  hasMore: boolean
  /** The agents have read the visitor's messages up to this one. */
  agentReadUpTo: string | null
}

export interface VisitorProfile {
  name: string | null
  phone: string | null
  email: string | null
}

export interface VisitorClientEventResults {
  'message:send': VisitorSendResult
  typing: null
  read: null
  identify: VisitorProfile
  rate: null
  leaveMessage: { conversationId: string }
  history: VisitorHistory
}

export type VisitorAck<T> = (result: Result<T>) => void

export type VisitorClientToServerEvents = {
  [E in VisitorClientEventName]: (payload: VisitorClientEventPayload<E>, ack?: VisitorAck<VisitorClientEventResults[E]>) => void
}

export interface VisitorSession {
  visitorId: string
  /** Keep it (localStorage) and present it on the next handshake and on uploads. */
  token: string
  displayName: string
  site: { key: string; name: string; welcome: string }
}

export interface VisitorStatus {
  /** A ready agent with the site's skill is connected; otherwise the page offers "leave a message". */
  agentsAvailable: boolean
  /** Place in the queue of the visitor's waiting conversation (1 = next), when it waits. */
  queuePosition: number | null
}

export interface VisitorServerToClientEvents {
  session: (session: VisitorSession) => void
  message: (message: VisitorMessage) => void
  /** An agent is typing (sent only when the agent side reports typing). */
  'agent:typing': (state: { typing: boolean; agentName: string }) => void
  /** The agents have read the visitor's messages up to this one. */
  read: (state: { upTo: string }) => void
  'survey:request': (request: { conversationId: string; agentName: string }) => void
  status: (status: VisitorStatus) => void
  'protocol:error': (error: { code: string; message: string; event?: string }) => void
}

/**
 * The administrator's configuration of chat widgets over HTTP (agent Bearer token, role admin):
 * GET /api/admin/webchat/sites and PUT /api/admin/webchat/sites/:key with this body.
 */
export const WebchatSiteKeySchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a site key is 1–32 lower-case letters, digits or -')
export const WebchatSiteInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** The website that may frame the chat page: '*' for any, or an origin like https://www.example.com. */
    allowedOrigin: z.union([z.literal('*'), z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'an origin like https://www.example.com')]),
    /** Null: the skill group with the most agents. */
    skillGroupId: z.string().min(1).max(64).nullable(),
    welcome: z.string().max(500).default(''),
    enabled: z.boolean().default(true),
  })
  .strict()
export type WebchatSiteInput = z.input<typeof WebchatSiteInputSchema>

export interface WebchatSiteView {
  key: string
  name: string
  allowedOrigin: string
  skillGroupId: string | null
  welcome: string
  enabled: boolean
  /** The line to paste into the website. */
  embedSnippet: string
  updatedAt: number
}
