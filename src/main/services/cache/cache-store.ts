/**
 * The cache's operations, synchronous, over one better-sqlite3 connection. Runs inside the cache
 * worker (and directly in tests of single modules). Every local action writes its effect and its
 * outbox row in one durable transaction.
 */
import type { AgentStateName } from '../../../shared/domain/agent'
import type { ContactKind } from '../../../shared/domain/contact-normalize'
import type { AttachmentRef, CannedResponseRecord, DispositionCodeRecord } from '../../../shared/domain/conversations'
import { AppError } from '../../../shared/errors'
import type { ConversationView, InboxListResult, InboxQuery, MessagePage, MessagePageInput, MessageView } from '../../../shared/ipc/inbox-views'
import type { CustomerCard, CustomerSummary, Draft, InteractionView, KbArticleView, KbCategoryView, KbSearchInput, KbSearchResult, OutboxStatus, PendingSignoff } from '../../../shared/ipc/views'
import { KbSearchInputSchema } from '../../../shared/ipc/views'
import { OperationResultSchema, OperationSchema, type Operation, type OperationResult } from '../../../shared/protocol/sync'
import { parseOrThrow } from '../../../shared/validation'
import type { SyncCache } from './cache-protocol'
import { lookupCustomers, searchCustomers } from './customer-search'
import { customerName, discardLocalUpdate, localUpdateDelivered, recordLocalUpdate, refreshCustomer } from './customer-store'
import * as drafts from './drafts'
import * as kbExtras from './kb-attachments'
import * as settingsStore from './settings-store'
import type { SettingsView } from '../../../shared/domain/settings'
import type { KbArticleHistory } from '../../../shared/protocol/kb-api'
import * as inbox from './inbox-cache'
import { customerCard, discardLocalNote, interactionView, recordLocalNote } from './interactions'
import { articleTitle, discardLocalSignoff, getArticle, kbCategories, pendingSignoffs, recordLocalSignoff } from './kb-store'
import { searchKb } from './kb-search'
import type { QueuedOperation } from './local-cache'
import * as outbox from './outbox'
import type { Sqlite } from './sqlite'
import { applyChanges, getCursor, resetSyncedData } from './sync-apply'
import * as callLog from './call-log-store'
import type { CallRecord } from '../../../shared/domain/phone'
import { z } from 'zod'

const SUMMARY_TEXT = 40
const STATE_NAMES: Record<AgentStateName, string> = { ready: '示闲', not_ready: '示忙', on_call: '通话中', after_call_work: '话后处理', away: '离席', signed_out: '签出' }

function shorten(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim())
  return chars.length > SUMMARY_TEXT ? `${chars.slice(0, SUMMARY_TEXT).join('')}…` : chars.join('')
}

const CHANGE_LABELS: Record<string, string> = { name: '姓名', city: '城市', notes: '备注', tags: '标签' }

function operation<T extends Operation['type']>(input: unknown, type: T): Extract<Operation, { type: T }> {
  const op = parseOrThrow(OperationSchema, input, 'operation')
  if (op.type !== type) throw new AppError('invalid_argument', `Expected a ${type} operation, got ${op.type}`)
  return op as Extract<Operation, { type: T }>
}

const AgentSchema = z.object({ id: z.string().min(1).max(64), name: z.string().max(100) })
const ContactKindSchema = z.enum(['phone', 'email', 'qq'])
const LimitSchema = z.number().int().min(0).max(10_000)

export class CacheStore implements SyncCache {
  private readonly effects: outbox.LocalEffects

  constructor(
    private readonly sql: Sqlite,
    private readonly now: () => number = Date.now,
  ) {
    this.effects = {
      delivered: (op) => {
        if (op.type === 'customer.update') localUpdateDelivered(sql, op.id)
        else if (op.type === 'call.log') callLog.localCallDelivered(sql, op.id)
        else if (inbox.hasInboxEffect(op)) inbox.localActionDelivered(sql, op)
      },
      discarded: (op) => {
        if (op.type === 'customer.update') discardLocalUpdate(sql, op.id)
        else if (op.type === 'customer.note') discardLocalNote(sql, op.id)
        else if (op.type === 'kb.signoff') discardLocalSignoff(sql, op.id)
        else if (op.type === 'settings.set') settingsStore.discardLocalSetting(sql, op.id)
        else if (op.type === 'call.log') callLog.discardLocalCall(sql, op)
        else if (inbox.hasInboxEffect(op)) inbox.discardLocalAction(sql, op)
      },
      requeued: (op) => {
        // Edits apply in outbox order; show them in the new order.
        if (op.type === 'customer.update') refreshCustomer(sql, op.payload.customerId)
        else if (inbox.hasInboxEffect(op)) inbox.refreshConversationOf(sql, op.id)
      },
      describe: (op) => this.describe(op),
    }
  }

