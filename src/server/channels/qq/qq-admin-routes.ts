/**
 * The administrator's HTTP interface to the QQ channel (agent Bearer token, role admin):
 *
 *   GET    /api/admin/qq/accounts                          accounts, with their live connections
 *   POST   /api/admin/qq/accounts                          {selfId, name?, accessToken, forwardWsUrl?, enabled?}
 *   PATCH  /api/admin/qq/accounts/:selfId                  {name?, accessToken?, forwardWsUrl?, enabled?}
 *   DELETE /api/admin/qq/accounts/:selfId
 *   GET    /api/admin/qq/groups                            groups of every account
 *   POST   /api/admin/qq/groups                            {selfId, groupId, name, skillGroupId, enabled?}
 *   PATCH  /api/admin/qq/accounts/:selfId/groups/:groupId  {name?, skillGroupId?, enabled?}
 *   DELETE /api/admin/qq/accounts/:selfId/groups/:groupId
 *
 * Bodies are checked by the service's zod schemas; access tokens are write-only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../../shared/errors'
import type { AccessClaims, AccessTokens } from '../../auth/tokens'
import type { QqChannel } from './qq-channel'
import type { QqConfigService } from './qq-config'

async function requireAdmin(tokens: AccessTokens, request: FastifyRequest): Promise<AccessClaims> {
  const header = request.headers.authorization
  const claims = await tokens.verify(header?.startsWith('Bearer ') ? header.slice(7) : undefined)
  if (claims.role !== 'admin') throw new AppError('forbidden', 'Only an administrator may configure QQ accounts')
  return claims
}

type Params = { selfId?: string; groupId?: string }

export function registerQqAdminRoutes(app: FastifyInstance, deps: { tokens: AccessTokens; config: QqConfigService; channel: QqChannel }): void {
  const { config, channel, tokens } = deps
  const param = (request: FastifyRequest, name: keyof Params): string => String((request.params as Params)[name] ?? '')

  app.get('/api/admin/qq/accounts', async (request) => {
    await requireAdmin(tokens, request)
    const accounts = await config.listAccounts()
    return accounts.map((account) => ({ ...account, connections: channel.connectionsOf(account.selfId) }))
  })

  app.post('/api/admin/qq/accounts', async (request, reply) => {
    await requireAdmin(tokens, request)
    const account = await config.addAccount(request.body)
    return reply.status(201).send(account)
  })

  app.patch('/api/admin/qq/accounts/:selfId', async (request) => {
    await requireAdmin(tokens, request)
    return config.updateAccount(param(request, 'selfId'), request.body ?? {})
  })

  app.delete('/api/admin/qq/accounts/:selfId', async (request) => {
    await requireAdmin(tokens, request)
    await config.removeAccount(param(request, 'selfId'))
    return { ok: true }
  })

  app.get('/api/admin/qq/groups', async (request) => {
    await requireAdmin(tokens, request)
    return config.listGroups()
  })

  app.post('/api/admin/qq/groups', async (request, reply) => {
    await requireAdmin(tokens, request)
    const group = await config.addGroup(request.body)
    return reply.status(201).send(group)
  })

  app.patch('/api/admin/qq/accounts/:selfId/groups/:groupId', async (request) => {
    await requireAdmin(tokens, request)
    return config.updateGroup(param(request, 'selfId'), param(request, 'groupId'), request.body ?? {})
  })

  app.delete('/api/admin/qq/accounts/:selfId/groups/:groupId', async (request) => {
    await requireAdmin(tokens, request)
    await config.removeGroup(param(request, 'selfId'), param(request, 'groupId'))
    return { ok: true }
  })
}
