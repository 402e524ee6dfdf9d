import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { OperationSchema, type Operation, type OperationResult, type SyncPushResult } from '../../shared/protocol/sync'
import type { PresenceService } from '../agents/presence-service'
import type { Database } from '../db/schema'
import type { Logger } from '../logger'
import { EVERYONE } from './change-log'
import { claimOp, duplicateOf, findOp, markRejected } from './applied-ops'
import { KeyedQueue } from './keyed-queue'
import { applyCustomerCreate } from './operations/customer-create'
import { applyCustomerNote } from './operations/customer-note'
import { applyCustomerUpdate } from './operations/customer-update'
import { applyKbSignoff } from './operations/kb-signoff'
import {
  applyConversationAccept,
  applyConversationDecline,
  applyConversationLinkCustomer,
  applyConversationNote,
  applyConversationRead,
  applyConversationReopen,
  applyConversationReply,
  applyConversationResolve,
  applyConversationSnooze,
  applyConversationTransfer,
} from './operations/conversation-ops'
import type { InboxFollowUps, OpContext, OpOutcome } from './operations/op-outcome'
import { applySettingsSet } from '../settings/settings-ops'
import { applyCallLog } from './operations/call-log'
import type { SyncNotifier } from './sync-notifier'
import type { SyncViewer } from './sync-viewer'

/** Longer than any uuid; an id beyond this is not one the desktop made, and is not stored. */
const MAX_OP_ID_LENGTH = 64

export interface PushDeps {
  db: Kysely<Database>
  presence: PresenceService
  notifier: SyncNotifier
  log: Logger
  now: () => number
  /** Where conversation operations send their follow-ups (delivery, routing); absent in servers without an inbox. */
  followUps?: InboxFollowUps
}

interface Applied {
  result: OperationResult
  /** The change log grew. */
  changed: boolean
  /** Change-log scopes the op wrote to; absent means everyone. */
  scopes?: ReadonlySet<string>
}

type TransactionalOp = Exclude<Operation, { type: 'agentState.set' }>

/**
 * Applies a desktop's queued operations in order, each id at most once. Each op is its own
 * transaction together with its applied_ops row, so a crash loses nothing that was answered and
 * applies nothing twice; a resend of the whole queue after a crash is answered `duplicate` for
 * what was done and applies the rest.
 */
export class OperationApplier {
  private readonly perAgent = new KeyedQueue()

  constructor(private readonly deps: PushDeps) {}

  async push(viewer: SyncViewer, ops: readonly unknown[]): Promise<SyncPushResult> {
    // Every result names its op; without an id an op cannot be answered, so the batch is refused
    // before anything in it is applied.
    const ids = ops.map((op, index) => {
      const id = usableId(op)
      if (id === null) throw new AppError('invalid_argument', `Invalid payload for sync:push: ops.${index} has no usable id`, { index })
      return id
    })
    return this.perAgent.run(viewer.agentId, async () => {
      const results: OperationResult[] = []
      const scopes = new Set<string>()
      for (const [index, op] of ops.entries()) {
        const outcome = await this.applyOne(viewer, op, ids[index] as string)
        results.push(outcome.result)
        if (outcome.changed) for (const scope of outcome.scopes ?? [EVERYONE]) scopes.add(scope)
      }
      if (scopes.size > 0) this.deps.notifier.changed(scopes)
      return { results }
    })
  }

  private async applyOne(viewer: SyncViewer, raw: unknown, id: string): Promise<Applied> {
    try {
      const parsed = OperationSchema.safeParse(raw)
      if (!parsed.success) {
        // Not stored: the same bytes fail the same way next time. But an id already applied
        // stays answered as it was, even if the resend got mangled.
        const earlier = await findOp(this.deps.db, id)
        if (earlier) return { result: duplicateOf(earlier), changed: false }
        const summary = parsed.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')
        return { result: { id, status: 'rejected', error: { code: 'invalid_argument', message: `Invalid operation: ${summary}` } }, changed: false }
      }
      const op = parsed.data
      return op.type === 'agentState.set' ? await this.applyAgentState(viewer, op) : await this.applyInTransaction(viewer, op)
    } catch (err) {
      // The server failed, not the op: nothing was recorded, so sending it again may succeed.
      this.deps.log.error({ err, opId: id }, 'operation failed')
      return { result: { id, status: 'rejected', error: { code: 'internal', message: 'The server could not apply this operation; send it again later' } }, changed: false }
    }
  }

