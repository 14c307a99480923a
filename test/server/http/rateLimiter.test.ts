import { describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../../server/http/rateLimiter.ts'

describe('server/http/rateLimiter', () => {
  it('allows a burst up to the allowance, then refills evenly per kiosk', () => {
    let now = 0
    const limiter = createRateLimiter({ perMinute: 3, now: () => now })
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0])
    expect(limiter.take('a')).toBe(20_000)
    expect(limiter.take('b')).toBe(0)
    now = 20_000
    expect(limiter.take('a')).toBe(0)
    expect(limiter.take('a')).toBeGreaterThan(0)
  })
})
