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

export const agentApiMethods = {
  'app.info': { input: Empty, output: AppInfoSchema },
  'session.get': { input: Empty, output: SessionSnapshotSchema },
  'session.login': { input: LoginInputSchema, output: SessionSnapshotSchema },
  'session.logout': { input: Empty, output: z.null() },
  'agentState.set': { input: StateChangeSchema, output: PresenceSchema },
  'team.list': { input: Empty, output: z.array(TeamMemberSchema) },
  'team.forceState': { input: ForceStateSchema, output: PresenceSchema },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>

export type AgentApiMethod = keyof typeof agentApiMethods
export type AgentApiInput<M extends AgentApiMethod> = z.input<(typeof agentApiMethods)[M]['input']>
export type AgentApiOutput<M extends AgentApiMethod> = z.output<(typeof agentApiMethods)[M]['output']>

export const agentApiEvents = {
  'connection.changed': ConnectionStatusSchema,
  'session.changed': SessionSnapshotSchema,
  'agentState.changed': PresenceSchema,
  'team.memberChanged': TeamMemberSchema,
} as const

export type AgentApiEvent = keyof typeof agentApiEvents
export type AgentApiEventPayload<E extends AgentApiEvent> = z.output<(typeof agentApiEvents)[E]>

export function isAgentApiMethod(name: unknown): name is AgentApiMethod {
  return typeof name === 'string' && Object.hasOwn(agentApiMethods, name)
}

export function isAgentApiEvent(name: unknown): name is AgentApiEvent {
  return typeof name === 'string' && Object.hasOwn(agentApiEvents, name)
}

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

/** Channel names Electron's IPC uses for the transport. */
export const IPC_INVOKE_CHANNEL = 'agent-api:invoke'
export const IPC_EVENT_CHANNEL = 'agent-api:event'
