/**
 * The inbox's tables in the cache (migration 002-inbox).
 *
 * A conversation row is what the agent sees: the server's record with this desktop's queued
 * actions on top (accept, resolve, a reply moving "last message"...), in outbox order. While
 * actions are outstanding the server's own record is kept beside it (base_json), so a sync never
 * hides an action the server has not taken yet, and a refused action can be taken back. The
 * columns beside record_json are the ones the list filters and sorts on.
 *
 * last_in_at / last_out_at (newest customer / agent message) say whether the customer wrote last
 * ("waiting for me"); they follow the messages table.
 */
export const INBOX_MIGRATION_SQL = `
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  priority INTEGER NOT NULL,
  assigned_agent_id TEXT,
  customer_id TEXT,
  sla_due_at INTEGER,
  snoozed_until INTEGER,
  unread INTEGER NOT NULL,
  last_message_at INTEGER NOT NULL,
  first_responded_at INTEGER,
  last_in_at INTEGER,
  last_out_at INTEGER,
  record_json TEXT NOT NULL,
  base_json TEXT
);
CREATE INDEX conversations_status ON conversations (status, assigned_agent_id);
CREATE INDEX conversations_recent ON conversations (last_message_at DESC);
CREATE INDEX conversations_customer ON conversations (customer_id) WHERE customer_id IS NOT NULL;

-- Actions on a conversation taken here (one per operation), applied in outbox order while queued.
CREATE TABLE conversation_local_ops (
  op_id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL
);
CREATE INDEX conversation_local_ops_conversation ON conversation_local_ops (conversation_id);

-- Synced messages (synced = 1) and replies/notes written here (op_id set; replaced by the
-- server's copy of the same id when it arrives, keeping op_id for the outbox state).
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  direction TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  record_json TEXT NOT NULL,
  synced INTEGER NOT NULL,
  op_id TEXT
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at, id);
CREATE INDEX messages_op ON messages (op_id) WHERE op_id IS NOT NULL;

CREATE TABLE canned_responses (
  id TEXT PRIMARY KEY,
  shortcut TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  skill_group_id TEXT
);

CREATE TABLE disposition_codes (
  id TEXT PRIMARY KEY,
  label_zh TEXT NOT NULL,
  label_en TEXT NOT NULL,
  sort INTEGER NOT NULL
);
`
