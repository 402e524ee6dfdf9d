import type { TFunction } from 'i18next'
import type { AppError } from '../../../shared/errors'

export interface ErrorTextOptions {
  /** For too_many_attempts: the seconds still to wait, counted down by the caller. */
  secondsToWait?: number
}

/** The agent-facing sentence for an error, chosen by its code (never the raw server message). */
export function errorText(t: TFunction, error: AppError, options: ErrorTextOptions = {}): string {
  if (error.code === 'too_many_attempts') {
    const seconds = options.secondsToWait ?? secondsToWait(error, Date.now(), Date.now())
    return seconds > 0 ? t('errors.too_many_attempts_wait', { seconds }) : t('errors.too_many_attempts')
  }
  if (error.code === 'invalid_argument') {
    const fields = invalidFields(t, error)
    return fields.length > 0 ? t('errors.invalid_argument_fields', { fields: fields.join(t('list.separator')) }) : t('errors.invalid_argument')
  }
  return t(`errors.${error.code}`)
}

/** Seconds left before a too_many_attempts error allows another try, from `details.retryAfterMs`. */
export function secondsToWait(error: AppError, receivedAt: number, now: number): number {
  const retryAfterMs = error.details?.['retryAfterMs']
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs)) return 0
  return Math.max(0, Math.ceil((receivedAt + retryAfterMs - now) / 1000))
}

const knownFields = ['serverUrl', 'username', 'password'] as const
type KnownField = (typeof knownFields)[number]

function isKnownField(name: string): name is KnownField {
  return (knownFields as readonly string[]).includes(name)
}

/** The input fields an invalid_argument error names (see shared/validation.ts `details.issues`). */
function invalidFields(t: TFunction, error: AppError): string[] {
  const issues = error.details?.['issues']
  if (!Array.isArray(issues)) return []
  const names = new Set<string>()
  for (const issue of issues) {
    const path: unknown = typeof issue === 'object' && issue !== null ? (issue as { path?: unknown }).path : undefined
    if (typeof path !== 'string' || path === '(root)') continue
    const head = path.split('.')[0] ?? path
    names.add(isKnownField(head) ? t(`login.fields.${head}`) : head)
  }
  return [...names]
}
