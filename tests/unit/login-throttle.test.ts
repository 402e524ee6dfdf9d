import { describe, expect, it } from 'vitest'
import { LoginThrottle } from '../../src/server/auth/login-throttle'

const config = { freeFailures: 3, freeFailuresPerAddress: 100, baseDelayMs: 1_000, maxDelayMs: 8_000, windowMs: 60_000 }

describe('LoginThrottle', () => {
  it('lets the first failures through, then doubles the wait up to the cap', () => {
    let now = 0
    const throttle = new LoginThrottle(config, () => now)
    const waits: number[] = []
    for (let i = 0; i < 8; i++) {
      waits.push(throttle.waitMs(['u']))
      throttle.recordFailure(['u'])
    }
    expect(waits.slice(0, 4)).toEqual([0, 0, 0, 1_000])
    expect(throttle.waitMs(['u'])).toBe(8_000)
    now += 8_000
    expect(throttle.waitMs(['u'])).toBe(0)
  })

  it('forgets failures after the window and on success', () => {
    let now = 0
    const throttle = new LoginThrottle(config, () => now)
    for (let i = 0; i < 4; i++) throttle.recordFailure(['a', 'b'])
    expect(throttle.waitMs(['a'])).toBeGreaterThan(0)
    throttle.recordSuccess(['a'])
    expect(throttle.waitMs(['a'])).toBe(0)
    expect(throttle.waitMs(['b'])).toBeGreaterThan(0)
    now += 60_001
    expect(throttle.waitMs(['b'])).toBe(0)
  })

  it('keeps keys apart', () => {
    const throttle = new LoginThrottle(config, () => 0)
    for (let i = 0; i < 5; i++) throttle.recordFailure(['x'])
    expect(throttle.waitMs(['y'])).toBe(0)
    expect(throttle.waitMs(['y', 'x'])).toBeGreaterThan(0)
  })
})
