/**
 * Sync between the central server and a desktop's local cache, over the /agent socket.
 *
 * Down: the server numbers every change of a synced record with a global sequence (`seq`). A
 * desktop pulls the changes after its cursor in pages and stores each page together with the
 * new cursor, so an interrupted sync resumes where it stopped. A deleted record (or one the
 * agent may no longer see) arrives as a tombstone. A cursor the server has never issued (from
 * the future, e.g. after the server's database was restored) is answered with `reset`, and the
 * desktop starts again from 0.
 *
 * Up: every local action is an operation with a client-generated id. The server applies each
 * id at most once, in the same transaction as its effect; a repeated id is answered
 * `duplicate` with the first outcome. An operation the server refuses is `rejected` and the
 * desktop keeps it as a conflict for the agent to resolve.
 */
import { z } from 'zod'
import { AgentStateSchema } from '../domain/agent'
import {
  CallLogRecordSchema,
  CustomerRecordSchema,
  InteractionRecordSchema,
  KbArticleRecordSchema,
  KbCategoryRecordSchema,
  KbSignoffRecordSchema,
  ReasonCodeRecordSchema,
  SettingRecordSchema,
} from '../domain/records'
import { AgentSettingChangeSchema } from '../domain/settings'
import { CallRecordSchema } from '../domain/phone'
import {
  CannedResponseRecordSchema,
  ConversationRecordSchema,
  DispositionCodeRecordSchema,
  MessageRecordSchema,
} from '../domain/conversations'
import { ErrorCodeSchema } from '../error-schema'

export const MAX_PULL_PAGE = 1_000
export const MAX_PUSH_BATCH = 200

const change = <E extends string, S extends z.ZodType>(entity: E, data: S) =>
  z.union([
    z.object({ seq: z.number().int().positive(), entity: z.literal(entity), id: z.string().max(140), deleted: z.literal(false), data }),
    z.object({ seq: z.number().int().positive(), entity: z.literal(entity), id: z.string().max(140), deleted: z.literal(true), data: z.null() }),
  ])

export const SyncChangeSchema = z.union([
  change('kb_category', KbCategoryRecordSchema),
  change('kb_article', KbArticleRecordSchema),
  change('customer', CustomerRecordSchema),
  change('interaction', InteractionRecordSchema),
  change('kb_signoff', KbSignoffRecordSchema),
  change('reason_code', ReasonCodeRecordSchema),
  // The inbox: conversations the agent owns or may take, their messages, and what the composer offers.
  change('conversation', ConversationRecordSchema),
  change('message', MessageRecordSchema),
  change('canned_response', CannedResponseRecordSchema),
  change('disposition_code', DispositionCodeRecordSchema),
  // Centre-wide settings and the pulling agent's own preferences (settings.ts).
  change('setting', SettingRecordSchema),
  // The call log: the pulling agent's own calls (leads and admins: everyone's).
  change('call', CallLogRecordSchema),
])
export type SyncChange = z.infer<typeof SyncChangeSchema>
export type SyncEntity = SyncChange['entity']

export const SyncPullSchema = z
  .object({
    cursor: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(MAX_PULL_PAGE),
  })
  .strict()
export type SyncPull = z.infer<typeof SyncPullSchema>

export const SyncPageSchema = z.object({
  /** The changes after the cursor, in seq order. */
  changes: z.array(z.unknown()),
  /** The cursor to store with this page (the last seq it covers). */
  cursor: z.number().int().nonnegative(),
  /** The newest seq on the server, for progress. */
  latest: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  /** The cursor was never issued by this server: drop the cache and pull from 0. */
  reset: z.boolean(),
})
export type SyncPage = z.infer<typeof SyncPageSchema>

export const operationTypes = [
  'kb.signoff',
  'customer.note',
  'customer.update',
  'agentState.set',
  'conversation.reply',
  'conversation.note',
  'conversation.accept',
  'conversation.decline',
  'conversation.resolve',
  'conversation.reopen',
  'conversation.transfer',
  'conversation.read',
  'conversation.snooze',
  'conversation.linkCustomer',
  'customer.create',
  'settings.set',
  'call.log',
] as const

const conversationId = z.string().min(1).max(64)
/** What an agent writes to a customer or a colleague. Attachments were uploaded first (POST /api/attachments). */
const MessageDraftSchema = z
  .object({
    conversationId,
    /** The desktop shows the message at once under this id; the server keeps it. */
    messageId: z.uuid(),
    text: z.string().max(20_000),
    attachmentIds: z.array(z.string().min(1).max(64)).max(10).default([]),
    /** The customer message this answers (QQ quotes it with a reply segment). */
    replyToId: z.string().max(64).nullable().default(null),
  })
  .strict()
  .refine((m) => m.text.trim() !== '' || m.attachmentIds.length > 0, { message: 'A message needs text or an attachment', path: ['text'] })

const op = <T extends string, S extends z.ZodType>(type: T, payload: S) =>
  z
    .object({
      id: z.uuid(),
      type: z.literal(type),
      payload,
      /** When the agent did it, desktop clock. */
      createdAt: z.number(),
    })
    .strict()

export const CustomerChangesSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    city: z.string().trim().max(100).nullable().optional(),
    notes: z.string().max(10_000).optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  })
  .strict()
export type CustomerChanges = z.infer<typeof CustomerChangesSchema>