  private async applyInTransaction(viewer: SyncViewer, op: TransactionalOp): Promise<Applied> {
    const now = this.deps.now()
    const effects: Parameters<OpContext['after']>[0][] = []
    const applied = await this.deps.db.transaction().execute(async (trx): Promise<Applied> => {
      if (!(await claimOp(trx, { opId: op.id, agentId: viewer.agentId, type: op.type, at: now }))) {
        const earlier = await findOp(trx, op.id)
        if (!earlier) throw new Error(`applied_ops row ${op.id} vanished`)
        return { result: duplicateOf(earlier), changed: false }
      }
      const context: OpContext = { trx, viewer, now, after: (effect) => effects.push(effect) }
      const outcome = await runHandler(context, op)
      return this.settle(trx, op.id, outcome)
    })
    // Only now is the effect durable: a reply is handed to its channel after it is stored, never before.
    const followUps = this.deps.followUps
    if (applied.result.status === 'applied' && followUps) {
      for (const effect of effects) {
        try {
          effect(followUps)
        } catch (err) {
          this.deps.log.error({ err, opId: op.id }, 'follow-up of an operation failed')
        }
      }
    }
    return applied
  }

  /**
   * PresenceService writes the state in its own transaction, so the op's row follows in a second
   * one. A crash between the two leaves the state set and the id unrecorded: the resend sets the
   * same state once more (one more state-log row), which is harmless for a state, unlike a note.
   * Within this process the per-agent queue keeps two deliveries of one op from overlapping.
   */
  private async applyAgentState(viewer: SyncViewer, op: Extract<Operation, { type: 'agentState.set' }>): Promise<Applied> {
    const earlier = await findOp(this.deps.db, op.id)
    if (earlier) return { result: duplicateOf(earlier), changed: false }
    let outcome: OpOutcome
    try {
      await this.deps.presence.setState(viewer.agentId, op.payload, null)
      outcome = { status: 'applied', changed: false }
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      outcome = { status: 'rejected', error: { code: err.code, message: err.message } }
    }
    const now = this.deps.now()
    return this.deps.db.transaction().execute(async (trx): Promise<Applied> => {
      if (!(await claimOp(trx, { opId: op.id, agentId: viewer.agentId, type: op.type, at: now }))) {
        const other = await findOp(trx, op.id)
        if (other) return { result: duplicateOf(other), changed: false }
      }
      return this.settle(trx, op.id, outcome)
    })
  }

  private async settle(trx: OpContext['trx'], opId: string, outcome: OpOutcome): Promise<Applied> {
    if (outcome.status === 'applied') {
      return { result: { id: opId, status: 'applied' }, changed: outcome.changed, ...(outcome.scopes ? { scopes: outcome.scopes } : {}) }
    }
    await markRejected(trx, opId, outcome.error)
    return { result: { id: opId, status: 'rejected', error: outcome.error }, changed: false }
  }
}

function runHandler(context: OpContext, op: TransactionalOp): Promise<OpOutcome> {
  switch (op.type) {
    case 'kb.signoff':
      return applyKbSignoff(context, op.payload)
    case 'customer.note':
      return applyCustomerNote(context, op.payload)
    case 'customer.update':
      return applyCustomerUpdate(context, op.payload)
    case 'conversation.reply':
      return applyConversationReply(context, op.payload)
    case 'conversation.note':
      return applyConversationNote(context, op.payload)
    case 'conversation.accept':
      return applyConversationAccept(context, op.payload)
    case 'conversation.decline':
      return applyConversationDecline(context, op.payload)
    case 'conversation.resolve':
      return applyConversationResolve(context, op.payload)
    case 'conversation.reopen':
      return applyConversationReopen(context, op.payload)
    case 'conversation.transfer':
      return applyConversationTransfer(context, op.payload)
    case 'conversation.read':
      return applyConversationRead(context, op.payload)
    case 'conversation.snooze':
      return applyConversationSnooze(context, op.payload)
    case 'conversation.linkCustomer':
      return applyConversationLinkCustomer(context, op.payload)
    case 'customer.create':
      return applyCustomerCreate(context, op.payload)
    case 'settings.set':
      return applySettingsSet(context, op.payload)
    case 'call.log':
      return applyCallLog(context, op.payload)
  }
}

function usableId(op: unknown): string | null {
  if (typeof op !== 'object' || op === null || !('id' in op)) return null
  const { id } = op
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_OP_ID_LENGTH ? id : null
}
