import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/main/services/connection/backoff'

describe('backoffDelay', () => {
  const policy = { initialMs: 500, maxMs: 30_000 }
  it('grows exponentially with jitter between half and all of the ceiling', () => {
    expect(backoffDelay(policy, 0, () => 0)).toBe(250)
    expect(backoffDelay(policy, 0, () => 1)).toBe(500)
    expect(backoffDelay(policy, 3, () => 1)).toBe(4_000)
  })
  it('never exceeds the maximum, even after very many attempts', () => {
    expect(backoffDelay(policy, 10, () => 1)).toBe(30_000)
    expect(backoffDelay(policy, 10_000, () => 1)).toBe(30_000)
  })
})
