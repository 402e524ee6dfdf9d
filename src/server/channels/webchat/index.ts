/**
 * The web-chat channel on the central server: the /visitor socket.io namespace, the chat page and
 * embed snippet, visitor uploads, and the channel registered with the inbox. Call before the
 * server listens (routes are added).
 */
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Server } from 'socket.io'
import type { PresenceService } from '../../agents/presence-service'
import type { AttachmentStore } from '../../attachments/attachment-store'
import type { AccessTokens } from '../../auth/tokens'
import type { Database } from '../../db/schema'
import type { Inbox } from '../../inbox/inbox'
import type { Logger } from '../../logger'
import { attachVisitorNamespace } from './visitor-namespace'
import { WebchatChannel } from './webchat-channel'
import { registerWebchatAdminRoutes } from './webchat-admin-routes'
import { registerWebchatRoutes } from './webchat-routes'
import { WebchatStore } from './webchat-store'
import { VisitorTokens } from './visitor-tokens'

export { VISITOR_COOKIE } from './visitor-namespace'
export { DEFAULT_SITE_KEY } from './webchat-store'

/** What the channel needs to know of agents' presence (connections are kept in memory by the server). */
export type PresenceView = Pick<PresenceService, 'isOnline' | 'on'>

export interface AttachWebchatDeps {
  app: FastifyInstance
  // Any Server: the namespace carries its own event maps.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  io: Server<any, any>
  inbox: Inbox
  attachments: AttachmentStore
  db: Kysely<Database>
  presence: PresenceView
  /** Agents' access tokens, for the admin routes; without them the sites are configured in the database only. */
  agentTokens?: AccessTokens
  log: Logger
  /** Folder of chat.html, chat.js, chat.css, embed.js; resources/webchat by default. */
  assetsDir?: string
}

export interface WebchatAttachment {
  channel: WebchatChannel
  tokens: VisitorTokens
  stop(): void
}

export async function attachWebchatChannel(deps: AttachWebchatDeps): Promise<WebchatAttachment> {
  const log = deps.log.child({ channel: 'chat' })
  const store = new WebchatStore(deps.db)
  const tokens = await VisitorTokens.create(deps.db)
  const visitors = attachVisitorNamespace(deps.io, { inbox: deps.inbox, store, tokens, isOnline: (id) => deps.presence.isOnline(id), log })
  const channel = new WebchatChannel(visitors.nsp, store, (threadKey) => visitors.statusOfVisitor(threadKey))
  deps.inbox.registerChannel(channel)
  registerWebchatRoutes(deps.app, { store, tokens, attachments: deps.attachments, assetsDir: deps.assetsDir })
  if (deps.agentTokens) registerWebchatAdminRoutes(deps.app, { db: deps.db, tokens: deps.agentTokens })
  // Visitors see "leave a message" or the queue as agents come and go and chats are taken.
  deps.presence.on('changed', () => visitors.statusChanged())
  deps.inbox.on('routingNeeded', () => visitors.statusChanged())
  return { channel, tokens, stop: () => visitors.stop() }
}
