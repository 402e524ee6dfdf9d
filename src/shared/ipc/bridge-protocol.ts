/**
 * The web host's WebSocket bridge: carries the AgentApi transport between a browser page and the
 * main-process services running under Node. The page must first present the launch secret.
 */
import { z } from 'zod'
import { ErrorCodeSchema } from '../error-schema'

export const BRIDGE_PATH = '/bridge'
/** Close codes the host uses when it refuses a page. */
export const BRIDGE_CLOSE_BAD_SECRET = 4401
export const BRIDGE_CLOSE_BAD_ORIGIN = 4403
export const BRIDGE_CLOSE_PROTOCOL = 4400
/**
 * Largest frame the host accepts from a page: an attachment upload (up to 10 MB, base64 in the
 * call) travels as one frame. Only a page holding the launch secret can send at all.
 */
export const BRIDGE_MAX_FRAME_BYTES = 14 * 1024 * 1024

const ResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: ErrorCodeSchema, message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  }),
])

export const PageToHostSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), secret: z.string().max(200) }),
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), method: z.string().max(100), input: z.unknown().optional() }),
])
export type PageToHost = z.infer<typeof PageToHostSchema>

export const HostToPageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('result'), id: z.number(), result: ResultSchema }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
])
export type HostToPage = z.infer<typeof HostToPageSchema>
