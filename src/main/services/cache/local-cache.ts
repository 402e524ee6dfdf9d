/**
 * The desktop's local cache, as the rest of the main process sees it. One SQLite file per
 * signed-in agent, run in a worker thread so heavy queries never stall the main event loop.
 * Every method is async (a message to the worker). A local action and its outbox operation are
 * written in ONE transaction by the same method, so neither exists without the other.
 */
import type { ContactKind } from '../../../shared/domain/contact-normalize'
import type { SettingsView } from '../../../shared/domain/settings'
import type { KbArticleHistory } from '../../../shared/protocol/kb-api'
import type { AttachmentFile } from './kb-attachments'
import type { AttachmentRef, CannedResponseRecord, DispositionCodeRecord } from '../../../shared/domain/conversations'
import type { ConversationView, InboxListResult, InboxQuery, MessagePage, MessagePageInput, MessageView } from '../../../shared/ipc/inbox-views'
import type { InteractionRecord } from '../../../shared/domain/records'
import type { CallRecord } from '../../../shared/domain/phone'
import type { Operation, OperationResult } from '../../../shared/protocol/sync'
import type {
  CustomerCard,
  CustomerSummary,
  Draft,
  InteractionView,
  KbArticleView,
  KbCategoryView,
  KbSearchInput,
  KbSearchResult,
  OutboxStatus,
  PendingSignoff,
} from '../../../shared/ipc/views'

export interface OpenCacheOptions {
  /** Folder for cache files: `<dir>/<agentId>.sqlite`. */
  dir: string
  agentId: string
}

export interface CacheOpenReport {
  /** The file failed its integrity check (or could not be opened) and was moved aside to this path; a fresh one was made. */
  movedAsideTo: string | null
  /** Applied migration names. */
  migrated: string[]
}

export interface QueuedOperation {
  op: Operation
  /** Order of enqueueing, strictly increasing. */
  position: number
}

export interface LocalCache {
  readonly report: CacheOpenReport

  // --- sync down -----------------------------------------------------------------------------
  getCursor(): Promise<number>
  /**
   * Applies one page of changes (upserts and tombstones) and stores `cursor`, in one
   * transaction. The page comes as received: the worker checks every change against the
   * contract (off the main thread) and refuses the whole page, storing nothing, if one fails.
   */
  applyChanges(changes: readonly unknown[], cursor: number): Promise<void>
  /** Drops all synced data and sets the cursor to 0; the outbox, conflicts and drafts are kept. */
  resetSyncedData(): Promise<void>

  // --- knowledge base ------------------------------------------------------------------------
  searchKb(input: KbSearchInput, skillGroupIds: string[]): Promise<KbSearchResult>
  getArticle(id: string): Promise<KbArticleView | null>
  kbCategories(): Promise<KbCategoryView[]>
  /** Mandatory articles with no sign-off for their current version (neither synced nor pending). */
  pendingSignoffs(): Promise<PendingSignoff[]>
  /** Records the local sign-off and enqueues `op` (type kb.signoff). */
  signoff(op: Extract<Operation, { type: 'kb.signoff' }>): Promise<KbArticleView>

  // --- customers -----------------------------------------------------------------------------
  /** Name, company, phone in any format, email, QQ number; best matches first. */
  searchCustomers(query: string, limit: number): Promise<CustomerSummary[]>
  /** Screen pop: exact match on the normalised contact. */
  lookupCustomers(kind: ContactKind, normalized: string): Promise<CustomerSummary[]>
  getCustomer(id: string): Promise<CustomerCard | null>
  /** Adds the note as a local interaction (id = op.payload.noteId) and enqueues `op`. */
  addNote(op: Extract<Operation, { type: 'customer.note' }>, agent: { id: string; name: string }): Promise<InteractionView>
  /** Applies the changes locally (optimistically) and enqueues `op`. */
  updateCustomer(op: Extract<Operation, { type: 'customer.update' }>): Promise<CustomerCard>

