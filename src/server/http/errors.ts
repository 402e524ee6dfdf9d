import type { FastifyError, FastifyInstance } from 'fastify'
import { AppError, type ErrorCode } from '../../shared/errors'
import type { Logger } from '../logger'

const statusByCode: Record<ErrorCode, number> = {
  invalid_argument: 400,
  unknown_method: 400,
  unknown_event: 400,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  token_expired: 401,
  too_many_attempts: 429,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  offline: 503,
  timeout: 504,
  unavailable: 503,
  internal: 500,
}

/** Every HTTP failure answers `{ error: { code, message, details? } }`. */
export function installErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError | AppError, _request, reply) => {
    if (err instanceof AppError) {
      const status = statusByCode[err.code]
      if (err.code === 'too_many_attempts' && typeof err.details?.retryAfterMs === 'number') {
        void reply.header('retry-after', Math.ceil(err.details.retryAfterMs / 1000))
      }
      return reply.status(status).send({ error: err.toInfo() })
    }
    const status = err.statusCode ?? 500
    if (status === 413) return reply.status(413).send({ error: { code: 'payload_too_large', message: 'Request body too large' } })
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'invalid_argument', message: err.message } })
    }
    log.error({ err }, 'request failed')
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal error' } })
  })
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.slice(0, 200)}` } }),
  )
}
