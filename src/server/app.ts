import Fastify from 'fastify'
import { Server as SocketServer } from 'socket.io'
import { AGENT_NAMESPACE, MAX_SOCKET_FRAME_BYTES, type ClientToServerEvents, type ServerToClientEvents } from '../shared/protocol/agent-socket'
import { AgentDirectory } from './agents/agent-directory'
import { PresenceService } from './agents/presence-service'
import { AuthService } from './auth/auth-service'
import { LoginThrottle } from './auth/login-throttle'
import { AccessTokens } from './auth/tokens'
import { defaultServerConfig, type ServerConfig } from './config'
import { openDatabase, type Db } from './db/database'
import { migrateToLatest } from './db/migrate'
import { installErrorHandling } from './http/errors'
import { registerRoutes } from './http/routes'
import { registerAttachmentRoutes } from './http/attachment-routes'
import { registerRecordingRoutes } from './http/recording-routes'
import { RecordingStore } from './recordings/recording-store'
import { KbEditor } from './kb/kb-editor'
import { registerKbRoutes } from './kb/kb-routes'
import { registerSettingsRoutes } from './settings/settings-routes'
import { createLogger, type Logger } from './logger'
import { attachAgentNamespace, notifySync } from './realtime/agent-namespace'
import { AttachmentStore } from './attachments/attachment-store'
import { attachEmailChannel, type EmailChannel } from './channels/email/email-channel'
import { attachQqChannel, type QqChannelAttachment } from './channels/qq'
import { attachWebchatChannel } from './channels/webchat'
import { Inbox } from './inbox/inbox'
import { Router } from './inbox/router'
import { registerRoutingAdminRoutes } from './inbox/routing-admin-routes'
import { readCentreSettings } from './settings/setting-records'
import { SlaMonitor } from './inbox/sla-monitor'
import { SyncNotifier } from './sync/sync-notifier'
import { SyncService } from './sync/sync-service'

export const SERVER_VERSION = '0.1.0'

export interface CentralServer {
  /** Base URL, e.g. http://127.0.0.1:3800 */
  url: string
  port: number
  db: Db
  log: Logger
  io: SocketServer<ClientToServerEvents, ServerToClientEvents>
  /** Services that change synced records call `syncNotifier.changed()` after committing. */
  syncNotifier: SyncNotifier
  /** Channels register here and hand it what customers send. */
  inbox: Inbox
  router: Router
  slaMonitor: SlaMonitor
  attachments: AttachmentStore
  /** The email channel: support mailboxes received by IMAP, answered by SMTP. */
  email: EmailChannel
  /** The QQ-group channel (OneBot v11): its configuration and live connections. */
  qq: QqChannelAttachment
  stop(): Promise<void>
}

/** Opens the store, migrates it, and serves HTTP + socket.io on one port. */
export async function startCentralServer(overrides: Partial<ServerConfig> = {}): Promise<CentralServer> {
  const config: ServerConfig = { ...defaultServerConfig, ...overrides }
  const log = createLogger(config.logLevel)
  const db = openDatabase(config.databaseUrl)
  await migrateToLatest(db)

  const directory = new AgentDirectory(db)
  const presence = new PresenceService(db, directory)
  const tokens = await AccessTokens.create(db, config.accessTokenTtlMs, config.tokenSecret)
  const throttles = {
    account: new LoginThrottle(config.loginThrottle),
    address: new LoginThrottle({ ...config.loginThrottle, freeFailures: config.loginThrottle.freeFailuresPerAddress }),
  }
  const auth = new AuthService({ db, directory, presence, tokens, throttles, refreshTokenTtlMs: config.refreshTokenTtlMs })

  const app = Fastify({ bodyLimit: 64 * 1024, trustProxy: false, logger: false })
  installErrorHandling(app, log)
  registerRoutes(app, { auth, tokens, directory, version: SERVER_VERSION })

  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(app.server, {
    maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
    serveClient: false,
    cors: { origin: false },
  })
  // Every connected desktop hears about every change; each then pulls what it may see.
  const syncNotifier = new SyncNotifier(db, (notice, scopes) => notifySync(io.of(AGENT_NAMESPACE), notice, scopes), log)
  const inbox = new Inbox({ db, notifier: syncNotifier, log })
  const fixedOfferTimeout = config.inbox.offerTimeoutMs
  const offerTimeoutMs = fixedOfferTimeout === null ? async () => (await readCentreSettings(db))['inbox.offerTimeoutSec'] * 1000 : async () => fixedOfferTimeout
  const router = new Router({ db, presence, inbox, notifier: syncNotifier, log, offerTimeoutMs })
  registerRoutingAdminRoutes(app, { db, tokens, notifier: syncNotifier, router })
  const slaMonitor = new SlaMonitor({ db, inbox, notifier: syncNotifier, log, intervalMs: config.inbox.slaCheckIntervalMs })
  const attachments = new AttachmentStore(db)
  registerAttachmentRoutes(app, { db, tokens, attachments })
  registerRecordingRoutes(app, { db, tokens, recordings: new RecordingStore(db) })
  registerKbRoutes(app, { db, tokens, editor: new KbEditor({ db, notifier: syncNotifier }) })
  registerSettingsRoutes(app, { db, tokens, notifier: syncNotifier })
  const followUps = {
    deliver: (messageId: string) => inbox.deliver(messageId),
    routingNeeded: () => void router.kick(),
    sendSurvey: (conversationId: string) => inbox.sendSurvey(conversationId),
    alert: (...args: Parameters<Inbox['raiseAlert']>) => inbox.raiseAlert(...args),
  }
  const sync = new SyncService({ db, presence, notifier: syncNotifier, log, followUps })
  const qq = await attachQqChannel({ app, inbox, attachments, db, tokens, log })
  const email = await attachEmailChannel({ app, db, inbox, attachments, notifier: syncNotifier, tokens, log })
  const webchat = await attachWebchatChannel({ app, io, inbox, attachments, db, presence, agentTokens: tokens, log })
  attachAgentNamespace(io, { tokens, directory, presence, sync, inbox, log })

  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host}:${port}`
  log.info({ url }, 'central server listening')
  await email.start(url)
  slaMonitor.start()
  void router.kick()
  void inbox.resumePending().catch((err: unknown) => log.error({ err }, 'resuming pending deliveries failed'))

  return {
    url,
    port,
    db,
    log,
    io,
    syncNotifier,
    inbox,
    router,
    slaMonitor,
    attachments,
    email,
    qq,
    async stop() {
      await email.stop()
      // No more customer messages once the inbox starts stopping.
      await qq.stop()
      webchat.stop()
      await slaMonitor.stop()
      await router.stop()
      await inbox.stop()
      syncNotifier.stop()
      await io.close()
      // Closing the sockets announces the agents offline; let that finish before the store goes.
      await presence.drain()
      await app.close()
      await db.destroy()
    },
  }
}
