import { z } from 'zod'

export const roles = ['agent', 'lead', 'admin'] as const
export const RoleSchema = z.enum(roles)
export type Role = z.infer<typeof RoleSchema>

/**
 * The agent states of the seeds (002 篇7 §3.3): 示闲, 示忙 with a reason, 话后处理, 离席, 签出.
 * `signed_out` is also what a lead's force-sign-out (强制签出) sets. `on_call` (通话中) is set by
 * the softphone, not chosen: the state follows the phone so routing leaves the agent alone.
 */
export const agentStates = ['ready', 'not_ready', 'on_call', 'after_call_work', 'away', 'signed_out'] as const
export const AgentStateSchema = z.enum(agentStates)
export type AgentStateName = z.infer<typeof AgentStateSchema>

export const ReasonCodeSchema = z.object({
  code: z.string().min(1).max(32),
  labelZh: z.string(),
  labelEn: z.string(),
})
export type ReasonCode = z.infer<typeof ReasonCodeSchema>

export const PersonRefSchema = z.object({ id: z.string(), name: z.string() })
export type PersonRef = z.infer<typeof PersonRefSchema>

export const PresenceSchema = z.object({
  agentId: z.string(),
  state: AgentStateSchema,
  /** Set only for not_ready. */
  reasonCode: z.string().nullable(),
  /** When the state began, ms since epoch in the receiver's clock. */
  since: z.number(),
  /** The lead who forced this state, or null when the agent chose it. */
  forcedBy: PersonRefSchema.nullable(),
  /** Whether the agent's desktop is connected to the server right now. */
  online: z.boolean(),
})
export type Presence = z.infer<typeof PresenceSchema>

export const AgentProfileSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  /** Skill group names, for display. */
  skillGroups: z.array(z.string()),
  /** The same skill groups by id: what KB visibility and routing match on. */
  skillGroupIds: z.array(z.string()),
})
export type AgentProfile = z.infer<typeof AgentProfileSchema>

export const TeamMemberSchema = z.object({
  agentId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  teamId: z.string().nullable(),
  presence: PresenceSchema,
})
export type TeamMember = z.infer<typeof TeamMemberSchema>

/** What an agent (or a lead for an agent) asks the state to become. */
export const StateChangeSchema = z
  .object({
    state: AgentStateSchema,
    reasonCode: z.string().min(1).max(32).nullable().optional(),
  })
  .strict()
  .refine((v) => v.state !== 'not_ready' || !!v.reasonCode, {
    message: 'not_ready needs a reasonCode',
    path: ['reasonCode'],
  })
export type StateChange = z.infer<typeof StateChangeSchema>
