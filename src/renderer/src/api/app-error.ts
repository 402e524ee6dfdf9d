import { AppError } from '../../../shared/errors'

/** Anything a call or an action threw, as an AppError, so the UI can always explain it by code. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  console.error('Unexpected failure', err)
  return new AppError('internal', err instanceof Error ? err.message : 'Unexpected failure')
}