  private describe(op: Operation): string {
    switch (op.type) {
      case 'kb.signoff':
        return `签收《${articleTitle(this.sql, op.payload.articleId) ?? op.payload.articleId}》（第${op.payload.version}版）`
      case 'customer.note': {
        const name = customerName(this.sql, op.payload.customerId)
        return `${name ? `${name}的` : ''}备注：${shorten(op.payload.text)}`
      }
      case 'customer.update': {
        const name = customerName(this.sql, op.payload.customerId) ?? op.payload.customerId
        const fields = Object.keys(op.payload.changes).map((k) => CHANGE_LABELS[k] ?? k)
        return `修改客户资料：${name}（${fields.join('、') || '无改动'}）`
      }
      case 'settings.set':
        return settingsStore.describeSettingOp(op)
      case 'call.log':
        return callLog.describeCallOp(op)
      case 'agentState.set':
        return `切换状态：${STATE_NAMES[op.payload.state]}${op.payload.reasonCode ? `（${op.payload.reasonCode}）` : ''}`
      default:
        return inbox.describeConversationOp(this.sql, op)
    }
  }

  // --- sync down -----------------------------------------------------------------------------

  getCursor(): number {
    return getCursor(this.sql)
  }

  applyChanges(changes: readonly unknown[], cursor: number): void {
    if (!Array.isArray(changes)) throw new AppError('invalid_argument', 'changes must be an array')
    applyChanges(this.sql, changes, cursor)
  }

  resetSyncedData(): void {
    resetSyncedData(this.sql)
  }

  // --- knowledge base ------------------------------------------------------------------------

  searchKb(input: KbSearchInput, skillGroupIds: string[]): KbSearchResult {
    const valid = parseOrThrow(KbSearchInputSchema, input, 'search')
    const groups = parseOrThrow(z.array(z.string().max(64)).max(200), skillGroupIds, 'skill groups')
    return searchKb(this.sql, valid, groups)
  }

  getArticle(id: string): KbArticleView | null {
    return getArticle(this.sql, String(id))
  }

  kbCategories(): KbCategoryView[] {
    return kbCategories(this.sql)
  }

  pendingSignoffs(): PendingSignoff[] {
    return pendingSignoffs(this.sql)
  }

  signoff(input: Extract<Operation, { type: 'kb.signoff' }>): KbArticleView {
    const op = operation(input, 'kb.signoff')
    this.sql.durableTransaction(() => {
      outbox.insertOperation(this.sql, op)
      recordLocalSignoff(this.sql, op)
    })
    return getArticle(this.sql, op.payload.articleId)!
  }

  // --- customers -----------------------------------------------------------------------------

  searchCustomers(query: string, limit: number): CustomerSummary[] {
    const text = parseOrThrow(z.string().max(200), query, 'customer search')
    return searchCustomers(this.sql, text, parseOrThrow(z.number().int().min(1).max(100), limit, 'limit'))
  }

  lookupCustomers(kind: ContactKind, normalized: string): CustomerSummary[] {
    return lookupCustomers(this.sql, parseOrThrow(ContactKindSchema, kind, 'contact kind'), parseOrThrow(z.string().max(256), normalized, 'contact'))
  }

  getCustomer(id: string): CustomerCard | null {
    return customerCard(this.sql, String(id))
  }

  addNote(input: Extract<Operation, { type: 'customer.note' }>, agentInput: { id: string; name: string }): InteractionView {
    const op = operation(input, 'customer.note')
    const agent = parseOrThrow(AgentSchema, agentInput, 'agent')
    this.sql.durableTransaction(() => {
      if (!customerName(this.sql, op.payload.customerId)) throw new AppError('not_found', 'No such customer in the local cache')
      if (interactionView(this.sql, op.payload.noteId)) throw new AppError('conflict', 'A note with this id exists already')
      outbox.insertOperation(this.sql, op)
      recordLocalNote(this.sql, op, agent)
    })
    return interactionView(this.sql, op.payload.noteId)!
  }

  updateCustomer(input: Extract<Operation, { type: 'customer.update' }>): CustomerCard {
    const op = operation(input, 'customer.update')
    this.sql.durableTransaction(() => {
      // The outbox row first: the displayed customer is the base plus the queued edits in outbox order.
      outbox.insertOperation(this.sql, op)
      recordLocalUpdate(this.sql, op.id, op.payload.customerId, op.payload.changes)
    })
    return customerCard(this.sql, op.payload.customerId)!
  }

  // --- outbox --------------------------------------------------------------------------------

  enqueue(input: Operation): void {
    const op = parseOrThrow(OperationSchema, input, 'operation')
    this.sql.durableTransaction(() => outbox.insertOperation(this.sql, op))
  }

  nextOperations(limit: number): QueuedOperation[] {
    return outbox.nextOperations(this.sql, parseOrThrow(LimitSchema, limit, 'limit'))
  }

