import { describe, expect, it } from 'vitest'
import { SlidingWindowLimiter } from '../../../server/alma/rateLimiter.ts'

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

describe('server/alma/rateLimiter', () => {
  it('never lets a slot start again within one window of its previous request ending', async () => {
    const limit = 3
    const windowMs = 150
    const limiter = new SlidingWindowLimiter({ limit, windowMs })
    const runs: { index: number; start: number; end: number }[] = []

    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        limiter.run(async () => {
          const start = performance.now()
          await sleep(5 + (index % 4) * 10)
          runs.push({ index, start, end: performance.now() })
        }),
      ),
    )

    const byStart = [...runs].sort((a, b) => a.start - b.start)
    // FIFO: the tasks started in the order they were submitted.
    expect(byStart.map((run) => run.index)).toEqual(runs.map((_, index) => index))
    for (const run of byStart) {
      // Requests that were in flight, or ended less than one window ago, when this one started.
      const busy = byStart.filter(
        (other) => other !== run && other.start <= run.start && other.end > run.start - windowMs,
      )
      expect(busy.length).toBeLessThan(limit)
      // And so: never more than `limit` starts in any window.
      const startsInWindow = byStart.filter(
        (other) => other.start >= run.start && other.start < run.start + windowMs,
      )
      expect(startsInWindow.length).toBeLessThanOrEqual(limit)
    }
  })

  it('runs up to the limit at once without waiting', async () => {
    const limiter = new SlidingWindowLimiter({ limit: 3, windowMs: 1_000 })
    let started = 0
    const ends: number[] = []
    let releaseAll: () => void = () => undefined
    const allStarted = new Promise<void>((resolve) => {
      releaseAll = resolve
    })
    // Each task waits until all three have started: this only finishes if they run concurrently.
    const tasks = Array.from({ length: 3 }, () =>
      limiter.run(async () => {
        started += 1
        if (started === 3) releaseAll()
        await allStarted
        ends.push(performance.now())
        return started
      }),
    )
    expect(await Promise.all(tasks)).toEqual([3, 3, 3])

    // The window is now full: a fourth request waits until the first slot's window has passed.
    const firstEnd = Math.min(...ends)
    let fourthStarted = 0
    const fourth = limiter.run(() => {
      fourthStarted = performance.now()
      return Promise.resolve()
    })
    expect(limiter.waiting).toBe(1)
    await fourth
    expect(fourthStarted - firstEnd).toBeGreaterThanOrEqual(1_000)
    expect(limiter.waiting).toBe(0)
  })

  it('frees the slot of a task that failed and passes its error on', async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 30 })
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next')
  })

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new SlidingWindowLimiter({ limit: 0 })).toThrow(RangeError)
    expect(() => new SlidingWindowLimiter({ limit: 2.5 })).toThrow(RangeError)
  })
})
