import type { Transaction } from 'kysely'
import type { InboxAlert } from '../../../shared/domain/conversations'
import type { ErrorCode, ErrorInfo } from '../../../shared/errors'
import type { Operation } from '../../../shared/protocol/sync'
import type { Database } from '../../db/schema'
import type { SyncViewer } from '../sync-viewer'

/** What an operation handler gets: the transaction its effect and its applied_ops row share. */
export interface OpContext {
  trx: Transaction<Database>
  viewer: SyncViewer
  now: number
  /** Work for after the commit (hand a reply to its channel, route again); dropped on rollback. */
  after: AfterCommit
}

/** The inbox's follow-ups an operation may ask for; they run only once its transaction committed. */
export interface InboxFollowUps {
  deliver(messageId: string): void
  routingNeeded(): void
  sendSurvey(conversationId: string): void
  alert(alert: InboxAlert, teamOf: string | null): void
}

export interface AfterCommit {
  (effect: (followUps: InboxFollowUps) => void): void
}

/**
 * A handler checks everything before it writes, and says `rejected` rather than throwing for
 * anything the op itself got wrong; a throw means the server failed, not the op.
 */
export type OpOutcome =
  | { status: 'applied'; changed: boolean; /** Change-log scopes to notify; absent means everyone. */ scopes?: ReadonlySet<string> }
  | { status: 'rejected'; error: ErrorInfo }

export type PayloadOf<T extends Operation['type']> = Extract<Operation, { type: T }>['payload']

export const applied = (changed = true, scopes?: ReadonlySet<string>): OpOutcome => (scopes ? { status: 'applied', changed, scopes } : { status: 'applied', changed })

export const rejected = (code: ErrorCode, message: string): OpOutcome => ({ status: 'rejected', error: { code, message } })
