import type { Kysely } from 'kysely'
import { z } from 'zod'
import { SyncChangeSchema, type SyncChange, type SyncEntity, type SyncPage, type SyncPull } from '../../shared/protocol/sync'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import { latestSeq } from './change-log'
import { readCustomers, readInteractions, readKbArticles, readKbCategories, readKbSignoffs, readReasonCodes } from './record-readers'
import { readCannedResponses, readConversations, readDispositionCodes, readMessages } from './inbox-readers'
import { canSeeArticle, viewerScopes, type SyncViewer } from './sync-viewer'
import { concernsSettingViewer, readSettings } from '../settings/setting-records'
import { readCalls } from './call-readers'

interface ChangeRow {
  seq: number
  entity: string
  entity_id: string
  deleted: number
}

type Records = { [E in SyncEntity]: Map<string, unknown> }

/** The wire schema of one entity's changes, picked once so a change is checked against one shape, not all six. */
const changeSchemaOf = new Map<string, z.ZodType<SyncChange>>(
  SyncChangeSchema.options.map((union) => [union.options[0].shape.entity.value, union]),
)

/**
 * One page of the change log after `cursor`, as the requesting agent may see it: one query for
 * the page, one per entity type for the current records.
 */
export async function pullChanges(db: Kysely<Database>, viewer: SyncViewer, request: SyncPull, log: Logger): Promise<SyncPage> {
  const newest = await latestSeq(db)
  if (request.cursor > newest) {
    // Never issued here (the database was restored or replaced): the desktop starts over.
    return { changes: [], cursor: 0, latest: newest, hasMore: true, reset: true }
  }
  // Only the scopes this viewer belongs to: another agent's chat traffic is not even read.
  const rows = (await db
    .selectFrom('changes')
    .select(['seq', 'entity', 'entity_id', 'deleted'])
    .where('scope', 'in', viewerScopes(viewer))
    .where('seq', '>', request.cursor)
    .orderBy('seq')
    .limit(request.limit)
    .execute()) as ChangeRow[]
  const lastRead = rows.length > 0 ? Number((rows[rows.length - 1] as ChangeRow).seq) : request.cursor
  // A short page saw everything of the viewer's up to the newest seq (seqs become visible in order,
  // see recordChange), so the cursor moves past other people's changes too; a full page stops at
  // its last row.
  const full = rows.length === request.limit
  const cursor = full ? lastRead : Math.max(lastRead, newest)
  const latest = Math.max(newest, cursor)

  const page = latestPerRecord(rows.filter((row) => concernsViewer(row, viewer)))
  const records = await readRecords(db, viewer, page)
  const changes = page.flatMap((row) => toWire(row, records, log) ?? [])
  return { changes, cursor, latest, hasMore: cursor < latest, reset: false }
}

/** Other agents' sign-offs are theirs alone; they are left out (the cursor still passes them). */
function concernsViewer(row: ChangeRow, viewer: SyncViewer): boolean {
  if (row.entity === 'setting') return concernsSettingViewer(row.entity_id, viewer.agentId)
  return row.entity !== 'kb_signoff' || row.entity_id.startsWith(`${viewer.agentId}:`)
}

/**
 * Several changes of one record inside a page are sent once, at the last of their seqs: every
 * change carries the record's current state, so the earlier ones add nothing. Changes beyond the
 * page are never folded in. Because a record can move behind one of its children this way, a
 * desktop stores a page as a whole (one transaction), not change by change against foreign keys.
 */
function latestPerRecord(rows: readonly ChangeRow[]): ChangeRow[] {
  const last = new Map<string, number>()
  for (const row of rows) last.set(`${row.entity}\u0000${row.entity_id}`, Number(row.seq))
  return rows.filter((row) => last.get(`${row.entity}\u0000${row.entity_id}`) === Number(row.seq))
}

async function readRecords(db: Kysely<Database>, viewer: SyncViewer, rows: readonly ChangeRow[]): Promise<Records> {
  const ids: { [E in SyncEntity]: string[] } = {
    kb_category: [],
    kb_article: [],
    customer: [],
    interaction: [],
    kb_signoff: [],
    reason_code: [],
    conversation: [],
    message: [],
    canned_response: [],
    disposition_code: [],
    setting: [],
    call: [],
  }
  for (const row of rows) if (row.deleted === 0 && isSyncEntity(row.entity)) ids[row.entity].push(row.entity_id)
  const read = <T>(list: string[], reader: (ids: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> =>
    list.length === 0 ? Promise.resolve(new Map()) : reader(list)
  const [kbCategory, allArticles, customer, interaction, kbSignoff, reasonCode, conversation, message, cannedResponse, dispositionCode, setting, call] = await Promise.all([
    read(ids.kb_category, (list) => readKbCategories(db, list)),
    read(ids.kb_article, (list) => readKbArticles(db, list)),
    read(ids.customer, (list) => readCustomers(db, list)),
    read(ids.interaction, (list) => readInteractions(db, list)),
    read(ids.kb_signoff, (list) => readKbSignoffs(db, viewer.agentId, list)),
    read(ids.reason_code, (list) => readReasonCodes(db, list)),
    read(ids.conversation, (list) => readConversations(db, viewer, list)),
    read(ids.message, (list) => readMessages(db, viewer, list)),
    read(ids.canned_response, (list) => readCannedResponses(db, viewer, list)),
    read(ids.disposition_code, (list) => readDispositionCodes(db, list)),
    read(ids.setting, (list) => readSettings(db, viewer.agentId, list)),
    read(ids.call, (list) => readCalls(db, viewer, list)),
  ])
  // An article outside the agent's skill groups is left out, so it goes down as a tombstone.
  const kbArticle = new Map([...allArticles].filter(([, a]) => canSeeArticle(viewer, a.skillGroupId)))
  return {
    kb_category: kbCategory,
    kb_article: kbArticle,
    customer,
    interaction,
    kb_signoff: kbSignoff,
    reason_code: reasonCode,
    conversation,
    message,
    canned_response: cannedResponse,
    disposition_code: dispositionCode,
    setting,
    call,
  }
}

function isSyncEntity(entity: string): entity is SyncEntity {
  return changeSchemaOf.has(entity)
}

function toWire(row: ChangeRow, records: Records, log: Logger): SyncChange | null {
  const seq = Number(row.seq)
  const schema = changeSchemaOf.get(row.entity)
  if (!schema || !isSyncEntity(row.entity)) {
    log.error({ seq, entity: row.entity }, 'change of an entity desktops do not know; skipped')
    return null
  }
  const tombstone = { seq, entity: row.entity, id: row.entity_id, deleted: true, data: null }
  // Absent: deleted since the change was logged, or not for this agent. Either way the desktop drops its copy.
  const data = row.deleted === 0 ? records[row.entity].get(row.entity_id) : undefined
  const parsed = schema.safeParse(data === undefined ? tombstone : { seq, entity: row.entity, id: row.entity_id, deleted: false, data })
  if (parsed.success) return parsed.data
  // The desktop rejects a record that breaks the contract. Sending a tombstone instead keeps its
  // sync moving and its cache free of the record; the next write of the record logs a new change
  // that brings it back once it is valid.
  log.error({ seq, entity: row.entity, id: row.entity_id, issues: parsed.error.issues.slice(0, 5) }, 'record breaks the sync contract; sent as a tombstone')
  const fallback = schema.safeParse(tombstone)
  return fallback.success ? fallback.data : null
}
