/**
 * The /agent socket.io namespace between a desktop's main process and the central server.
 * Every client event carries one payload and an ack; the server validates the payload against
 * `clientEventSchemas` and answers with a Result.
 */
import { z } from 'zod'
import type { Result } from '../errors'
import {
  AgentProfileSchema,
  PresenceSchema,
  ReasonCodeSchema,
  StateChangeSchema,
  TeamMemberSchema,
  type AgentProfile,
  type Presence,
  type ReasonCode,
  type TeamMember,
} from '../domain/agent'
import type { InboxAlert, TransferTargets } from '../domain/conversations'
import { SyncPullSchema, SyncPushSchema, type SyncNotify, type SyncPage, type SyncPushResult } from './sync'

export const AGENT_NAMESPACE = '/agent'

/** Largest frame the server accepts at all; bigger ones close the connection. */
export const MAX_SOCKET_FRAME_BYTES = 1_000_000

export const ForceStateSchema = z
  .object({
    agentId: z.string().min(1).max(64),
    state: StateChangeSchema.shape.state,
    reasonCode: z.string().min(1).max(32).nullable().optional(),
  })
  .strict()
  .refine((v) => v.state !== 'not_ready' || !!v.reasonCode, {
    message: 'not_ready needs a reasonCode',
    path: ['reasonCode'],
  })
export type ForceState = z.infer<typeof ForceStateSchema>

export const EmptySchema = z.object({}).strict()

export const clientEventSchemas = {
  'agentState:set': StateChangeSchema,
  'team:list': EmptySchema,
  'team:forceState': ForceStateSchema,
  'sync:pull': SyncPullSchema,
  'sync:push': SyncPushSchema,
  'transfer:targets': EmptySchema,
} as const

export type ClientEventName = keyof typeof clientEventSchemas
export type ClientEventPayload<E extends ClientEventName> = z.input<(typeof clientEventSchemas)[E]>

export interface ClientEventResults {
  'agentState:set': Presence
  'team:list': TeamMember[]
  'team:forceState': Presence
  'sync:pull': SyncPage
  'sync:push': SyncPushResult
  'transfer:targets': TransferTargets
}

export type Ack<T> = (result: Result<T>) => void

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientEventPayload<E>, ack: Ack<ClientEventResults[E]>) => void
}

export const WelcomeSchema = z.object({
  agent: AgentProfileSchema,
  presence: PresenceSchema,
  reasonCodes: z.array(ReasonCodeSchema),
  /** Server clock, so the desktop can show state timers in its own clock. */
  serverTime: z.number(),
})
export type Welcome = z.infer<typeof WelcomeSchema>

export const TeamPresenceSchema = TeamMemberSchema
export const ProtocolErrorSchema = z.object({ code: z.string(), message: z.string(), event: z.string().optional() })

export interface ServerToClientEvents {
  'session:welcome': (welcome: Welcome) => void
  /** The agent's own state changed (by themselves on another connection, or forced by a lead). */
  'agentState:changed': (presence: Presence) => void
  /** A member of the lead's team changed state or connection (leads and admins only). */
  'team:presence': (member: TeamMember) => void
  /** Synced data changed on the server; the desktop pulls from its cursor. */
  'sync:changed': (notice: SyncNotify) => void
  /** Routing and SLA alarms: an offer timed out, an SLA was breached, a reply could not be delivered. */
  'inbox:alert': (alert: InboxAlert) => void
  /** An event the server could not take and could not answer through an ack. */
  'protocol:error': (error: z.infer<typeof ProtocolErrorSchema>) => void
}

export type { AgentProfile, Presence, ReasonCode, TeamMember }