  recordResults(input: OperationResult[]): void {
    const results = parseOrThrow(z.array(OperationResultSchema), input, 'operation results')
    this.sql.durableTransaction(() => {
      outbox.recordResults(this.sql, results, this.effects, this.now())
      // A refused action no longer shows on its conversation; it waits in the conflict list.
      for (const result of results) if (result.status !== 'applied') inbox.localActionRejected(this.sql, result.id)
    })
  }

  outboxStatus(): OutboxStatus {
    return outbox.outboxStatus(this.sql, this.effects)
  }

  resolveConflict(opId: string, resolution: 'discard' | 'retry'): OutboxStatus {
    const valid = parseOrThrow(z.enum(['discard', 'retry']), resolution, 'resolution')
    this.sql.durableTransaction(() => outbox.resolveConflict(this.sql, String(opId), valid, this.effects))
    return this.outboxStatus()
  }

  // --- inbox ---------------------------------------------------------------------------------

  inboxList(query: InboxQuery, agentId: string, now: number): InboxListResult {
    return inbox.inboxList(this.sql, query, agentId, now)
  }

  inboxConversation(id: string, agentId: string): ConversationView | null {
    return inbox.conversationView(this.sql, id, agentId)
  }

  inboxMessages(input: MessagePageInput): MessagePage {
    return inbox.messagePage(this.sql, input)
  }

  inboxWrite(op: inbox.MessageOp, agent: { id: string; name: string }, attachments: AttachmentRef[]): MessageView {
    return inbox.writeMessage(this.sql, op, agent, attachments)
  }

  inboxAct(op: inbox.StateOp, agent: { id: string; name: string }): ConversationView {
    return inbox.act(this.sql, op, agent)
  }

  cannedResponses(): CannedResponseRecord[] {
    return inbox.cannedResponses(this.sql)
  }

  inboxCreateCustomer(op: Extract<Operation, { type: 'customer.create' }>, agent: { id: string; name: string }): CustomerCard {
    return inbox.createCustomer(this.sql, op, agent)
  }

  dispositionCodes(): DispositionCodeRecord[] {
    return inbox.dispositionCodes(this.sql)
  }

  // --- attachments, KB history, settings ------------------------------------------------------

  attachmentFile(id: string): kbExtras.AttachmentFile | null {
    return kbExtras.attachmentFile(this.sql, parseOrThrow(z.string().min(1).max(64), id, 'attachment id'))
  }

  storeAttachmentFile(ref: { id: string; name: string; mime: string; size: number }, data: Uint8Array): void {
    this.sql.transaction(() => kbExtras.storeAttachmentFile(this.sql, ref, data, this.now()))
  }

  missingKbAttachments(limit: number): { id: string; name: string; mime: string; size: number }[] {
    return kbExtras.missingKbAttachments(this.sql, parseOrThrow(LimitSchema, limit, 'limit'))
  }

  kbVersions(articleId: string): KbArticleHistory | null {
    return kbExtras.kbVersions(this.sql, parseOrThrow(z.string().min(1).max(64), articleId, 'article id'))
  }

  storeKbVersions(history: KbArticleHistory): void {
    this.sql.transaction(() => kbExtras.storeKbVersions(this.sql, history, this.now()))
  }

  settings(): SettingsView {
    return settingsStore.settingsView(this.sql)
  }

  setSetting(input: Extract<Operation, { type: 'settings.set' }>): SettingsView {
    const op = operation(input, 'settings.set')
    this.sql.durableTransaction(() => {
      outbox.insertOperation(this.sql, op)
      settingsStore.recordLocalSetting(this.sql, op)
    })
    return settingsStore.settingsView(this.sql)
  }

  // --- call log ------------------------------------------------------------------------------

  recordCall(input: Extract<Operation, { type: 'call.log' }>, agentId: string): boolean {
    const op = operation(input, 'call.log')
    const agent = parseOrThrow(z.string().min(1).max(64), agentId, 'agent id')
    return this.sql.durableTransaction(() => callLog.recordLocalCall(this.sql, op, agent, () => outbox.insertOperation(this.sql, op)))
  }

  callLog(agentId: string, limit: number): CallRecord[] {
    return callLog.callLog(this.sql, parseOrThrow(z.string().min(1).max(64), agentId, 'agent id'), parseOrThrow(z.number().int().min(1).max(500), limit, 'limit'))
  }

  // --- drafts --------------------------------------------------------------------------------

  getDraft(key: string): Draft | null {
    return drafts.getDraft(this.sql, String(key))
  }

  setDraft(key: string, text: string): Draft {
    const validKey = parseOrThrow(z.string().min(1).max(200), key, 'draft key')
    const validText = parseOrThrow(z.string().max(100_000), text, 'draft text')
    return this.sql.durableTransaction(() => drafts.setDraft(this.sql, validKey, validText, this.now()))
  }
}
