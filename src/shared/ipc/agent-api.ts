/**
 * AgentApi: the only way the renderer reaches the main process, whether Electron's IPC or the
 * web host's WebSocket bridge carries it. Every method has an input and an output schema; the
 * main-side router validates the input before any service sees it.
 */
import { z } from 'zod'
import type { Result } from '../errors'
import {
  AgentProfileSchema,
  PresenceSchema,
  ReasonCodeSchema,
  StateChangeSchema,
  TeamMemberSchema,
} from '../domain/agent'
import { ForceStateSchema } from '../protocol/agent-socket'
import { AttachmentRefSchema } from '../domain/conversations'
import { AgentSettingChangeSchema, SettingsViewSchema } from '../domain/settings'
import { KbArticleHistorySchema } from '../protocol/kb-api'
import { AttachmentContentSchema, AttachmentUploadInputSchema } from './attachment-views'
import { isAgentApiEventName, isAgentApiMethodName, type AgentApiEventName, type AgentApiMethodName } from './agent-api-names'
import {
  AddNoteInputSchema,
  CustomerCardSchema,
  CustomerLookupInputSchema,
  CustomerSearchInputSchema,
  CustomerSummarySchema,
  DraftKeySchema,
  DraftSchema,
  InteractionViewSchema,
  KbArticleViewSchema,
  KbCategoryViewSchema,
  KbSearchInputSchema,
  KbSearchResultSchema,
  OutboxStatusSchema,
  PendingSignoffSchema,
  ResolveConflictInputSchema,
  SyncStatusSchema,
  UpdateCustomerInputSchema,
} from './views'
import {
  CannedResponsesInputSchema,
  CannedResponseViewSchema,
  ComposeInputSchema,
  ConversationIdInputSchema,
  ConversationViewSchema,
  CreateCustomerInputSchema,
  InboxListResultSchema,
  InboxQuerySchema,
  LinkCustomerInputSchema,
  MessagePageInputSchema,
  MessagePageSchema,
  MessageViewSchema,
  ResolveInputSchema,
  SnoozeInputSchema,
  TransferInputSchema,
} from './inbox-views'
import { DispositionCodeRecordSchema, InboxAlertSchema, TransferTargetsSchema } from '../domain/conversations'
import { CallRecordSchema, CallViewSchema, PhoneSnapshotSchema, SipAccountInputSchema } from '../domain/phone'
import { AttachMediaInputSchema, MediaEventInputSchema, MediaReplyInputSchema, MediaRequestEnvelopeSchema, RecordingChunkInputSchema } from './phone-media'

export const connectionStatuses = ['offline', 'connecting', 'online', 'reconnecting'] as const
export const ConnectionStatusSchema = z.object({
  status: z.enum(connectionStatuses),
  /** Server base URL the desktop talks to; null before the first login. */
  serverUrl: z.string().nullable(),
  /** When the next reconnect attempt is due (ms since epoch), while reconnecting. */
  nextRetryAt: z.number().nullable(),
  /** The last failure, to tell the agent why they are not online. */
  lastError: z.string().nullable(),
})
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>

export const SessionSnapshotSchema = z.object({
  agent: AgentProfileSchema.nullable(),
  presence: PresenceSchema.nullable(),
  reasonCodes: z.array(ReasonCodeSchema),
  connection: ConnectionStatusSchema,
})
export type SessionSnapshot = z.infer<typeof SessionSnapshotSchema>

export const LoginInputSchema = z
  .object({
    serverUrl: z.url({ protocol: /^https?$/ }).max(512),
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
  })
  .strict()

export const AppInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'web']),
  defaultServerUrl: z.string().nullable(),
})

const Empty = z.object({}).strict().optional()
const ById = z.object({ id: z.string().min(1).max(64) }).strict()
const CallId = z.object({ callId: z.string().min(1).max(64) }).strict()
/** What the agent typed or clicked to call: checked and normalised by the phone (letters refused). */
const DialTarget = z.string().trim().min(1).max(64)

