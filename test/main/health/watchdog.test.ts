import { describe, expect, it } from 'vitest'
import { HeartbeatWatchdog } from '../../../main/health/watchdog.ts'
import { ManualTimers } from '../support/manualTimers.ts'

function setup() {
  const timers = new ManualTimers()
  let stalls = 0
  const watchdog = new HeartbeatWatchdog({
    timeoutMs: 30_000,
    startupGraceMs: 60_000,
    timers,
    onStall: () => {
      stalls += 1
    },
  })
  return { timers, watchdog, stalls: () => stalls }
}

describe('main/health/watchdog', () => {
  it('gives a fresh page its start-up grace, then expects regular heartbeats', () => {
    const { timers, watchdog, stalls } = setup()
    watchdog.arm()
    timers.advance(59_999)
    expect(stalls()).toBe(0)
    watchdog.beat()
    for (let beat = 0; beat < 10; beat += 1) {
      timers.advance(25_000)
      watchdog.beat()
    }
    expect(stalls()).toBe(0)
    timers.advance(30_000)
    expect(stalls()).toBe(1)
    expect(watchdog.armed).toBe(false)
  })

  it('stalls when a page never beats', () => {
    const { timers, watchdog, stalls } = setup()
    watchdog.arm()
    timers.advance(60_000)
    expect(stalls()).toBe(1)
  })

  it('ignores heartbeats while disarmed', () => {
    const { timers, watchdog, stalls } = setup()
    watchdog.beat()
    timers.advance(120_000)
    expect(stalls()).toBe(0)
    watchdog.arm()
    watchdog.disarm()
    timers.advance(120_000)
    expect(stalls()).toBe(0)
    expect(timers.pendingDelays).toEqual([])
  })
})
