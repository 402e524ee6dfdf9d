/**
 * The OneBot v11 frames the server accepts, as zod schemas written from the published spec
 * (github.com/botuniverse/onebot-11: event/message.md, event/notice.md, event/meta.md,
 * message/segment.md, communication/ws.md). Implementations differ in small ways the schemas
 * tolerate: ids arrive as numbers or as digit strings (NapCat, Lagrange), segment data values as
 * strings or numbers. Everything else that does not fit is refused whole and logged.
 */
import { z } from 'zod'

/** Frames larger than this close the connection (ws maxPayload); images come as URLs, not bytes. */
export const MAX_ONEBOT_FRAME_BYTES = 8 * 1024 * 1024

/** A QQ number, group number or message id: an integer, possibly sent as a string; kept as a string. */
export const OneBotIdSchema = z
  .union([z.number().int(), z.string().regex(/^-?\d{1,19}$/)])
  .transform((v) => String(v))

/** A QQ number or group number in an event: positive, whichever form it came in. */
export const QqIdSchema = z
  .union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,18}$/)])
  .transform((v) => String(v))

/** A positive QQ number or group number (what X-Self-ID and configuration hold). */
export const QqNumberSchema = z.string().regex(/^[1-9]\d{4,11}$/, 'a QQ or group number: 5 to 12 digits')

const SegmentValueSchema = z
  .union([z.string().max(MAX_ONEBOT_FRAME_BYTES), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? '' : String(v)))

/** A message segment `{type, data}` (message/array.md); data values are strings per the spec. */
export const SegmentSchema = z.object({
  type: z.string().min(1).max(64),
  data: z
    .record(z.string().max(64), z.union([SegmentValueSchema, z.array(z.unknown()), z.record(z.string(), z.unknown())]))
    .nullish()
    .transform((data) => {
      const out: Record<string, string> = {}
      for (const [key, value] of Object.entries(data ?? {})) if (typeof value === 'string') out[key] = value
      return out
    }),
})
export type Segment = z.output<typeof SegmentSchema>

/** A message: a segment array, or a string with CQ codes (message/string.md). */
export const OneBotMessageSchema = z.union([z.array(SegmentSchema).max(500), z.string().max(MAX_ONEBOT_FRAME_BYTES)])

const EventBase = {
  time: z.number().nonnegative(),
  self_id: OneBotIdSchema,
}

/** Any event: what every event carries, to decide which schema applies. */
export const EventEnvelopeSchema = z.looseObject({
  post_type: z.string().max(64),
  self_id: OneBotIdSchema,
})

/** event/message.md, 群消息. */
export const GroupMessageEventSchema = z.object({
  ...EventBase,
  post_type: z.literal('message'),
  message_type: z.literal('group'),
  sub_type: z.string().max(32).optional(),
  message_id: OneBotIdSchema,
  group_id: QqIdSchema,
  user_id: QqIdSchema,
  anonymous: z.looseObject({ id: OneBotIdSchema.optional(), name: z.string().max(200).optional() }).nullish(),
  message: OneBotMessageSchema,
  raw_message: z.string().max(MAX_ONEBOT_FRAME_BYTES).optional(),
  font: z.number().optional(),
  sender: z
    .looseObject({
      user_id: OneBotIdSchema.optional(),
      nickname: z.string().max(200).optional(),
      card: z.string().max(200).optional(),
      /** owner / admin / member */
      role: z.string().max(32).optional(),
    })
    .optional(),
})
export type GroupMessageEvent = z.output<typeof GroupMessageEventSchema>

/** event/notice.md, 群消息撤回. */
export const GroupRecallNoticeSchema = z.object({
  ...EventBase,
  post_type: z.literal('notice'),
  notice_type: z.literal('group_recall'),
  group_id: QqIdSchema,
  user_id: OneBotIdSchema,
  operator_id: OneBotIdSchema,
  message_id: OneBotIdSchema,
})
export type GroupRecallNotice = z.output<typeof GroupRecallNoticeSchema>

/** event/meta.md: 生命周期 and 心跳. */
export const MetaEventSchema = z.discriminatedUnion('meta_event_type', [
  z.looseObject({ ...EventBase, post_type: z.literal('meta_event'), meta_event_type: z.literal('lifecycle'), sub_type: z.string().max(32) }),
  z.looseObject({
    ...EventBase,
    post_type: z.literal('meta_event'),
    meta_event_type: z.literal('heartbeat'),
    status: z.unknown(),
    interval: z.number().nonnegative(),
  }),
])

/** communication/ws.md: what answers an action sent with an `echo`. */
export const ActionResponseSchema = z.looseObject({
  /** ok, async or failed */
  status: z.string().max(32),
  retcode: z.number().int(),
  data: z.unknown().optional(),
  echo: z.unknown(),
  /** Not in the v11 text, but NapCat, Lagrange and go-cqhttp explain failures in one of these. */
  wording: z.string().max(1000).optional(),
  message: z.string().max(1000).optional(),
  msg: z.string().max(1000).optional(),
})
export type ActionResponse = z.output<typeof ActionResponseSchema>

/** api/public.md send_group_msg: `data` of a successful answer. */
export const SendMessageDataSchema = z.looseObject({ message_id: OneBotIdSchema })

/** Which kind of frame a parsed JSON value is, before its own schema checks it. */
export function frameKind(value: unknown): 'event' | 'response' | 'unknown' {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'unknown'
  if ('post_type' in value) return 'event'
  if ('retcode' in value || ('status' in value && 'echo' in value)) return 'response'
  return 'unknown'
}
