/** Error codes shared by every boundary (IPC, socket events, HTTP). */
export const errorCodes = [
  'invalid_argument',
  'unknown_method',
  'unknown_event',
  'payload_too_large',
  'unauthenticated',
  'invalid_credentials',
  'too_many_attempts',
  'token_expired',
  'forbidden',
  'not_found',
  'conflict',
  'offline',
  'timeout',
  /** A part the action needs is not there right now (no audio engine, the phone not registered). */
  'unavailable',
  'internal',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface ErrorInfo {
  code: ErrorCode
  message: string
  /** Extra facts for the caller, e.g. which field was wrong or how long to wait. */
  details?: Record<string, unknown>
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }

export class AppError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }

  toInfo(): ErrorInfo {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message }
  }

  static from(info: ErrorInfo): AppError {
    return new AppError(info.code, info.message, info.details)
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): Result<never> {
  return { ok: false, error: details ? { code, message, details } : { code, message } }
}

/** Turns anything thrown into an ErrorInfo that is safe to send across a boundary. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return err.toInfo()
  return { code: 'internal', message: 'Internal error' }
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw AppError.from(result.error)
}
