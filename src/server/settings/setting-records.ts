import type { Kysely } from 'kysely'
import type { SettingRecord } from '../../shared/domain/records'
import {
  agentSettingDefaults,
  agentSettingId,
  agentSettingSchemas,
  centreSettingDefaults,
  centreSettingId,
  centreSettingSchemas,
  isAgentSettingKey,
  isCentreSettingKey,
  type CentreSettings,
} from '../../shared/domain/settings'
import type { Database } from '../db/schema'

type Db = Kysely<Database>

/**
 * Reads setting records in their wire shape for one pulling agent: centre-wide ones for everyone,
 * agent ones only for their owner (ids of other agents are simply absent, so they go down as
 * tombstones, though concernsSettingViewer keeps them out of the page in the first place).
 */
export async function readSettings(db: Db, agentId: string, ids: readonly string[]): Promise<Map<string, SettingRecord>> {
  const centreKeys: string[] = []
  const agentKeys: string[] = []
  const ownPrefix = `agent:${agentId}:`
  for (const id of ids) {
    if (id.startsWith('centre:')) centreKeys.push(id.slice('centre:'.length))
    else if (id.startsWith(ownPrefix)) agentKeys.push(id.slice(ownPrefix.length))
  }
  const [centreRows, agentRows] = await Promise.all([
    centreKeys.length === 0 ? [] : db.selectFrom('centre_settings').select(['key', 'value']).where('key', 'in', centreKeys).execute(),
    agentKeys.length === 0
      ? []
      : db.selectFrom('agent_settings').select(['key', 'value']).where('agent_id', '=', agentId).where('key', 'in', agentKeys).execute(),
  ])
  const records = new Map<string, SettingRecord>()
  for (const row of centreRows) {
    const value = parseStored(row.value)
    if (value !== undefined) records.set(centreSettingId(row.key), { id: centreSettingId(row.key), scope: 'centre', key: row.key, value })
  }
  for (const row of agentRows) {
    const value = parseStored(row.value)
    if (value !== undefined) records.set(agentSettingId(agentId, row.key), { id: agentSettingId(agentId, row.key), scope: 'agent', key: row.key, value })
  }
  return records
}

/** Another agent's preferences are theirs alone; they are left out of the page (the cursor still passes them). */
export function concernsSettingViewer(entityId: string, agentId: string): boolean {
  return !entityId.startsWith('agent:') || entityId.startsWith(`agent:${agentId}:`)
}

/** Stored JSON that no longer parses is left out (a tombstone) rather than stopping the sync. */
function parseStored(text: string): SettingRecord['value'] | undefined {
  try {
    return JSON.parse(text) as SettingRecord['value']
  } catch {
    return undefined
  }
}

/** The centre's values with defaults for keys never set; a stored value of the wrong shape counts as unset. */
export async function readCentreSettings(db: Db): Promise<CentreSettings> {
  const rows = await db.selectFrom('centre_settings').select(['key', 'value']).execute()
  const result: Record<string, unknown> = { ...centreSettingDefaults }
  for (const row of rows) {
    if (!isCentreSettingKey(row.key)) continue
    const parsed = centreSettingSchemas[row.key].safeParse(parseStored(row.value))
    if (parsed.success) result[row.key] = parsed.data
  }
  return result as CentreSettings
}

/** Used by tests and by services that act on an agent's preference. */
export async function readAgentSetting<K extends keyof typeof agentSettingSchemas>(db: Db, agentId: string, key: K): Promise<(typeof agentSettingDefaults)[K]> {
  const row = await db.selectFrom('agent_settings').select('value').where('agent_id', '=', agentId).where('key', '=', key).executeTakeFirst()
  if (!row || !isAgentSettingKey(key)) return agentSettingDefaults[key]
  const parsed = agentSettingSchemas[key].safeParse(parseStored(row.value))
  return parsed.success ? (parsed.data as (typeof agentSettingDefaults)[K]) : agentSettingDefaults[key]
}
