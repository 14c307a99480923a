import { describe, expect, it } from 'vitest'
import {
  defaultRecoveryPolicy,
  planRecovery,
  relaunchDelayMs,
  serviceRetryDelayMs,
} from '../../../main/health/recoveryPolicy.ts'

const minute = 60_000

describe('main/health/recoveryPolicy', () => {
  it('reloads for the first failures in the window, then relaunches', () => {
    const now = 100 * minute
    const plan = (failureTimes: number[], relaunchCount = 0) =>
      planRecovery({ failureTimes, now, relaunchCount })
    expect(plan([now])).toEqual({ action: 'reload' })
    expect(plan([now - 2 * minute, now - minute, now])).toEqual({ action: 'reload' })
    expect(plan([now - 3 * minute, now - 2 * minute, now - minute, now])).toEqual({
      action: 'relaunch',
      delayMs: 5_000,
    })
    // Old failures outside the window do not count.
    expect(plan([now - 30 * minute, now - 20 * minute, now - 11 * minute, now])).toEqual({
      action: 'reload',
    })
  })

  it('backs off relaunches exponentially up to five minutes', () => {
    expect(
      [0, 1, 2, 3, 4, 5, 6, 7, 50].map((count) => relaunchDelayMs(count, defaultRecoveryPolicy)),
    ).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000])
    const now = 10 * minute
    expect(planRecovery({ failureTimes: [now, now, now, now], now, relaunchCount: 2 })).toEqual({
      action: 'relaunch',
      delayMs: 20_000,
    })
  })

  it('retries the service every 2 s at first, at most every minute', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(serviceRetryDelayMs)).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ])
  })
})
