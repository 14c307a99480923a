/**
 * Gates: a test holds a sandbox's requests or postbacks, waits until one arrives, checks what the
 * system shows meanwhile, then releases them. Tests wait on these events instead of on latencies
 * chosen to outlast their checks.
 */

/** What a test holds on to. */
export interface SandboxGate {
  /**
   * Resolves once `count` items (default 1) have arrived at this gate since it was made, whether or
   * not they were released since; rejects with a `SandboxGateError` after `timeoutMs` (default 10 s)
   * or when the hold ends (released or dropped) before they arrived.
   */
  arrived(count?: number, timeoutMs?: number): Promise<void>
  /** How many items are held right now. */
  held(): number
  /**
   * Ends the hold: everything held goes on, in arrival order, and later arrivals are not held.
   * Resolves when the released items are done (answered, or delivered and answered).
   */
  release(): Promise<void>
}

export class SandboxGateError extends Error {
  /** Timed out waiting for arrivals; the hold ended before they came; a hold is already on. */
  readonly kind: 'gate_timeout' | 'gate_ended' | 'gate_busy'
  constructor(kind: SandboxGateError['kind'], message: string) {
    super(message)
    this.name = 'SandboxGateError'
    this.kind = kind
  }
}

/** One held item: whether it may go on (false: dropped), and `finish()` once it has gone on. */
export interface GatePassage {
  released: Promise<boolean>
  finish(): void
}

interface HeldItem {
  resume(released: boolean): void
  finished: Promise<void>
}

interface ArrivalWaiter {
  count: number
  resolve(): void
  reject(error: SandboxGateError): void
}

const defaultArrivalTimeoutMs = 10_000

/** The sandbox's side of a gate: items enter while it is active; a test releases or drops them. */
export class SandboxHold {
  readonly #what: string
  #active = true
  #arrivals = 0
  #held: HeldItem[] = []
  #waiters = new Set<ArrivalWaiter>()

  /** `what` names the held items in error messages, e.g. "Alma payFee request". */
  constructor(what: string) {
    this.#what = what
  }

  get active(): boolean {
    return this.#active
  }

  /** Holds one item; the caller awaits `released` and calls `finish()` when it is done. */
  enter(): GatePassage {
    if (!this.#active) throw new Error(`The ${this.#what} hold has ended`)
    let resume: (released: boolean) => void = () => undefined
    let finish: () => void = () => undefined
    const released = new Promise<boolean>((resolve) => {
      resume = resolve
    })
    const finished = new Promise<void>((resolve) => {
      finish = resolve
    })
    this.#held.push({ resume, finished })
    this.#arrivals += 1
    for (const waiter of this.#waiters) {
      if (this.#arrivals >= waiter.count) {
        this.#waiters.delete(waiter)
        waiter.resolve()
      }
    }
    return { released, finish }
  }

  /** Lets every held item go on and ends the hold; resolves when they have finished. */
  async release(): Promise<void> {
    this.#active = false
    const items = this.#held
    this.#held = []
    for (const item of items) item.resume(true)
    this.#endWaiters('released')
    await Promise.all(items.map((item) => item.finished))
  }

  /** Ends the hold without letting anything go on (a reset or a close): held items are dropped. */
  drop(): void {
    this.#active = false
    const items = this.#held
    this.#held = []
    for (const item of items) item.resume(false)
    this.#endWaiters('dropped')
  }

  #endWaiters(how: 'released' | 'dropped'): void {
    for (const waiter of this.#waiters) {
      waiter.reject(
        new SandboxGateError(
          'gate_ended',
          `The ${this.#what} hold was ${how} before ${waiter.count} arrived (${this.#arrivals} did)`,
        ),
      )
    }
    this.#waiters.clear()
  }

  gate(): SandboxGate {
    return {
      arrived: (count = 1, timeoutMs = defaultArrivalTimeoutMs) => this.#arrived(count, timeoutMs),
      held: () => this.#held.length,
      release: () => this.release(),
    }
  }

  #arrived(count: number, timeoutMs: number): Promise<void> {
    if (!Number.isSafeInteger(count) || count < 1) {
      return Promise.reject(new RangeError(`count must be a positive integer: ${count}`))
    }
    if (this.#arrivals >= count) return Promise.resolve()
    if (!this.#active) {
      return Promise.reject(
        new SandboxGateError(
          'gate_ended',
          `The ${this.#what} hold has ended after ${this.#arrivals} arrived, not ${count}`,
        ),
      )
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        reject(
          new SandboxGateError(
            'gate_timeout',
            `${count} ${this.#what}(s) expected within ${timeoutMs} ms, ${this.#arrivals} arrived`,
          ),
        )
      }, timeoutMs)
      const waiter: ArrivalWaiter = {
        count,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      this.#waiters.add(waiter)
    })
  }
}
