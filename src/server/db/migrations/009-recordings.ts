import type { Kysely } from 'kysely'
import { isPostgres } from '../dialect'

/**
 * Call recordings uploaded by the desktops (both directions mixed, as the agent heard the call),
 * kept with who made it and a digest so a repeated upload is recognised. A call has one segment,
 * or more when the desktop's media engine was replaced mid-call (a crashed or reloaded page
 * hands over what it had recorded; the new one records the rest).
 *
 * Self-contained on purpose (no imports from the running code), like every migration.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db)
  await db.schema
    .createTable('call_recordings')
    // The call log record's id (calls.id); the recording may arrive before the record does.
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('segment', 'integer', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('duration_sec', 'integer', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_recordings_pk', ['call_id', 'segment'])
    .execute()
  await db.schema.createIndex('call_recordings_agent').on('call_recordings').column('agent_id').execute()
}
