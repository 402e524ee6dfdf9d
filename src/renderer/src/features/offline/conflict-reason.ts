import type { TFunction } from 'i18next'
import { errorCodes, type ErrorCode } from '../../../../shared/errors'

const specific = ['conflict', 'not_found', 'forbidden', 'invalid_argument'] as const
type SpecificReason = (typeof specific)[number]

function isSpecific(code: string): code is SpecificReason {
  return (specific as readonly string[]).includes(code)
}

function isErrorCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code)
}

/** Why the server refused an operation, by its error code (never the raw server message). */
export function conflictReason(t: TFunction, code: string): string {
  if (isSpecific(code)) return t(`offline.reasons.${code}`)
  if (isErrorCode(code)) return t(`errors.${code}`)
  return t('offline.reasons.other')
}
