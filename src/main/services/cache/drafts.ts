/** What the agent is typing, per conversation or form, kept across crashes and restarts. */
import type { Draft } from '../../../shared/ipc/views'
import type { Sqlite } from './sqlite'

export function getDraft(sql: Sqlite, key: string): Draft | null {
  const row = sql.get<{ key: string; text: string; updated_at: number }>('SELECT key, text, updated_at FROM drafts WHERE key = ?', key)
  return row ? { key: row.key, text: row.text, updatedAt: row.updated_at } : null
}

/** Empty text deletes the draft (a sent reply leaves nothing behind). */
export function setDraft(sql: Sqlite, key: string, text: string, now: number): Draft {
  if (text === '') {
    sql.run('DELETE FROM drafts WHERE key = ?', key)
  } else {
    sql.run(
      'INSERT INTO drafts (key, text, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at',
      key,
      text,
      now,
    )
  }
  return { key, text, updatedAt: now }
}
