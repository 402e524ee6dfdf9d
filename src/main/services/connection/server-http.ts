import { AppError, errorCodes, type ErrorCode } from '../../../shared/errors'
import {
  ErrorBodySchema,
  LoginResponseSchema,
  TokenPairSchema,
  type LoginResponse,
  type TokenPair,
} from '../../../shared/protocol/http-api'
import type { z } from 'zod'

const REQUEST_TIMEOUT_MS = 10_000

/** The central server's HTTP API as the desktop uses it; every failure becomes an AppError. */
export class ServerHttpClient {
  constructor(readonly baseUrl: string) {}

  login(username: string, password: string): Promise<LoginResponse> {
    return this.post('/api/auth/login', { username, password }, LoginResponseSchema)
  }

  refresh(refreshToken: string): Promise<TokenPair> {
    return this.post('/api/auth/refresh', { refreshToken }, TokenPairSchema)
  }

  async logout(accessToken: string, refreshToken: string): Promise<void> {
    await this.post('/api/auth/logout', { refreshToken }, undefined, accessToken)
  }

  private async post<S extends z.ZodType>(path: string, body: unknown, schema: S | undefined, bearer?: string): Promise<z.output<S>> {
    let response: Response
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') throw new AppError('timeout', 'The server did not answer in time')
      throw new AppError('offline', `Cannot reach the server at ${this.baseUrl}`)
    }
    const json: unknown = await response.json().catch(() => undefined)
    if (!response.ok) {
      const parsed = ErrorBodySchema.safeParse(json)
      if (!parsed.success) throw new AppError('internal', `The server answered ${response.status}`)
      const { code, message, details } = parsed.data.error
      throw new AppError(asErrorCode(code), message, details)
    }
    if (!schema) return undefined as z.output<S>
    const parsed = schema.safeParse(json)
    if (!parsed.success) throw new AppError('internal', 'The server sent an answer this desktop does not understand')
    return parsed.data
  }
}

function asErrorCode(code: string): ErrorCode {
  return (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal'
}
