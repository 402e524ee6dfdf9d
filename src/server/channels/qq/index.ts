/**
 * The QQ-group channel on the central server: configuration from the database, the reverse
 * WebSocket endpoint on the server's port, forward connections where configured, the admin routes,
 * and the channel registered with the inbox. Call before the server listens (routes are added).
 */
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { AttachmentStore } from '../../attachments/attachment-store'
import type { AccessTokens } from '../../auth/tokens'
import type { Database } from '../../db/schema'
import type { Inbox } from '../../inbox/inbox'
import type { Logger } from '../../logger'
import { ForwardConnections } from './forward-ws'
import { registerQqAdminRoutes } from './qq-admin-routes'
import { QqChannel, type QqChannelOptions } from './qq-channel'
import { QqConfigService } from './qq-config'
import { attachReverseEndpoint } from './reverse-ws-endpoint'

export { ONEBOT_REVERSE_PATH } from './reverse-ws-endpoint'
export type { QqChannel } from './qq-channel'
export type { QqConfigService } from './qq-config'

export interface QqChannelAttachment {
  channel: QqChannel
  config: QqConfigService
  stop(): Promise<void>
}

export interface AttachQqDeps {
  app: FastifyInstance
  inbox: Inbox
  attachments: AttachmentStore
  db: Kysely<Database>
  tokens: AccessTokens
  log: Logger
  options?: QqChannelOptions & { maxFrameBytes?: number; forwardRetryMs?: number }
}

export async function attachQqChannel(deps: AttachQqDeps): Promise<QqChannelAttachment> {
  const log = deps.log.child({ channel: 'qq' })
  const config = new QqConfigService(deps.db)
  await config.load()
  const channel = new QqChannel({ db: deps.db, inbox: deps.inbox, attachments: deps.attachments, config, log }, deps.options)
  deps.inbox.registerChannel(channel)
  registerQqAdminRoutes(deps.app, { tokens: deps.tokens, config, channel })
  const endpoint = attachReverseEndpoint({ server: deps.app.server, channel, config, log, maxPayload: deps.options?.maxFrameBytes })
  const forward = new ForwardConnections(channel, log, deps.options?.forwardRetryMs)
  forward.reconcile(config.snapshot)
  const unsubscribe = config.onChange((snapshot) => {
    forward.reconcile(snapshot)
    channel.closeStale()
  })
  return {
    channel,
    config,
    async stop() {
      unsubscribe()
      endpoint.close()
      forward.stop()
      await channel.stop()
    },
  }
}
