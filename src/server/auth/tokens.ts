import { createHash, randomBytes } from 'node:crypto'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import { RoleSchema, type Role } from '../../shared/domain/agent'
import type { Db } from '../db/database'

const ISSUER = 'omnidesk-server'

const ClaimsSchema = z.object({ sub: z.string(), role: RoleSchema, team: z.string().nullable(), exp: z.number() })
export interface AccessClaims {
  agentId: string
  role: Role
  teamId: string | null
}
export interface VerifiedToken extends AccessClaims {
  /** ms since epoch */
  expiresAt: number
}

/** Signs and checks the short-lived access tokens the desktop presents on every socket and request. */
export class AccessTokens {
  private constructor(
    private readonly key: Uint8Array,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Uses the configured secret, or the one kept in the database (created on first start), so tokens survive a restart. */
  static async create(db: Db, ttlMs: number, configuredSecret?: string, now: () => number = Date.now): Promise<AccessTokens> {
    const secret = configuredSecret ?? (await loadOrCreateSecret(db))
    return new AccessTokens(new TextEncoder().encode(secret), ttlMs, now)
  }

  async sign(claims: AccessClaims): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = this.now()
    const expiresAt = issuedAt + this.ttlMs
    const token = await new SignJWT({ role: claims.role, team: claims.teamId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.agentId)
      .setIssuer(ISSUER)
      .setIssuedAt(Math.floor(issuedAt / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .setJti(randomBytes(8).toString('hex'))
      .sign(this.key)
    return { token, expiresAt: Math.floor(expiresAt / 1000) * 1000 }
  }

  async verify(token: unknown): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new AppError('unauthenticated', 'An access token is required')
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      })
      const claims = ClaimsSchema.parse(payload)
      return { agentId: claims.sub, role: claims.role, teamId: claims.team, expiresAt: claims.exp * 1000 }
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'The access token has expired')
      throw new AppError('unauthenticated', 'The access token is not valid')
    }
  }
}

async function loadOrCreateSecret(db: Db): Promise<string> {
  const existing = await db.selectFrom('server_settings').select('value').where('key', '=', 'token_secret').executeTakeFirst()
  if (existing) return existing.value
  const secret = randomBytes(32).toString('base64url')
  await db
    .insertInto('server_settings')
    .values({ key: 'token_secret', value: secret })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const stored = await db.selectFrom('server_settings').select('value').where('key', '=', 'token_secret').executeTakeFirstOrThrow()
  return stored.value
}

/** Refresh tokens are random and stored only as their hash. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashRefreshToken(token) }
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
