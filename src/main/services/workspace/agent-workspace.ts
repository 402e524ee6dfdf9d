import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { AppError } from '../../../shared/errors'
import type { AgentProfile, StateChange } from '../../../shared/domain/agent'
import { normalizeContact, type ContactKind } from '../../../shared/domain/contact-normalize'
import type { CustomerChanges, Operation } from '../../../shared/protocol/sync'
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
  SyncStatus,
} from '../../../shared/ipc/views'
import type { LocalCache } from '../cache/local-cache'
import type { ServerConnection } from '../connection/server-connection'
import { OutboxSender } from '../sync/outbox-sender'
import { SyncDown } from '../sync/sync-down'
import { INBOX_ENTITIES, InboxWorkspace } from './inbox-workspace'
import { ServerFiles } from '../connection/server-files'
import { KbFiles } from './kb-files'
import { SETTINGS_ENTITIES, SettingsWorkspace } from './settings-workspace'
import { CALL_ENTITIES, CallLogWorkspace } from './call-log-workspace'

interface WorkspaceEvents {
  sync: [SyncStatus]
  outbox: [OutboxStatus]
  dataChanged: [entities: string[]]
  signoffsPending: [PendingSignoff[]]
}

/** Entities a delivered operation may have changed locally (its record turns from pending to sent). */
const entitiesOf: Record<Operation['type'], string[]> = {
  'kb.signoff': ['kb_signoff'],
  'customer.note': ['interaction'],
  'customer.update': ['customer'],
  'agentState.set': [],
  'conversation.reply': INBOX_ENTITIES,
  'conversation.note': INBOX_ENTITIES,
  'conversation.accept': INBOX_ENTITIES,
  'conversation.decline': INBOX_ENTITIES,
  'conversation.resolve': INBOX_ENTITIES,
  'conversation.reopen': INBOX_ENTITIES,
  'conversation.transfer': INBOX_ENTITIES,
  'conversation.read': INBOX_ENTITIES,
  'conversation.snooze': INBOX_ENTITIES,
  'conversation.linkCustomer': INBOX_ENTITIES,
  'customer.create': ['customer', ...INBOX_ENTITIES],
  'settings.set': SETTINGS_ENTITIES,
  'call.log': CALL_ENTITIES,
}

/**
 * Everything the signed-in agent works on from the local cache: KB, customers, drafts, and the
 * outbox of actions, kept in step with the server by SyncDown and OutboxSender.
 */
export class AgentWorkspace extends EventEmitter<WorkspaceEvents> {
  readonly syncDown: SyncDown
  /** Conversations, messages and the composer's lists, from the cache; actions queued like the rest. */
  readonly inbox: InboxWorkspace
  /** Attachment bytes (KB files kept for offline use, uploads) and KB history. */
  readonly files: KbFiles
  /** The centre's settings and the agent's own preferences. */
  readonly settings: SettingsWorkspace
  /** The call log: what the phone records when a call ends and after wrap-up, queued like the rest. */
  readonly calls: CallLogWorkspace
  private readonly outbox: OutboxSender
  private readonly detach: Array<() => void> = []

  constructor(
    readonly cache: LocalCache,
    private readonly connection: ServerConnection,
    private readonly agent: () => AgentProfile,
    syncPageSize?: number,
  ) {
    super()
    this.syncDown = new SyncDown(cache, (cursor, limit) => connection.request('sync:pull', { cursor, limit }), syncPageSize)
    this.outbox = new OutboxSender(cache, (ops) => connection.request('sync:push', { ops }), () => connection.isOnline)
    this.syncDown.on('status', (status) => this.emit('sync', status))
    this.inbox = new InboxWorkspace(cache, agent, (entities) => this.afterLocalAction(entities))
    const serverFiles = new ServerFiles({
      current: () => {
        const baseUrl = connection.status.serverUrl
        const accessToken = connection.accessToken
        return connection.isOnline && baseUrl && accessToken ? { baseUrl, accessToken } : null
      },
    })
    this.files = new KbFiles(cache, serverFiles, () => connection.isOnline, () => this.emit('dataChanged', ['kb_attachment']))
    this.settings = new SettingsWorkspace(cache, (entities) => this.afterLocalAction(entities))
    this.calls = new CallLogWorkspace(cache, agent, (entities) => this.afterLocalAction(entities))
    this.syncDown.on('applied', (entities) => {
      this.emit('dataChanged', entities)
      if (entities.includes('kb_article') || entities.includes('kb_signoff')) void this.announceSignoffs()
      if (entities.includes('kb_article')) void this.files.prefetch()
    })
    this.outbox.on('delivered', (types) => {
      void this.announceOutbox()
      this.emit('dataChanged', [...new Set(types.flatMap((t) => entitiesOf[t]))])
    })

    const onWelcome = () => void this.catchUp()
    const onSyncChanged = () => void this.syncDown.request()
    const onStatus = () => {
      if (!connection.isOnline) this.syncDown.markOffline()
    }
    connection.on('welcome', onWelcome)
    connection.on('syncChanged', onSyncChanged)
    connection.on('status', onStatus)
    this.detach.push(
      () => connection.off('welcome', onWelcome),
      () => connection.off('syncChanged', onSyncChanged),
      () => connection.off('status', onStatus),
    )
    if (connection.isOnline) void this.catchUp()
    void this.announceSignoffs()
  }

