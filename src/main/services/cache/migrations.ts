/**
 * The cache's schema, as an ordered list of migrations. `PRAGMA user_version` holds how many
 * have been applied; each runs in its own transaction together with the version bump, so a crash
 * mid-migration leaves the file at the previous version and the migration runs again.
 */
import type Database from 'better-sqlite3'
import { KB_SETTINGS_MIGRATION_SQL } from './kb-settings-schema'
import { INBOX_MIGRATION_SQL } from './inbox-schema'
import { CALL_LOG_MIGRATION_SQL } from './call-log-store'

export interface Migration {
  name: string
  sql: string
}

/**
 * Search index design (measured in bench/kb-search.ts):
 * - Chinese is written without spaces, so text is indexed as overlapping character pairs
 *   (退款流程 → 退款 款流 流程) plus the last character of each run alone; English words and
 *   numbers stay whole words. `unicode61` then only has to split on the spaces we insert.
 *   A query of n ≥ 2 characters is the phrase of its n-1 pairs (adjacent positions, so exactly
 *   that substring); one character is a prefix query on the pairs (卡* finds 卡号, 卡顿 and a
 *   run-final 卡). See kb-text.ts.
 * - Contentless (`content=''`) with `contentless_delete=1`: the original title and body live in
 *   kb_articles and kb_article_bodies (snippets are cut from them in JS), so the index does not store the text twice
 *   and rows can still be deleted and replaced.
 * - kb_title_fts indexes titles alone, keyed so that its rowid order is the title ranking:
 *   "title matches first" reads the first page straight off this small index, and a short query
 *   matching a third of the KB ranks nothing. Visibility is a token in both indexes, so the usual
 *   search never joins the articles table (kb-index-keys.ts).
 */
const INITIAL = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE kb_categories (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_id TEXT,
  sort INTEGER NOT NULL
);

-- Narrow rows: a search joins every match to this table for its filters, and 30,000 lookups
-- stay in a few MB of pages only if the bodies live elsewhere (kb_article_bodies).
CREATE TABLE kb_articles (
  doc INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  category_id TEXT NOT NULL,
  title TEXT NOT NULL,
  tags TEXT NOT NULL,
  mandatory INTEGER NOT NULL,
  skill_group_id TEXT,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX kb_articles_updated ON kb_articles (updated_at DESC);
CREATE INDEX kb_articles_category ON kb_articles (category_id);
CREATE INDEX kb_articles_mandatory ON kb_articles (mandatory) WHERE mandatory = 1;
CREATE INDEX kb_articles_skill ON kb_articles (skill_group_id) WHERE skill_group_id IS NOT NULL;

CREATE TABLE kb_article_bodies (
  doc INTEGER PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE kb_article_tags (
  tag TEXT NOT NULL,
  doc INTEGER NOT NULL,
  PRIMARY KEY (tag, doc)
) WITHOUT ROWID;
CREATE INDEX kb_article_tags_doc ON kb_article_tags (doc);

-- rowid = kb_articles.doc; vis holds the skill-group token of a restricted article (kb-index-keys.ts).
CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, vis, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1);
-- rowid = titleKey(doc, title): the title tier's ranking (kb-index-keys.ts).
CREATE VIRTUAL TABLE kb_title_fts USING fts5(title, vis, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1);

-- Sign-offs as the server has them (one per article for this agent).
CREATE TABLE kb_signoffs (
  id TEXT PRIMARY KEY,
  article_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  signed_at INTEGER NOT NULL
);
CREATE INDEX kb_signoffs_article ON kb_signoffs (article_id);

-- Sign-offs made on this desktop, each with its operation. Kept after delivery until the synced
-- sign-off covers them, so a delivered sign-off never pops up again while sync catches up.
CREATE TABLE kb_local_signoffs (
  op_id TEXT PRIMARY KEY,
  article_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  signed_at INTEGER NOT NULL
);
CREATE INDEX kb_local_signoffs_article ON kb_local_signoffs (article_id);

-- The displayed customer: the server's record with this desktop's queued edits applied.
-- base_json is the server's record while local edits are outstanding (null when there are none),
-- so discarding an edit can restore what the server has.
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  tier TEXT NOT NULL,
  kind TEXT NOT NULL,
  company TEXT,
  city TEXT,
  notes TEXT NOT NULL,
  tags TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  search_text TEXT NOT NULL,
  base_json TEXT
);

-- The search box scans every name (instr, any substring, one Chinese character included): a
-- covering index makes that a scan of a few MB instead of the whole table with its notes.
CREATE INDEX customers_search ON customers (search_text, name, id);

CREATE TABLE customer_contacts (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  normalized TEXT NOT NULL,
  -- The normalised value reversed: "ends with these digits" becomes an indexed prefix search.
  reversed TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE INDEX customer_contacts_lookup ON customer_contacts (kind, normalized);
CREATE INDEX customer_contacts_reversed ON customer_contacts (kind, reversed);
CREATE INDEX customer_contacts_customer ON customer_contacts (customer_id);

-- Local edits of a customer, one per customer.update operation, applied in outbox order.
CREATE TABLE customer_local_updates (
  op_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  changes_json TEXT NOT NULL
);
CREATE INDEX customer_local_updates_customer ON customer_local_updates (customer_id);

-- Synced interactions (op_id null) and notes written here (op_id set; kept when the server's
-- copy arrives, so the note stays "pending" until its operation is answered).
CREATE TABLE interactions (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL,
  summary TEXT NOT NULL,
  agent_id TEXT,
  agent_name TEXT,
  at INTEGER NOT NULL,
  op_id TEXT
);
CREATE INDEX interactions_customer ON interactions (customer_id, at DESC);
CREATE INDEX interactions_op ON interactions (op_id) WHERE op_id IS NOT NULL;

CREATE TABLE reason_codes (
  id TEXT PRIMARY KEY,
  label_zh TEXT NOT NULL,
  label_en TEXT NOT NULL,
  sort INTEGER NOT NULL
);

CREATE TABLE outbox (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  op_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  op_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'conflict')),
  error_json TEXT
);
CREATE INDEX outbox_status ON outbox (status, position);

CREATE TABLE drafts (
  key TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
`

export const MIGRATIONS: readonly Migration[] = [
  { name: '001-initial', sql: INITIAL },
  { name: '002-inbox', sql: INBOX_MIGRATION_SQL },
  { name: '003-kb-settings', sql: KB_SETTINGS_MIGRATION_SQL },
  { name: '004-calls', sql: CALL_LOG_MIGRATION_SQL },
]

export class SchemaTooNewError extends Error {}

/** Applies the migrations this file has not seen; returns their names. */
export function migrate(db: Database.Database): string[] {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new SchemaTooNewError(`The cache file has schema version ${current}; this build knows ${MIGRATIONS.length}`)
  }
  const applied: string[] = []
  for (let index = current; index < MIGRATIONS.length; index++) {
    const migration = MIGRATIONS[index]!
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${index + 1}`)
    })()
    applied.push(migration.name)
  }
  return applied
}
