import { describe, expect, it } from 'vitest'
import { backoffDelayMs, type BackoffPolicy } from '../../common/backoff.ts'

const policy = (jitter: BackoffPolicy['jitter']): BackoffPolicy => ({
  baseMs: 100,
  maxMs: 1_000,
  jitter,
})

describe('backoffDelayMs', () => {
  it('doubles from the base for each retry up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 60].map((n) => backoffDelayMs(n, policy('none')))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000,
    ])
  })

  it('treats negative or fractional retry numbers as the nearest sensible one', () => {
    expect(backoffDelayMs(-3, policy('none'))).toBe(100)
    expect(backoffDelayMs(1.7, policy('none'))).toBe(200)
  })

  it('full jitter draws uniformly below the delay', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, policy('full'), () => 0.999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ])
    expect(backoffDelayMs(3, policy('full'), () => 0)).toBe(0)
  })

  it('equal jitter stays between half the delay and the delay', () => {
    expect(backoffDelayMs(2, policy('equal'), () => 0)).toBe(200)
    expect(backoffDelayMs(2, policy('equal'), () => 1)).toBe(400)
    expect(backoffDelayMs(9, policy('equal'), () => 0.5)).toBe(750)
  })
})
