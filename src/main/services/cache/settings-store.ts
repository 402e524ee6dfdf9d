/**
 * Synced settings in the cache: the centre's values and this agent's preferences as the server
 * has them, with the agent's own changes made here on top until the server's copy covers them.
 */
import type { SettingRecord } from '../../../shared/domain/records'
import {
  agentSettingDefaults,
  agentSettingSchemas,
  centreSettingDefaults,
  centreSettingSchemas,
  isAgentSettingKey,
  isCentreSettingKey,
  type SettingsView,
} from '../../../shared/domain/settings'
import type { Operation } from '../../../shared/protocol/sync'
import type { Sqlite } from './sqlite'

export function upsertSyncedSetting(sql: Sqlite, record: SettingRecord): void {
  sql.run(
    `INSERT INTO settings (id, scope, key, value_json) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, key = excluded.key, value_json = excluded.value_json`,
    record.id,
    record.scope,
    record.key,
    JSON.stringify(record.value),
  )
  // A delivered local change is now covered by the server's value; a queued one stays until answered.
  if (record.scope === 'agent') sql.run('DELETE FROM settings_local WHERE key = ? AND op_id NOT IN (SELECT op_id FROM outbox)', record.key)
}

export function deleteSyncedSetting(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM settings WHERE id = ?', id)
}

export function clearSyncedSettings(sql: Sqlite): void {
  sql.run('DELETE FROM settings')
}

export function recordLocalSetting(sql: Sqlite, op: Extract<Operation, { type: 'settings.set' }>): void {
  const next = (sql.get<{ position: number | null }>('SELECT max(position) AS position FROM settings_local')?.position ?? 0) + 1
  sql.run('INSERT INTO settings_local (op_id, key, value_json, position) VALUES (?, ?, ?, ?)', op.id, op.payload.key, JSON.stringify(op.payload.value), next)
}

export function discardLocalSetting(sql: Sqlite, opId: string): void {
  sql.run('DELETE FROM settings_local WHERE op_id = ?', opId)
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Defaults where nothing is known; a value of the wrong shape counts as unknown. */
export function settingsView(sql: Sqlite): SettingsView {
  const centre: Record<string, unknown> = { ...centreSettingDefaults }
  const agent: Record<string, unknown> = { ...agentSettingDefaults }
  const chosen = new Set<string>()
  for (const row of sql.all<{ scope: string; key: string; value_json: string }>('SELECT scope, key, value_json FROM settings')) {
    if (row.scope === 'centre' && isCentreSettingKey(row.key)) {
      const value = centreSettingSchemas[row.key].safeParse(parsed(row.value_json))
      if (value.success) centre[row.key] = value.data
    } else if (row.scope === 'agent' && isAgentSettingKey(row.key)) {
      const value = agentSettingSchemas[row.key].safeParse(parsed(row.value_json))
      if (value.success) {
        agent[row.key] = value.data
        chosen.add(row.key)
      }
    }
  }
  // Local changes in the order they were made; one the server refused (a conflict) does not count.
  const local = sql.all<{ key: string; value_json: string; status: string | null }>(
    'SELECT l.key, l.value_json, o.status FROM settings_local l LEFT JOIN outbox o ON o.op_id = l.op_id ORDER BY l.position',
  )
  const pending = new Set<string>()
  for (const row of local) {
    if (row.status === 'conflict' || !isAgentSettingKey(row.key)) continue
    const value = agentSettingSchemas[row.key].safeParse(parsed(row.value_json))
    if (!value.success) continue
    agent[row.key] = value.data
    chosen.add(row.key)
    if (row.status === 'queued') pending.add(row.key)
  }
  return { centre: centre as SettingsView['centre'], agent: agent as SettingsView['agent'], pendingKeys: [...pending], chosenKeys: [...chosen] }
}

const KEY_LABELS: Record<string, string> = { 'ui.language': '界面语言', 'notify.sound': '新消息提示音', 'notify.desktop': '桌面通知' }
const VALUE_LABELS: Record<string, string> = { 'zh-CN': '中文', en: 'English', true: '开', false: '关' }

/** The outbox's words for a queued or refused preference change (shown with conflicts). */
export function describeSettingOp(op: Extract<Operation, { type: 'settings.set' }>): string {
  const value = String(op.payload.value)
  return `个人设置：${KEY_LABELS[op.payload.key] ?? op.payload.key} → ${VALUE_LABELS[value] ?? value}`
}
