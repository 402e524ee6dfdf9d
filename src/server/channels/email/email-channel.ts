import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { AttachmentStore } from '../../attachments/attachment-store'
import type { AccessTokens } from '../../auth/tokens'
import type { Database } from '../../db/schema'
import type { ChannelAdapter, DeliveryOutcome, OutboundMessage, SurveyRequest } from '../../inbox/channel-port'
import type { Inbox } from '../../inbox/inbox'
import type { Logger } from '../../logger'
import type { SyncNotifier } from '../../sync/sync-notifier'
import { EmailIntake } from './email-intake'
import { EmailSender } from './email-sender'
import { registerMailboxRoutes } from './mailbox-routes'
import { MailboxStore, toConfig, type MailboxConfig } from './mailbox-store'
import { defaultWatcherOptions, MailboxWatcher, type WatcherOptions } from './mailbox-watcher'
import { registerSurveyRoutes } from './survey-routes'
import { SurveyTokens } from './survey-token'
import { mailboxIdOfThreadKey } from './threading'

export interface EmailChannelDeps {
  app: FastifyInstance
  db: Kysely<Database>
  inbox: Inbox
  attachments: AttachmentStore
  notifier: SyncNotifier
  tokens: AccessTokens
  log: Logger
  options?: Partial<WatcherOptions>
}

export interface EmailChannel {
  /** After the server listens: watches every enabled mailbox. `publicUrl` is the base of survey links. */
  start(publicUrl: string): Promise<void>
  /** Before the store closes. */
  stop(): Promise<void>
  /** Whether a mailbox's IMAP connection is up with INBOX selected. */
  connected(mailboxId: string): boolean
}

/**
 * The email channel: registers its adapter with the inbox and its HTTP routes (admin mailboxes,
 * survey page) on the app before it listens; `start` then connects to each configured mailbox.
 */
export async function attachEmailChannel(deps: EmailChannelDeps): Promise<EmailChannel> {
  const log = deps.log.child({ channel: 'email' })
  const store = new MailboxStore(deps.db)
  const intake = new EmailIntake({ db: deps.db, inbox: deps.inbox, attachments: deps.attachments, notifier: deps.notifier, log })
  const sender = new EmailSender({ db: deps.db, attachments: deps.attachments, log })
  const surveyTokens = await SurveyTokens.create(deps.db)
  const options: WatcherOptions = { ...defaultWatcherOptions, ...deps.options }
  const watchers = new Map<string, MailboxWatcher>()
  let publicUrl: string | null = null
  let stopped = false
  // Start/stop of one mailbox's watcher at a time, in order, whatever triggers it.
  let reconciling: Promise<void> = Promise.resolve()

  const stopWatching = async (mailboxId: string): Promise<void> => {
    const watcher = watchers.get(mailboxId)
    watchers.delete(mailboxId)
    await watcher?.stop()
  }

  const reconcile = (mailboxId: string): Promise<void> => {
    const next = reconciling.then(async () => {
      await stopWatching(mailboxId)
      if (stopped || publicUrl === null) return
      const row = await store.get(mailboxId)
      if (!row || row.enabled !== 1) return
      const watcher = new MailboxWatcher(toConfig(row), { store, intake, log, options })
      watchers.set(mailboxId, watcher)
      watcher.start()
    })
    reconciling = next.catch((err: unknown) => log.error({ err, mailboxId }, 'mailbox watcher could not be (re)started'))
    return reconciling
  }

  const mailboxOf = async (meta: Readonly<Record<string, string>>, threadKey: string): Promise<MailboxConfig | { error: string }> => {
    const id = meta['mailboxId'] ?? mailboxIdOfThreadKey(threadKey)
    const row = await store.get(id)
    if (!row) return { error: 'The support mailbox of this conversation is no longer configured' }
    if (row.enabled !== 1) return { error: `The support mailbox ${row.address} is disabled` }
    return toConfig(row)
  }

  const adapter: ChannelAdapter = {
    channel: 'email',
    async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
      const mailbox = await mailboxOf(message.meta, message.threadKey)
      if ('error' in mailbox) return { ok: false, error: mailbox.error, retry: false }
      return sender.sendReply(mailbox, message)
    },
    async sendSurvey(request: SurveyRequest): Promise<void> {
      const mailbox = await mailboxOf(request.meta, request.threadKey)
      if ('error' in mailbox) throw new Error(mailbox.error)
      if (publicUrl === null) throw new Error('The email channel has not started')
      await sender.sendSurvey(mailbox, request, `${publicUrl.replace(/\/+$/, '')}/survey/${surveyTokens.sign(request.conversationId)}`)
    },
  }
  deps.inbox.registerChannel(adapter)
  registerMailboxRoutes(deps.app, {
    tokens: deps.tokens,
    store,
    changed: reconcile,
    stopWatching: (id) => (reconciling = reconciling.then(() => stopWatching(id))),
    status: (id) => {
      const watcher = watchers.get(id)
      return { connected: watcher?.connected ?? false, lastError: watcher?.lastError ?? null }
    },
  })
  registerSurveyRoutes(deps.app, { db: deps.db, inbox: deps.inbox, tokens: surveyTokens, log })

  return {
    async start(url: string) {
      publicUrl = url
      for (const row of await store.list()) await reconcile(row.id)
    },
    async stop() {
      stopped = true
      await reconciling
      await Promise.all([...watchers.keys()].map((id) => stopWatching(id)))
    },
    connected: (id) => watchers.get(id)?.connected ?? false,
  }
}
