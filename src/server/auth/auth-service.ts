import { randomUUID } from 'node:crypto'
import { AppError } from '../../shared/errors'
import type { LoginResponse, TokenPair } from '../../shared/protocol/http-api'
import type { AgentDirectory } from '../agents/agent-directory'
import type { PresenceService } from '../agents/presence-service'
import type { Db } from '../db/database'
import type { LoginThrottle } from './login-throttle'
import { decoyPasswordHash, verifyPassword } from './passwords'
import { hashRefreshToken, newRefreshToken, type AccessClaims, type AccessTokens } from './tokens'

export interface AuthServiceDeps {
  db: Db
  directory: AgentDirectory
  presence: PresenceService
  tokens: AccessTokens
  /** One throttle per account, one per client address. */
  throttles: { account: LoginThrottle; address: LoginThrottle }
  refreshTokenTtlMs: number
  now?: () => number
}

/** Login, token refresh and logout. */
export class AuthService {
  private readonly now: () => number

  constructor(private readonly deps: AuthServiceDeps) {
    this.now = deps.now ?? Date.now
  }

  async login(username: string, password: string, clientAddress: string): Promise<LoginResponse> {
    const account = [username.toLowerCase()]
    const address = [clientAddress]
    const { throttles } = this.deps
    const waitMs = Math.max(throttles.account.waitMs(account), throttles.address.waitMs(address))
    if (waitMs > 0) {
      throw new AppError('too_many_attempts', 'Too many failed sign-in attempts; wait before trying again', { retryAfterMs: waitMs })
    }
    const record = await this.deps.directory.findByUsername(username)
    // Verify against a decoy when the user is unknown, so timing does not reveal which usernames exist.
    const valid = await verifyPassword(password, record?.passwordHash ?? (await decoyPasswordHash()))
    if (!record || !valid || record.disabled) {
      throttles.account.recordFailure(account)
      throttles.address.recordFailure(address)
      throw new AppError('invalid_credentials', 'Wrong username or password')
    }
    throttles.account.recordSuccess(account)
    await this.deps.presence.signIn(record.profile.id)
    const tokens = await this.issue({ agentId: record.profile.id, role: record.profile.role, teamId: record.profile.teamId })
    return { ...tokens, agent: record.profile }
  }

  /** Exchanges a refresh token for a new pair; the old refresh token stops working (rotation). */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const row = await this.deps.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hashRefreshToken(refreshToken))
      .executeTakeFirst()
    if (!row || row.revoked_at !== null) throw new AppError('unauthenticated', 'The session is no longer valid; sign in again')
    if (row.expires_at <= this.now()) throw new AppError('token_expired', 'The session has expired; sign in again')
    const revoked = await this.deps.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: this.now() })
      .where('id', '=', row.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (Number(revoked.numUpdatedRows) !== 1) throw new AppError('unauthenticated', 'The session is no longer valid; sign in again')
    const record = await this.deps.directory.findById(row.agent_id)
    if (!record || record.disabled) throw new AppError('unauthenticated', 'The account is no longer active')
    return this.issue({ agentId: record.profile.id, role: record.profile.role, teamId: record.profile.teamId })
  }

  async logout(claims: AccessClaims, refreshToken: string | undefined): Promise<void> {
    if (refreshToken) {
      await this.deps.db
        .updateTable('refresh_tokens')
        .set({ revoked_at: this.now() })
        .where('token_hash', '=', hashRefreshToken(refreshToken))
        .where('agent_id', '=', claims.agentId)
        .where('revoked_at', 'is', null)
        .execute()
    }
    await this.deps.presence.setState(claims.agentId, { state: 'signed_out', reasonCode: null }, null)
  }

  private async issue(claims: AccessClaims): Promise<TokenPair> {
    const access = await this.deps.tokens.sign(claims)
    const refresh = newRefreshToken()
    const refreshTokenExpiresAt = this.now() + this.deps.refreshTokenTtlMs
    await this.deps.db
      .insertInto('refresh_tokens')
      .values({
        id: randomUUID(),
        agent_id: claims.agentId,
        token_hash: refresh.hash,
        expires_at: refreshTokenExpiresAt,
        revoked_at: null,
        created_at: this.now(),
      })
      .execute()
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
    }
  }
}
