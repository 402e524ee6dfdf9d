export interface BackoffPolicy {
  initialMs: number
  maxMs: number
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000 }

/** Exponential backoff with jitter, so a hundred desktops do not all return in the same instant. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 20))
  return Math.round(ceiling * (0.5 + random() * 0.5))
}