/** A day: no call of a contact centre lasts longer; a bigger number is a broken clock. */
const MAX_CALL_SECONDS = 24 * 60 * 60

/**
 * A call as the phone recorded it when it ended, and again (same id) when the agent finished the
 * after-call work with a disposition and a note: the server keeps the latest. Times are the
 * desktop's clock, all from the same clock, so they must be in order.
 */
export const CallLogPayloadSchema = CallRecordSchema.extend({ durationSec: z.number().int().nonnegative().max(MAX_CALL_SECONDS) })
  .strict()
  .superRefine((call, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    if (call.endedAt < call.offeredAt) issue('endedAt', 'A call cannot end before it was offered')
    if (call.answeredAt !== null && (call.answeredAt < call.offeredAt || call.answeredAt > call.endedAt)) {
      issue('answeredAt', 'A call is answered between being offered and ending')
    }
    if (call.answeredAt === null && call.durationSec !== 0) issue('durationSec', 'A call nobody answered has no talk time')
    if (call.answeredAt !== null && call.durationSec > Math.ceil((call.endedAt - call.answeredAt) / 1000) + 1) {
      issue('durationSec', 'The talk time is longer than the call')
    }
    if (call.missed && (call.direction !== 'inbound' || call.answeredAt !== null)) issue('missed', 'Only an inbound call nobody answered is missed')
  })

export const OperationSchema = z.discriminatedUnion('type', [
  op('kb.signoff', z.object({ articleId: z.string().max(64), version: z.number().int().positive() }).strict()),
  op(
    'customer.note',
    z.object({ customerId: z.string().max(64), noteId: z.uuid(), text: z.string().trim().min(1).max(5_000) }).strict(),
  ),
  op(
    'customer.update',
    z.object({ customerId: z.string().max(64), baseVersion: z.number().int().positive(), changes: CustomerChangesSchema }).strict(),
  ),
  op(
    'agentState.set',
    z.object({ state: AgentStateSchema, reasonCode: z.string().min(1).max(32).nullable() }).strict(),
  ),
  op('conversation.reply', MessageDraftSchema),
  op('conversation.note', MessageDraftSchema),
  op('conversation.accept', z.object({ conversationId }).strict()),
  op('conversation.decline', z.object({ conversationId }).strict()),
  op(
    'conversation.resolve',
    z.object({ conversationId, disposition: z.string().min(1).max(32), note: z.string().max(2_000).default('') }).strict(),
  ),
  op('conversation.reopen', z.object({ conversationId }).strict()),
  op(
    'conversation.transfer',
    z
      .object({
        conversationId,
        /** Exactly one of the two: a colleague, or a skill group's queue. */
        toAgentId: z.string().min(1).max(64).nullable(),
        toSkillGroupId: z.string().min(1).max(64).nullable(),
        note: z.string().max(2_000).default(''),
      })
      .strict()
      .refine((t) => (t.toAgentId === null) !== (t.toSkillGroupId === null), { message: 'Transfer to an agent or to a group' }),
  ),
  /** The owner has seen everything up to now. */
  op('conversation.read', z.object({ conversationId }).strict()),
  op('conversation.snooze', z.object({ conversationId, until: z.number().int().positive().nullable() }).strict()),
  op('conversation.linkCustomer', z.object({ conversationId, customerId: z.string().min(1).max(64) }).strict()),
  /** A new customer from an unknown sender, linked to the conversation it came from when one is named. */
  op(
    'customer.create',
    z
      .object({
        customerId: z.uuid(),
        name: z.string().trim().min(1).max(200),
        tier: z.enum(['钻', '金', '银', '基础', '1A', '2A', '3A', '4A', '5A']).default('基础'),
        kind: z.enum(['person', 'enterprise']).default('person'),
        company: z.string().trim().max(200).nullable().default(null),
        city: z.string().trim().max(100).nullable().default(null),
        contacts: z.array(z.object({ kind: z.enum(['phone', 'email', 'qq']), value: z.string().trim().min(1).max(256) }).strict()).max(10).default([]),
        linkConversationId: z.string().min(1).max(64).nullable().default(null),
      })
      .strict(),
  ),
  /** One of the agent's own preferences; follows them to their other desktops. */
  op('settings.set', AgentSettingChangeSchema),
  /** The call log (phone.ts): written when a call ends and again after wrap-up; an upsert by call id. */
  op('call.log', CallLogPayloadSchema),
])
export type Operation = z.infer<typeof OperationSchema>
export type OperationType = Operation['type']

export const SyncPushSchema = z.object({ ops: z.array(z.unknown()).min(1).max(MAX_PUSH_BATCH) }).strict()

export const OperationResultSchema = z.object({
  id: z.string(),
  status: z.enum(['applied', 'duplicate', 'rejected']),
  /** For rejected (and for a duplicate of a rejected op): why. */
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
})
export type OperationResult = z.infer<typeof OperationResultSchema>

export const SyncPushResultSchema = z.object({ results: z.array(OperationResultSchema) })
export type SyncPushResult = z.infer<typeof SyncPushResultSchema>

/** Server → desktop: something changed after `latest - 1`; pull. */
export const SyncNotifySchema = z.object({ latest: z.number().int().nonnegative() })
export type SyncNotify = z.infer<typeof SyncNotifySchema>
