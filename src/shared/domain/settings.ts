/**
 * Settings that follow an agent from desktop to desktop, synced like every other record.
 * Centre-wide values are set by an administrator; per-agent preferences by the agent (through the
 * outbox, so they can be changed offline). Each key has its own value schema and default.
 */
import { z } from 'zod'

export const settingScopes = ['centre', 'agent'] as const
export type SettingScope = (typeof settingScopes)[number]

export const recordingPolicies = ['all', 'on_demand', 'none'] as const

export const centreSettingSchemas = {
  /** How long an offered conversation waits for the agent to accept before it goes to the next. */
  'inbox.offerTimeoutSec': z.number().int().min(5).max(600),
  /** After-call work (话后处理) before the agent is put back to ready. */
  'acw.durationSec': z.number().int().min(0).max(3600),
  'recording.policy': z.enum(recordingPolicies),
} as const

export const agentSettingSchemas = {
  'ui.language': z.enum(['zh-CN', 'en']),
  'notify.sound': z.boolean(),
  'notify.desktop': z.boolean(),
} as const

export type CentreSettingKey = keyof typeof centreSettingSchemas
export type AgentSettingKey = keyof typeof agentSettingSchemas
export type CentreSettings = { [K in CentreSettingKey]: z.infer<(typeof centreSettingSchemas)[K]> }
export type AgentSettings = { [K in AgentSettingKey]: z.infer<(typeof agentSettingSchemas)[K]> }

export const centreSettingDefaults: CentreSettings = {
  'inbox.offerTimeoutSec': 30,
  'acw.durationSec': 60,
  'recording.policy': 'all',
}

export const agentSettingDefaults: AgentSettings = {
  'ui.language': 'zh-CN',
  'notify.sound': true,
  'notify.desktop': true,
}

export const centreSettingKeys = Object.keys(centreSettingSchemas) as CentreSettingKey[]
export const agentSettingKeys = Object.keys(agentSettingSchemas) as AgentSettingKey[]

export function isCentreSettingKey(key: string): key is CentreSettingKey {
  return Object.hasOwn(centreSettingSchemas, key)
}

export function isAgentSettingKey(key: string): key is AgentSettingKey {
  return Object.hasOwn(agentSettingSchemas, key)
}

const entry = <K extends string, S extends z.ZodType>(key: K, value: S) => z.object({ key: z.literal(key), value }).strict()

/** One agent preference with a value of its key's type: the payload of `settings.set`. */
export const AgentSettingChangeSchema = z.discriminatedUnion('key', [
  entry('ui.language', agentSettingSchemas['ui.language']),
  entry('notify.sound', agentSettingSchemas['notify.sound']),
  entry('notify.desktop', agentSettingSchemas['notify.desktop']),
])
export type AgentSettingChange = z.infer<typeof AgentSettingChangeSchema>

/** Ids of setting records: `centre:<key>`, or `agent:<agentId>:<key>` (only that agent pulls it). */
export function centreSettingId(key: string): string {
  return `centre:${key}`
}

export function agentSettingId(agentId: string, key: string): string {
  return `agent:${agentId}:${key}`
}

/** Everything a desktop shows: the centre's values and this agent's own, defaults filled in. */
export const SettingsViewSchema = z.object({
  centre: z.object({
    'inbox.offerTimeoutSec': centreSettingSchemas['inbox.offerTimeoutSec'],
    'acw.durationSec': centreSettingSchemas['acw.durationSec'],
    'recording.policy': centreSettingSchemas['recording.policy'],
  }),
  agent: z.object({
    'ui.language': agentSettingSchemas['ui.language'],
    'notify.sound': agentSettingSchemas['notify.sound'],
    'notify.desktop': agentSettingSchemas['notify.desktop'],
  }),
  /** Agent preferences changed here that the server has not confirmed yet. */
  pendingKeys: z.array(z.string()),
  /** Agent preferences the agent has chosen (anywhere), as opposed to defaults. */
  chosenKeys: z.array(z.string()),
})
export type SettingsView = z.infer<typeof SettingsViewSchema>
