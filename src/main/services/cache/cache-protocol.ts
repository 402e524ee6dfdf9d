/** Messages between the main thread's cache client and the worker that owns the SQLite file. */
import type { ErrorInfo } from '../../../shared/errors'
import type { CacheOpenReport, LocalCache } from './local-cache'

/** Every LocalCache method that is a call into the database. */
export type CacheMethod = Exclude<keyof LocalCache, 'report' | 'close'>

type Method<K extends CacheMethod> = LocalCache[K] extends (...args: infer A) => Promise<infer R> ? { args: A; result: R } : never

export type CacheArgs<K extends CacheMethod> = Method<K>['args']
export type CacheResult<K extends CacheMethod> = Method<K>['result']

/** The same methods, synchronous: what the worker runs. */
export type SyncCache = { [K in CacheMethod]: (...args: CacheArgs<K>) => CacheResult<K> }

export type CacheRequest = { [K in CacheMethod]: { kind: 'call'; id: number; method: K; args: CacheArgs<K> } }[CacheMethod] | { kind: 'close'; id: number }

export type CacheReply = { kind: 'reply'; id: number; ok: true; value: unknown } | { kind: 'reply'; id: number; ok: false; error: ErrorInfo }

export type CacheStartup = { kind: 'ready'; report: CacheOpenReport } | { kind: 'failed'; error: ErrorInfo }

export interface CacheWorkerData {
  dir: string
  agentId: string
}

export const CACHE_METHODS: readonly CacheMethod[] = [
  'getCursor',
  'applyChanges',
  'resetSyncedData',
  'searchKb',
  'getArticle',
  'kbCategories',
  'pendingSignoffs',
  'signoff',
  'searchCustomers',
  'lookupCustomers',
  'getCustomer',
  'addNote',
  'updateCustomer',
  'enqueue',
  'nextOperations',
  'recordResults',
  'outboxStatus',
  'resolveConflict',
  'getDraft',
  'setDraft',
  'attachmentFile',
  'storeAttachmentFile',
  'missingKbAttachments',
  'kbVersions',
  'storeKbVersions',
  'settings',
  'setSetting',
  'inboxList',
  'inboxConversation',
  'inboxMessages',
  'inboxWrite',
  'inboxAct',
  'inboxCreateCustomer',
  'cannedResponses',
  'dispositionCodes',
  'recordCall',
  'callLog',
]
