import type { FastifyRequest } from 'fastify'
import { AppError } from '../../shared/errors'
import type { AccessClaims, AccessTokens } from '../auth/tokens'

/** The agent behind `Authorization: Bearer <access token>`, or an unauthenticated error. */
export async function authenticate(tokens: AccessTokens, request: FastifyRequest): Promise<AccessClaims> {
  const header = request.headers.authorization
  const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined
  return tokens.verify(token)
}

export async function authenticateAdmin(tokens: AccessTokens, request: FastifyRequest): Promise<AccessClaims> {
  const claims = await authenticate(tokens, request)
  if (claims.role !== 'admin') throw new AppError('forbidden', 'Only an administrator may do this')
  return claims
}