export const agentApiMethods = {
  'app.info': { input: Empty, output: AppInfoSchema },
  'session.get': { input: Empty, output: SessionSnapshotSchema },
  'session.login': { input: LoginInputSchema, output: SessionSnapshotSchema },
  'session.logout': { input: Empty, output: z.null() },
  'agentState.set': { input: StateChangeSchema, output: PresenceSchema },
  'team.list': { input: Empty, output: z.array(TeamMemberSchema) },
  'team.forceState': { input: ForceStateSchema, output: PresenceSchema },
  /** Online only: colleagues (with their state) and queues a conversation can be transferred to. */
  'inbox.transferTargets': { input: Empty, output: TransferTargetsSchema },
  'kb.search': { input: KbSearchInputSchema, output: KbSearchResultSchema },
  'kb.get': { input: ById, output: KbArticleViewSchema.nullable() },
  'kb.categories': { input: Empty, output: z.array(KbCategoryViewSchema) },
  'kb.pendingSignoffs': { input: Empty, output: z.array(PendingSignoffSchema) },
  'kb.signoff': { input: z.object({ articleId: z.string().min(1).max(64) }).strict(), output: KbArticleViewSchema },
  /** The article's versions, newest first: fetched when online, from the cache offline. */
  'kb.versions': { input: z.object({ articleId: z.string().min(1).max(64) }).strict(), output: KbArticleHistorySchema },
  /** A file's bytes: from the cache, else fetched (online) and kept. */
  'attachments.get': { input: ById, output: AttachmentContentSchema },
  /** Online only: uploads a file for a message or an article; returns its ref. */
  'attachments.upload': { input: AttachmentUploadInputSchema, output: AttachmentRefSchema },
  'settings.get': { input: Empty, output: SettingsViewSchema },
  /** One of the agent's preferences; works offline and follows the agent to their other desktops. */
  'settings.set': { input: AgentSettingChangeSchema, output: SettingsViewSchema },
  'customers.search': { input: CustomerSearchInputSchema, output: z.array(CustomerSummarySchema) },
  'customers.lookup': { input: CustomerLookupInputSchema, output: z.array(CustomerSummarySchema) },
  'customers.get': { input: ById, output: CustomerCardSchema.nullable() },
  'customers.addNote': { input: AddNoteInputSchema, output: InteractionViewSchema },
  'customers.update': { input: UpdateCustomerInputSchema, output: CustomerCardSchema },
  'outbox.status': { input: Empty, output: OutboxStatusSchema },
  'outbox.resolveConflict': { input: ResolveConflictInputSchema, output: OutboxStatusSchema },
  'sync.status': { input: Empty, output: SyncStatusSchema },
  'drafts.get': { input: z.object({ key: DraftKeySchema }).strict(), output: DraftSchema.nullable() },
  'drafts.set': { input: z.object({ key: DraftKeySchema, text: z.string().max(100_000) }).strict(), output: DraftSchema },
  // The unified inbox, from the local cache; actions are shown at once and queued (inbox-views.ts).
  'inbox.list': { input: InboxQuerySchema, output: InboxListResultSchema },
  'inbox.get': { input: ById, output: ConversationViewSchema.nullable() },
  'inbox.messages': { input: MessagePageInputSchema, output: MessagePageSchema },
  'inbox.reply': { input: ComposeInputSchema, output: MessageViewSchema },
  'inbox.note': { input: ComposeInputSchema, output: MessageViewSchema },
  'inbox.accept': { input: ConversationIdInputSchema, output: ConversationViewSchema },
  'inbox.decline': { input: ConversationIdInputSchema, output: ConversationViewSchema },
  'inbox.resolve': { input: ResolveInputSchema, output: ConversationViewSchema },
  'inbox.reopen': { input: ConversationIdInputSchema, output: ConversationViewSchema },
  'inbox.transfer': { input: TransferInputSchema, output: ConversationViewSchema },
  'inbox.markRead': { input: ConversationIdInputSchema, output: ConversationViewSchema },
  'inbox.snooze': { input: SnoozeInputSchema, output: ConversationViewSchema },
  'inbox.linkCustomer': { input: LinkCustomerInputSchema, output: ConversationViewSchema },
  'inbox.createCustomer': { input: CreateCustomerInputSchema, output: CustomerCardSchema },
  'inbox.cannedResponses': { input: CannedResponsesInputSchema, output: z.array(CannedResponseViewSchema) },
  'inbox.dispositionCodes': { input: Empty, output: z.array(DispositionCodeRecordSchema) },
  // The softphone (main owns the SIP user agent and every call; see shared/domain/phone.ts).
  'phone.get': { input: Empty, output: PhoneSnapshotSchema },
  /** Saves the SIP account (the password sealed with the OS secret store) and registers with it. */
  'phone.configure': { input: SipAccountInputSchema, output: PhoneSnapshotSchema },
  'phone.dial': { input: z.object({ target: DialTarget, customerId: z.string().min(1).max(64).optional() }).strict(), output: CallViewSchema },
  'phone.answer': { input: CallId, output: CallViewSchema },
  'phone.decline': { input: CallId, output: CallViewSchema },
  'phone.hangup': { input: CallId, output: CallViewSchema },
  'phone.mute': { input: z.object({ callId: z.string().min(1).max(64), muted: z.boolean() }).strict(), output: CallViewSchema },
  'phone.hold': { input: z.object({ callId: z.string().min(1).max(64), held: z.boolean() }).strict(), output: CallViewSchema },
  'phone.dtmf': {
    input: z.object({ callId: z.string().min(1).max(64), tones: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/), via: z.enum(['rfc4733', 'info']).default('rfc4733') }).strict(),
    output: CallViewSchema,
  },
  /** Blind transfer (REFER): the call leaves this desktop once the far side accepts. */
  'phone.transfer': { input: z.object({ callId: z.string().min(1).max(64), target: DialTarget }).strict(), output: CallViewSchema },
  /** Attended transfer, step 1: hold the call and dial the target for a consultation. */
  'phone.consult': { input: z.object({ callId: z.string().min(1).max(64), target: DialTarget }).strict(), output: CallViewSchema },
  /** Attended transfer, step 2: connect the held call to the consulted party (REFER with Replaces). */
  'phone.completeTransfer': { input: z.object({ consultCallId: z.string().min(1).max(64) }).strict(), output: CallViewSchema },
  /** Join the held call and its consultation into a three-party conference mixed on this desktop. */
  'phone.conference': { input: z.object({ consultCallId: z.string().min(1).max(64) }).strict(), output: PhoneSnapshotSchema },
  /** Ends after-call work with a disposition and notes; `ready` false stays not ready. */
  'phone.wrapUp': {
    input: z.object({ callId: z.string().min(1).max(64), disposition: z.string().min(1).max(32).nullable(), note: z.string().max(5_000).default(''), ready: z.boolean().default(true) }).strict(),
    output: PhoneSnapshotSchema,
  },
  /** Start or stop recording a call when the centre's policy leaves it to the agent (on_demand). */
  'phone.record': { input: z.object({ callId: z.string().min(1).max(64), enabled: z.boolean() }).strict(), output: CallViewSchema },
  /** The call log from the local cache, newest first. */
  'phone.callLog': { input: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict().optional(), output: z.array(CallRecordSchema) },
  // The media port (shared/ipc/phone-media.ts): only the renderer acting as media engine calls these.
  'phone.attachMedia': { input: AttachMediaInputSchema, output: PhoneSnapshotSchema },
  'phone.mediaReply': { input: MediaReplyInputSchema, output: z.null() },
  'phone.mediaEvent': { input: MediaEventInputSchema, output: z.null() },
  'phone.recordingChunk': { input: RecordingChunkInputSchema, output: z.null() },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>