  // --- outbox --------------------------------------------------------------------------------
  /** Enqueues an operation that has no local record of its own (e.g. agentState.set). */
  enqueue(op: Operation): Promise<void>
  /** The oldest queued operations that are not conflicts, in order. */
  nextOperations(limit: number): Promise<QueuedOperation[]>
  /**
   * Records the server's answers: applied/duplicate leave the queue (their local records become
   * "sent"); rejected become conflicts (kept, shown, never dropped silently).
   */
  recordResults(results: OperationResult[]): Promise<void>
  outboxStatus(): Promise<OutboxStatus>
  /** discard: drop the op and undo its local effect where it has one; retry: queue it again at the end. */
  resolveConflict(opId: string, resolution: 'discard' | 'retry'): Promise<OutboxStatus>

  // --- inbox ---------------------------------------------------------------------------------
  /** The list for one filter (and channel), sorted and paged, with the counts of every filter. */
  inboxList(query: InboxQuery, agentId: string, now: number): Promise<InboxListResult>
  inboxConversation(id: string, agentId: string): Promise<ConversationView | null>
  /** Newest last; `before` pages back. */
  inboxMessages(input: MessagePageInput): Promise<MessagePage>
  /** Shows the reply or note at once (delivery "queued") and enqueues `op`, in one transaction. */
  inboxWrite(
    op: Extract<Operation, { type: 'conversation.reply' | 'conversation.note' }>,
    agent: { id: string; name: string },
    attachments: AttachmentRef[],
  ): Promise<MessageView>
  /** Applies accept, resolve, transfer... to the displayed conversation and enqueues `op`. */
  inboxAct(
    op: Exclude<Extract<Operation, { type: `conversation.${string}` }>, { type: 'conversation.reply' | 'conversation.note' }>,
    agent: { id: string; name: string },
  ): Promise<ConversationView>
  /** Shows the new customer at once, links the conversation it names, and enqueues `op` (customer.create). */
  inboxCreateCustomer(op: Extract<Operation, { type: 'customer.create' }>, agent: { id: string; name: string }): Promise<CustomerCard>
  cannedResponses(): Promise<CannedResponseRecord[]>
  dispositionCodes(): Promise<DispositionCodeRecord[]>

  // --- attachments, KB history, settings ------------------------------------------------------
  /** A file's bytes if this desktop has them. */
  attachmentFile(id: string): Promise<AttachmentFile | null>
  /** Stores downloaded bytes (checked against the ref's size). */
  storeAttachmentFile(ref: { id: string; name: string; mime: string; size: number }, data: Uint8Array): Promise<void>
  /** KB files some article lists whose bytes are not here yet. */
  missingKbAttachments(limit: number): Promise<{ id: string; name: string; mime: string; size: number }[]>
  /** An article's history as last fetched, or null if never fetched here. */
  kbVersions(articleId: string): Promise<KbArticleHistory | null>
  storeKbVersions(history: KbArticleHistory): Promise<void>
  /** The centre's settings and this agent's preferences, local changes included. */
  settings(): Promise<SettingsView>
  /** Applies the preference locally and enqueues `op` (type settings.set), in one transaction. */
  setSetting(op: Extract<Operation, { type: 'settings.set' }>): Promise<SettingsView>

  // --- call log ------------------------------------------------------------------------------
  /**
   * Records the call (op.payload) and enqueues `op` (type call.log), in one transaction. Returns
   * false and queues nothing when the log holds exactly this record already; refuses a record that
   * changes what identifies the call (direction, number, offer/answer time, missed).
   */
  recordCall(op: Extract<Operation, { type: 'call.log' }>, agentId: string): Promise<boolean>
  /** The agent's calls, newest first. */
  callLog(agentId: string, limit: number): Promise<CallRecord[]>

  // --- drafts --------------------------------------------------------------------------------
  getDraft(key: string): Promise<Draft | null>
  /** Empty text deletes the draft. */
  setDraft(key: string, text: string): Promise<Draft>

  close(): Promise<void>
}

export type { InteractionRecord }
