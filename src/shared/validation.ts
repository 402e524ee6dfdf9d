import { z } from 'zod'
import { AppError } from './errors'

/** Parses `input` with `schema`, or throws an invalid_argument AppError naming the bad fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.slice(0, 5).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }))
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  throw new AppError('invalid_argument', `Invalid ${what}: ${summary}`, { issues })
}