  /** Back online: first send what the agent did offline, then take the server's news. */
  async catchUp(): Promise<void> {
    await this.outbox.flush().catch(() => undefined)
    await this.syncDown.request()
    void this.files.prefetch()
  }

  // --- knowledge base ------------------------------------------------------------------------

  searchKb(input: KbSearchInput): Promise<KbSearchResult> {
    return this.cache.searchKb(input, this.agent().skillGroupIds)
  }

  getArticle(id: string): Promise<KbArticleView | null> {
    return this.cache.getArticle(id)
  }

  kbCategories(): Promise<KbCategoryView[]> {
    return this.cache.kbCategories()
  }

  pendingSignoffs(): Promise<PendingSignoff[]> {
    return this.cache.pendingSignoffs()
  }

  async signoff(articleId: string): Promise<KbArticleView> {
    const article = await this.cache.getArticle(articleId)
    if (!article) throw new AppError('not_found', 'No such article in the knowledge base')
    if (!article.mandatory) throw new AppError('invalid_argument', 'Only mandatory articles are signed for')
    if (article.signedVersion === article.version) return article
    const view = await this.cache.signoff(this.operation('kb.signoff', { articleId, version: article.version }))
    this.afterLocalAction(['kb_signoff'])
    void this.announceSignoffs()
    return view
  }

  // --- customers -----------------------------------------------------------------------------

  searchCustomers(query: string, limit = 20): Promise<CustomerSummary[]> {
    return this.cache.searchCustomers(query, limit)
  }

  lookupCustomers(kind: ContactKind, value: string): Promise<CustomerSummary[]> {
    const normalized = normalizeContact(kind, value)
    if (!normalized) throw new AppError('invalid_argument', `Not a valid ${kind}: ${value.slice(0, 50)}`)
    return this.cache.lookupCustomers(kind, normalized)
  }

  getCustomer(id: string): Promise<CustomerCard | null> {
    return this.cache.getCustomer(id)
  }

  /** The cache refuses a note for a customer it does not have, inside the same transaction. */
  async addNote(customerId: string, text: string): Promise<InteractionView> {
    const agent = this.agent()
    const view = await this.cache.addNote(this.operation('customer.note', { customerId, noteId: randomUUID(), text }), {
      id: agent.id,
      name: agent.displayName,
    })
    this.afterLocalAction(['interaction'])
    return view
  }

  async updateCustomer(customerId: string, changes: CustomerChanges): Promise<CustomerCard> {
    const card = await this.requireCustomer(customerId)
    const updated = await this.cache.updateCustomer(
      this.operation('customer.update', { customerId, baseVersion: card.customer.version, changes }),
    )
    this.afterLocalAction(['customer'])
    return updated
  }

  // --- state, outbox, sync, drafts -----------------------------------------------------------

  async queueStateChange(change: StateChange): Promise<void> {
    await this.cache.enqueue(this.operation('agentState.set', { state: change.state, reasonCode: change.reasonCode ?? null }))
    this.afterLocalAction([])
  }

  outboxStatus(): Promise<OutboxStatus> {
    return this.cache.outboxStatus()
  }

  async resolveConflict(opId: string, resolution: 'discard' | 'retry'): Promise<OutboxStatus> {
    const status = await this.cache.resolveConflict(opId, resolution)
    this.emit('outbox', status)
    this.emit('dataChanged', ['kb_signoff', 'interaction', 'customer', ...INBOX_ENTITIES, ...CALL_ENTITIES])
    if (resolution === 'retry') void this.outbox.flush().catch(() => undefined)
    return status
  }

  syncStatus(): SyncStatus {
    return this.syncDown.status
  }

  getDraft(key: string): Promise<Draft | null> {
    return this.cache.getDraft(key)
  }

  setDraft(key: string, text: string): Promise<Draft> {
    return this.cache.setDraft(key, text)
  }

  async close(): Promise<void> {
    this.detach.forEach((off) => off())
    this.outbox.stop()
    this.removeAllListeners()
    this.syncDown.removeAllListeners()
    this.outbox.removeAllListeners()
    await this.cache.close()
  }

  private operation<T extends Operation['type']>(type: T, payload: Extract<Operation, { type: T }>['payload']): Extract<Operation, { type: T }> {
    return { id: randomUUID(), type, payload, createdAt: Date.now() } as Extract<Operation, { type: T }>
  }

  private afterLocalAction(entities: string[]): void {
    void this.announceOutbox()
    if (entities.length) this.emit('dataChanged', entities)
    void this.outbox.flush().catch(() => undefined)
  }

  private async requireCustomer(id: string): Promise<CustomerCard> {
    const card = await this.cache.getCustomer(id)
    if (!card) throw new AppError('not_found', 'No such customer')
    return card
  }

  // Announcements race with close(); a closed cache just means nobody is listening any more.
  private async announceOutbox(): Promise<void> {
    const status = await this.cache.outboxStatus().catch(() => undefined)
    if (status) this.emit('outbox', status)
  }

  private async announceSignoffs(): Promise<void> {
    const pending = await this.cache.pendingSignoffs().catch(() => undefined)
    if (pending) this.emit('signoffsPending', pending)
  }
}
