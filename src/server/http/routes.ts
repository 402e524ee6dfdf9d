import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import { LoginRequestSchema, RefreshRequestSchema } from '../../shared/protocol/http-api'
import { parseOrThrow } from '../../shared/validation'
import type { AgentDirectory } from '../agents/agent-directory'
import type { AuthService } from '../auth/auth-service'
import type { AccessClaims, AccessTokens } from '../auth/tokens'

export interface RouteDeps {
  auth: AuthService
  tokens: AccessTokens
  directory: AgentDirectory
  version: string
}

const LogoutRequestSchema = z.object({ refreshToken: z.string().max(512).optional() }).strict()

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  async function authenticate(request: FastifyRequest): Promise<AccessClaims> {
    const header = request.headers.authorization
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined
    return deps.tokens.verify(token)
  }

  app.get('/api/health', async () => ({ status: 'ok', version: deps.version, time: Date.now() }))

  app.post('/api/auth/login', async (request) => {
    const body = parseOrThrow(LoginRequestSchema, request.body, 'login request')
    return deps.auth.login(body.username, body.password, request.ip)
  })

  app.post('/api/auth/refresh', async (request) => {
    const body = parseOrThrow(RefreshRequestSchema, request.body, 'refresh request')
    return deps.auth.refresh(body.refreshToken)
  })

  app.post('/api/auth/logout', async (request) => {
    const claims = await authenticate(request)
    const body = parseOrThrow(LogoutRequestSchema, request.body ?? {}, 'logout request')
    await deps.auth.logout(claims, body.refreshToken)
    return { ok: true }
  })

  app.get('/api/me', async (request) => {
    const claims = await authenticate(request)
    const profile = await deps.directory.profile(claims.agentId)
    if (!profile) throw new AppError('not_found', 'No such agent')
    return profile
  })

  app.get('/api/reason-codes', async (request) => {
    await authenticate(request)
    return deps.directory.reasonCodes()
  })
}
