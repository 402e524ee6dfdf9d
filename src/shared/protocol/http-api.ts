/** The central server's HTTP API: request and response schemas. */
import { z } from 'zod'
import { AgentProfileSchema } from '../domain/agent'

export const LoginRequestSchema = z
  .object({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
  })
  .strict()
export type LoginRequest = z.infer<typeof LoginRequestSchema>

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  /** ms since epoch, server clock */
  accessTokenExpiresAt: z.number(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.number(),
})
export type TokenPair = z.infer<typeof TokenPairSchema>

export const LoginResponseSchema = TokenPairSchema.extend({ agent: AgentProfileSchema })
export type LoginResponse = z.infer<typeof LoginResponseSchema>

export const RefreshRequestSchema = z.object({ refreshToken: z.string().min(10).max(512) }).strict()
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
})

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string(), time: z.number() })
