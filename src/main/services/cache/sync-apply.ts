/** Storing pages of server changes: each page and its cursor in one transaction. */
import type { z } from 'zod'
import {
  CallLogRecordSchema,
  CustomerRecordSchema,
  InteractionRecordSchema,
  KbArticleRecordSchema,
  KbCategoryRecordSchema,
  KbSignoffRecordSchema,
  ReasonCodeRecordSchema,
  SettingRecordSchema,
} from '../../../shared/domain/records'
import { clearKbExtras, forgetArticleExtras, storeArticleAttachments } from './kb-attachments'
import { clearSyncedSettings, deleteSyncedSetting, upsertSyncedSetting } from './settings-store'
import {
  CannedResponseRecordSchema,
  ConversationRecordSchema,
  DispositionCodeRecordSchema,
  MessageRecordSchema,
} from '../../../shared/domain/conversations'
import { AppError } from '../../../shared/errors'
import type { SyncChange, SyncEntity } from '../../../shared/protocol/sync'
import { clearCustomers, deleteCustomer, upsertSyncedCustomer } from './customer-store'
import { deleteSyncedInteraction, upsertSyncedInteraction } from './interactions'
import {
  clearInbox,
  deleteCannedResponse,
  deleteDispositionCode,
  deleteSyncedConversation,
  deleteSyncedMessage,
  upsertCannedResponse,
  upsertDispositionCode,
  upsertSyncedConversation,
  upsertSyncedMessage,
} from './inbox-store'
import { clearKb, deleteArticle, deleteCategory, deleteSyncedSignoff, upsertArticle, upsertCategory, upsertSyncedSignoff } from './kb-store'
import type { Sqlite } from './sqlite'
import { clearSyncedCalls, deleteSyncedCall, upsertSyncedCall } from './call-log-store'

const CURSOR_KEY = 'sync.cursor'

export function getCursor(sql: Sqlite): number {
  const row = sql.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', CURSOR_KEY)
  return row ? Number(row.value) : 0
}

function setCursor(sql: Sqlite, cursor: number): void {
  sql.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', CURSOR_KEY, String(cursor))
}

/**
 * The record schema of each entity. SyncChangeSchema is a union of twelve shapes, which zod tries
 * in turn: checking a page of 1,000 customers through it takes ~35 ms, through the entity's own
 * schema ~5 ms. The result has exactly SyncChangeSchema's shape (unknown keys dropped the same way).
 */
const RECORD_SCHEMAS = {
  kb_category: KbCategoryRecordSchema,
  kb_article: KbArticleRecordSchema,
  customer: CustomerRecordSchema,
  interaction: InteractionRecordSchema,
  kb_signoff: KbSignoffRecordSchema,
  reason_code: ReasonCodeRecordSchema,
  setting: SettingRecordSchema,
  conversation: ConversationRecordSchema,
  message: MessageRecordSchema,
  canned_response: CannedResponseRecordSchema,
  disposition_code: DispositionCodeRecordSchema,
  call: CallLogRecordSchema,
} satisfies Record<SyncEntity, z.ZodType>

const MAX_ID_LENGTH = 140

function isEntity(value: unknown): value is SyncEntity {
  return typeof value === 'string' && Object.hasOwn(RECORD_SCHEMAS, value)
}

export function validChange(raw: unknown): SyncChange | null {
  if (typeof raw !== 'object' || raw === null) return null
  const { seq, entity, id, deleted, data } = raw as Record<string, unknown>
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) return null
  if (!isEntity(entity) || typeof id !== 'string' || id.length > MAX_ID_LENGTH) return null
  if (deleted === true) return data === null ? ({ seq, entity, id, deleted: true, data: null } as SyncChange) : null
  if (deleted !== false) return null
  const parsed = RECORD_SCHEMAS[entity].safeParse(data)
  // The entity decides the schema, so the pairing of entity and data is the union's own.
  return parsed.success ? ({ seq, entity, id, deleted: false, data: parsed.data } as SyncChange) : null
}

/**
 * The worker is a boundary of its own (the caller may be any main-process code), and a bad
 * record written into the index is hard to find later; the check runs off the main thread.
 */
function validate(changes: readonly unknown[], cursor: unknown): SyncChange[] {
  if (typeof cursor !== 'number' || !Number.isSafeInteger(cursor) || cursor < 0) {
    throw new AppError('invalid_argument', 'The sync cursor must be a non-negative integer')
  }
  return changes.map((change, index) => {
    const valid = validChange(change)
    if (!valid) throw new AppError('invalid_argument', `Change ${index} of the page is not a valid record; nothing was stored`)
    return valid
  })
}

function applyOne(sql: Sqlite, change: SyncChange): void {
  switch (change.entity) {
    case 'kb_category':
      return change.deleted ? deleteCategory(sql, change.id) : upsertCategory(sql, change.data)
    case 'kb_article':
      if (change.deleted) {
        deleteArticle(sql, change.id)
        return forgetArticleExtras(sql, change.id)
      }
      upsertArticle(sql, change.data)
      return storeArticleAttachments(sql, change.data)
    case 'setting':
      return change.deleted ? deleteSyncedSetting(sql, change.id) : upsertSyncedSetting(sql, change.data)
    case 'customer':
      return change.deleted ? deleteCustomer(sql, change.id) : upsertSyncedCustomer(sql, change.data)
    case 'interaction':
      return change.deleted ? deleteSyncedInteraction(sql, change.id) : upsertSyncedInteraction(sql, change.data)
    case 'kb_signoff':
      return change.deleted ? deleteSyncedSignoff(sql, change.id) : upsertSyncedSignoff(sql, change.data)
    case 'reason_code':
      if (change.deleted) sql.run('DELETE FROM reason_codes WHERE id = ?', change.id)
      else
        sql.run(
          `INSERT INTO reason_codes (id, label_zh, label_en, sort) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET label_zh = excluded.label_zh, label_en = excluded.label_en, sort = excluded.sort`,
          change.data.id,
          change.data.labelZh,
          change.data.labelEn,
          change.data.sort,
        )
      return
    case 'conversation':
      return change.deleted ? deleteSyncedConversation(sql, change.id) : upsertSyncedConversation(sql, change.data)
    case 'message':
      return change.deleted ? deleteSyncedMessage(sql, change.id) : upsertSyncedMessage(sql, change.data)
    case 'canned_response':
      return change.deleted ? deleteCannedResponse(sql, change.id) : upsertCannedResponse(sql, change.data)
    case 'disposition_code':
      return change.deleted ? deleteDispositionCode(sql, change.id) : upsertDispositionCode(sql, change.data)
    case 'call':
      return change.deleted ? deleteSyncedCall(sql, change.id) : upsertSyncedCall(sql, change.data)
  }
}

export function applyChanges(sql: Sqlite, changes: readonly unknown[], cursor: unknown): void {
  const valid = validate(changes, cursor)
  sql.transaction(() => {
    for (const change of valid) applyOne(sql, change)
    setCursor(sql, cursor as number)
  })
}

/** Synced data goes; what the agent did here (outbox, local notes, sign-offs and edits) and drafts stay. */
export function resetSyncedData(sql: Sqlite): void {
  sql.transaction(() => {
    clearKb(sql)
    clearCustomers(sql)
    sql.run('DELETE FROM reason_codes')
    clearKbExtras(sql)
    clearSyncedSettings(sql)
    clearInbox(sql)
    clearSyncedCalls(sql)
    setCursor(sql, 0)
  })
}
