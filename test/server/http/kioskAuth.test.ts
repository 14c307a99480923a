import { describe, expect, it } from 'vitest'
import { hashKioskKey } from '../../../server/config/load.ts'
import { createKioskAuthenticator } from '../../../server/http/kioskAuth.ts'
import { createRateLimiter } from '../../../server/http/rateLimiter.ts'

describe('server/http/kioskAuth', () => {
  const authenticate = createKioskAuthenticator([
    { kioskId: 'lobby', keyHash: hashKioskKey('lobby-key') },
    { kioskId: 'desk', keyHash: hashKioskKey('desk-key') },
  ])

  it('maps a bearer key to its kiosk', () => {
    expect(authenticate('Bearer lobby-key')).toBe('lobby')
    expect(authenticate('bearer desk-key')).toBe('desk')
  })

  it('refuses missing, malformed and unknown keys', () => {
    expect(authenticate(undefined)).toBeNull()
    expect(authenticate('lobby-key')).toBeNull()
    expect(authenticate('Basic lobby-key')).toBeNull()
    expect(authenticate('Bearer lobby-key2')).toBeNull()
    expect(authenticate('Bearer ')).toBeNull()
  })
})

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
