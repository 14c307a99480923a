/**
 * The renderer heartbeat watchdog. The renderer calls `window.kiosk.heartbeat()` every few
 * seconds; a live process that stopped beating (a hung page, a white screen) counts as a stall.
 * Timers are injected so tests drive time themselves.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  },
}

export interface WatchdogOptions {
  /** Longest silence between two heartbeats. */
  timeoutMs: number
  /** Silence allowed after a (re)load before the first heartbeat. */
  startupGraceMs: number
  onStall: () => void
  timers?: Timers
}

export class HeartbeatWatchdog {
  private readonly options: WatchdogOptions
  private readonly timers: Timers
  private handle: unknown = null

  constructor(options: WatchdogOptions) {
    this.options = options
    this.timers = options.timers ?? realTimers
  }

  get armed(): boolean {
    return this.handle !== null
  }

  /** Starts watching after a page (re)load. */
  arm(): void {
    this.schedule(this.options.startupGraceMs)
  }

  beat(): void {
    if (this.armed) this.schedule(this.options.timeoutMs)
  }

  disarm(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle)
    this.handle = null
  }

  private schedule(ms: number): void {
    this.disarm()
    this.handle = this.timers.setTimeout(() => {
      this.handle = null
      this.options.onStall()
    }, ms)
  }
}
