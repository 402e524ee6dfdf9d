/**
 * Cache tables for KB attachments and version history, and for synced settings (cache migration
 * after the inbox's). IF NOT EXISTS: a file that got these tables under another migration number
 * during development still migrates.
 */
export const KB_SETTINGS_MIGRATION_SQL = `
-- The files of each article as the server lists them, in display order.
CREATE TABLE IF NOT EXISTS kb_article_attachments (
  article_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kb_article_attachments_id ON kb_article_attachments (id);

-- Bytes of attachments this desktop has: every KB file (fetched after sync, so they open
-- offline) and other files once opened. kind 'kb' files go when no article lists them any more.
CREATE TABLE IF NOT EXISTS attachment_files (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('kb', 'other')),
  data BLOB NOT NULL,
  stored_at INTEGER NOT NULL
);

-- An article's history as last fetched from the server, so it also shows offline.
CREATE TABLE IF NOT EXISTS kb_article_versions (
  article_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  tags TEXT NOT NULL,
  edited_by_id TEXT,
  edited_by_name TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (article_id, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kb_article_history_fetched (
  article_id TEXT PRIMARY KEY,
  fetched_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Settings as the server has them: centre-wide ones and this agent's own (JSON values).
CREATE TABLE IF NOT EXISTS settings (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL
);

-- Preferences changed on this desktop, each with its settings.set operation. Kept after delivery
-- until the synced setting covers them, so the choice does not flip back while sync catches up.
CREATE TABLE IF NOT EXISTS settings_local (
  op_id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS settings_local_key ON settings_local (key, position);
`
