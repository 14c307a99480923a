/**
 * Keeps one institution's calls under Alma's per-second threshold (25 requests per second by
 * default): an exact sliding-window log with a FIFO queue, never a leaky approximation that can
 * burst to twice the limit at a window boundary.
 *
 * A slot is held while its request is in flight and for one whole window after it ends, not after it
 * starts. We cannot see when a request reaches Alma, only that it happened between our start and our
 * answer; anchoring the window at the answer keeps the count under the limit *at Alma's end* too,
 * whatever the network delays (starting at most `limit` requests per window on our side is not
 * enough: a slow first request and a fast later one can arrive closer together than they left).
 * It follows that no window ever holds more than `limit` starts. The price is a window of `windowMs`
 * plus one round trip per `limit` requests, which only matters under a sustained burst.
 */

/**
 * What the Alma client calls every request through: runs `task` when the institution's threshold
 * allows. In one process `SlidingWindowLimiter`; shared by several instances,
 * `server/store/postgres/almaLimiter.ts`.
 */
export interface CallLimiter {
  run<T>(task: () => Promise<T>): Promise<T>
}

export interface RateLimiterOptions {
  /** Requests allowed per window. */
  limit: number
  /** Window length; Alma's threshold is per second. */
  windowMs?: number
  /** A monotonic clock in milliseconds. */
  now?: () => number
}

export class SlidingWindowLimiter implements CallLimiter {
  private readonly limit: number
  private readonly windowMs: number
  private readonly now: () => number
  /** End times of finished requests still inside the window, oldest first. */
  private readonly recentEnds: number[] = []
  private inFlight = 0
  private readonly queue: (() => void)[] = []
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`limit must be a positive integer, got ${options.limit}`)
    }
    this.limit = options.limit
    this.windowMs = options.windowMs ?? 1000
    this.now = options.now ?? (() => performance.now())
  }

  /** Runs `task` as soon as a slot is free, in arrival order. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.queue.push(resolve)
      this.pump()
    })
    try {
      return await task()
    } finally {
      this.inFlight -= 1
      this.recentEnds.push(this.now())
      this.pump()
    }
  }

  /** Requests waiting for a slot (for tests and metrics). */
  get waiting(): number {
    return this.queue.length
  }

  private pump(): void {
    const now = this.now()
    while (this.recentEnds.length > 0 && (this.recentEnds[0] ?? 0) + this.windowMs <= now) {
      this.recentEnds.shift()
    }
    while (this.queue.length > 0 && this.inFlight + this.recentEnds.length < this.limit) {
      this.inFlight += 1
      this.queue.shift()?.()
    }
    this.schedule(now)
  }

  /** Wakes up when the oldest finished request leaves the window, if someone is waiting for it. */
  private schedule(now: number): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    const oldestEnd = this.recentEnds[0]
    // With every slot in flight, the next finish calls pump(); no timer needed.
    if (this.queue.length === 0 || oldestEnd === undefined) return
    // +1: timers may fire a fraction of a millisecond early against performance.now().
    const delay = Math.max(0, Math.ceil(oldestEnd + this.windowMs - now)) + 1
    this.timer = setTimeout(() => {
      this.timer = null
      this.pump()
    }, delay)
  }
}
