import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { ConversationRecord, MessageRecord } from '../../src/shared/domain/conversations'
import type { Result } from '../../src/shared/errors'
import type { OperationResult, SyncChange, SyncPage } from '../../src/shared/protocol/sync'
import type { AgentClient } from './sockets'

/** The desktop's own page size (SyncDown's DEFAULT_PAGE_SIZE). */
const PAGE_SIZE = 250
const ACK_TIMEOUT_MS = 30_000

/** Where the bench hears what desktops saw. */
export interface DesktopObserver {
  /** A customer message reached the desktop of the agent who has its conversation (first time only counts). */
  messageReached(text: string, conversationId: string, at: number, agentIndex: number): void
  /** The agent accepted an offered conversation (or was refused). */
  accepted(conversationId: string, agentIndex: number, applied: boolean, at: number): void
}

export interface DesktopCounters {
  notices: number
  pulls: number
  pages: number
  changes: number
  errors: number
}

/**
 * What an agent's desktop does with the inbox, without its UI and cache: on `sync:changed` it
 * pulls pages from its cursor (one pull at a time, a notice during a pull makes it go round once
 * more, like SyncDown's CoalescedRunner), keeps the conversations it can see, accepts at once
 * every conversation offered to it (a `conversation.accept` operation pushed over `sync:push`)
 * and tells the observer when a customer message of one of its own conversations arrives.
 */
export class SimDesktop {
  readonly counters: DesktopCounters = { notices: 0, pulls: 0, pages: 0, changes: 0, errors: 0 }
  readonly firstErrors: string[] = []
  /** performance.now() of the last page received: the bench waits for the desktops to go quiet between phases. */
  lastPageAt = 0
  private cursor = 0
  private running: Promise<void> | null = null
  private again = false
  private readonly conversations = new Map<string, ConversationRecord>()
  private readonly acceptSent = new Set<string>()
  private accepting = 0

  constructor(
    readonly index: number,
    readonly agentId: string,
    readonly socket: AgentClient,
    private readonly observer: DesktopObserver,
  ) {
    socket.on('sync:changed', () => {
      this.counters.notices++
      void this.sync()
    })
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.fail(`disconnected: ${reason}`)
    })
  }

  /** Pulls until the server has nothing more; resolves when this round (and any it triggered) is done. */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        try {
          await this.pullAll()
        } catch (err) {
          this.fail(`pull: ${err instanceof Error ? err.message : String(err)}`)
        }
      } while (this.again)
    })().finally(() => {
      this.running = null
    })
    return this.running
  }

  async setReady(): Promise<void> {
    const result = (await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('agentState:set', { state: 'ready' })) as Result<unknown>
    if (!result.ok) throw new Error(`agentState:set ready refused for ${this.agentId}: ${result.error.code}`)
  }

  /** A pull or an accept is waiting for the server. */
  get busy(): boolean {
    return this.running !== null || this.accepting > 0
  }

  get ownedConversations(): number {
    let n = 0
    for (const c of this.conversations.values()) if (c.assignedAgentId === this.agentId) n++
    return n
  }

  private async pullAll(): Promise<void> {
    for (;;) {
      this.counters.pulls++
      const result = (await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('sync:pull', { cursor: this.cursor, limit: PAGE_SIZE })) as Result<SyncPage>
      if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
      const page = result.value
      if (page.reset) {
        this.cursor = 0
        this.conversations.clear()
        continue
      }
      this.counters.pages++
      this.lastPageAt = performance.now()
      this.apply(page.changes as SyncChange[], performance.now())
      this.cursor = page.cursor
      if (!page.hasMore) return
    }
  }

  /** Conversations first, so a page that offers a conversation and carries its messages counts them as ours. */
  private apply(changes: readonly SyncChange[], at: number): void {
    this.counters.changes += changes.length
    const offers: string[] = []
    for (const change of changes) {
      if (change.entity !== 'conversation') continue
      if (change.deleted) {
        this.conversations.delete(change.id)
        continue
      }
      this.conversations.set(change.id, change.data)
      if (change.data.status === 'offered' && change.data.assignedAgentId === this.agentId && !this.acceptSent.has(change.id)) offers.push(change.id)
    }
    for (const change of changes) {
      if (change.entity !== 'message' || change.deleted) continue
      const message: MessageRecord = change.data
      if (message.direction !== 'in') continue
      const conversation = this.conversations.get(message.conversationId)
      if (conversation?.assignedAgentId === this.agentId) this.observer.messageReached(message.text, message.conversationId, at, this.index)
    }
    for (const conversationId of offers) void this.accept(conversationId)
  }

  private async accept(conversationId: string): Promise<void> {
    this.acceptSent.add(conversationId)
    this.accepting++
    const op = { id: randomUUID(), type: 'conversation.accept', payload: { conversationId }, createdAt: Date.now() }
    try {
      const result = (await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('sync:push', { ops: [op] })) as Result<{ results: OperationResult[] }>
      if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
      const outcome = result.value.results[0]
      const applied = outcome?.status === 'applied'
      if (!applied) this.fail(`accept ${conversationId}: ${outcome?.status} ${outcome?.error?.code ?? ''} ${outcome?.error?.message ?? ''}`)
      this.observer.accepted(conversationId, this.index, applied, performance.now())
    } catch (err) {
      this.fail(`accept: ${err instanceof Error ? err.message : String(err)}`)
    } finally {
      this.accepting--
    }
  }

  private fail(what: string): void {
    this.counters.errors++
    if (this.firstErrors.length < 3) this.firstErrors.push(what)
  }
}
