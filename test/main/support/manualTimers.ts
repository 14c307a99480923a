import type { Timers } from '../../../main/health/watchdog.ts'

/** Timers that only fire when a test advances time; `now` is the matching clock. */
export class ManualTimers implements Timers {
  now = 0
  private nextId = 1
  private readonly pending = new Map<number, { at: number; callback: () => void }>()

  setTimeout(callback: () => void, ms: number): number {
    const id = this.nextId++
    this.pending.set(id, { at: this.now + ms, callback })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }

  get pendingDelays(): number[] {
    return [...this.pending.values()].map((timer) => timer.at - this.now).sort((a, b) => a - b)
  }

  /** Moves time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.now + ms
    // Bounded: a timer that keeps rescheduling itself at zero delay cannot loop forever.
    for (let fired = 0; fired < 10_000; fired += 1) {
      const due = [...this.pending.entries()]
        .filter(([, timer]) => timer.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      const [id, timer] = due
      this.pending.delete(id)
      this.now = timer.at
      timer.callback()
    }
    this.now = target
  }

  readonly clock = (): number => this.now
}