export type AgentApiMethod = keyof typeof agentApiMethods
export type AgentApiInput<M extends AgentApiMethod> = z.input<(typeof agentApiMethods)[M]['input']>
export type AgentApiOutput<M extends AgentApiMethod> = z.output<(typeof agentApiMethods)[M]['output']>

export const agentApiEvents = {
  'connection.changed': ConnectionStatusSchema,
  'session.changed': SessionSnapshotSchema,
  'agentState.changed': PresenceSchema,
  'team.memberChanged': TeamMemberSchema,
  'sync.changed': SyncStatusSchema,
  'outbox.changed': OutboxStatusSchema,
  /** Synced data in the cache changed (after a sync page or a local action): views re-read. */
  'data.changed': z.object({ entities: z.array(z.string()) }),
  /** Mandatory articles this agent has not signed for; shown until signed. */
  'kb.signoffsPending': z.array(PendingSignoffSchema),
  /** A routing or SLA alarm from the server: an offer timed out, an SLA was breached, a reply failed. */
  'inbox.alert': InboxAlertSchema,
  'phone.changed': PhoneSnapshotSchema,
  /** A request for the media engine (the renderer whose mediaId it carries). */
  'phone.media': MediaRequestEnvelopeSchema,
} as const

export type AgentApiEvent = keyof typeof agentApiEvents
export type AgentApiEventPayload<E extends AgentApiEvent> = z.output<(typeof agentApiEvents)[E]>

// The dependency-free name lists (for the preload) must match the schemas exactly, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const methodNamesMatch: Same<AgentApiMethod, AgentApiMethodName> = true
const eventNamesMatch: Same<AgentApiEvent, AgentApiEventName> = true
void methodNamesMatch
void eventNamesMatch

export const isAgentApiMethod: (name: unknown) => name is AgentApiMethod = isAgentApiMethodName
export const isAgentApiEvent: (name: unknown) => name is AgentApiEvent = isAgentApiEventName

/** The raw transport both hosts provide: a call that answers with a Result, and events. */
export interface AgentApiTransport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>
  on(event: string, listener: (payload: unknown) => void): () => void
}

/** The typed face of AgentApi that renderer code uses. */
export interface AgentApi {
  invoke<M extends AgentApiMethod>(method: M, ...input: undefined extends AgentApiInput<M> ? [AgentApiInput<M>?] : [AgentApiInput<M>]): Promise<AgentApiOutput<M>>
  on<E extends AgentApiEvent>(event: E, listener: (payload: AgentApiEventPayload<E>) => void): () => void
}

export { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from './agent-api-names'
