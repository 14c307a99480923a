/**
 * How the sandbox CashNet delivers postbacks: a form POST to the service, optionally after a delay,
 * with duplicate copies, held at a gate while a test wants it held, and every attempt recorded with
 * the service's answer. The browser's return never waits for a delayed or held postback.
 */
import { encodeForm, type FormFields } from '../../../common/cashnet.ts'
import { SandboxGateError, SandboxHold, type GatePassage, type SandboxGate } from '../gate.ts'

export interface SandboxPostbackAttempt {
  /** HTTP status the service answered, null when no answer came. */
  status: number | null
  /** The network error, or why the postback was never sent (dropped by a reset or close). */
  error: string | null
  at: string
}

export interface PostbackDeliverySettings {
  postbackUrl: string
  /** Extra copies sent after the first. */
  duplicatePostbacks: number
  /** Delay before the postback; the browser returns without waiting for it. */
  postbackDelayMs: number
}

const postbackTimeoutMs = 30_000

export class PostbackDelivery {
  readonly #settings: () => PostbackDeliverySettings
  /** Postbacks on their way (sent, or waiting out their delay), for `settled()`. */
  readonly #inFlight = new Set<Promise<void>>()
  /** Delayed postbacks not due yet, with what drops each one. */
  readonly #timers = new Map<NodeJS.Timeout, () => void>()
  #hold: SandboxHold | null = null

  constructor(settings: () => PostbackDeliverySettings) {
    this.#settings = settings
  }

  /**
   * Sends a postback for a transaction, recording each attempt in `attempts`. Resolves when the
   * browser may go back: after the service answered an immediate postback, at once for a delayed
   * or held one.
   */
  dispatch(fields: FormFields, attempts: SandboxPostbackAttempt[]): Promise<void> {
    const { postbackDelayMs } = this.#settings()
    if (postbackDelayMs <= 0) return this.#due(fields, attempts)
    const delayed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        void this.#due(fields, attempts).finally(resolve)
      }, postbackDelayMs)
      this.#timers.set(timer, () => {
        attempts.push(dropped())
        resolve()
      })
    })
    void this.#track(delayed)
    return Promise.resolve()
  }

  /** Holds every postback that falls due from now on, until the gate is released. */
  hold(): SandboxGate {
    if (this.#hold?.active) {
      throw new SandboxGateError('gate_busy', 'CashNet postbacks are already held')
    }
    this.#hold = new SandboxHold('CashNet postback')
    return this.#hold.gate()
  }

  /** Resolves when every postback sent or due so far has been answered; held ones are not waited for. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight])
  }

  /** Drops held and delayed postbacks (recorded as dropped, never sent) and ends the hold. */
  drop(): void {
    this.#hold?.drop()
    this.#hold = null
    for (const [timer, drop] of this.#timers) {
      clearTimeout(timer)
      drop()
    }
    this.#timers.clear()
  }

  #due(fields: FormFields, attempts: SandboxPostbackAttempt[]): Promise<void> {
    if (this.#hold?.active) {
      void this.#whenReleased(this.#hold.enter(), fields, attempts)
      return Promise.resolve()
    }
    return this.#track(this.#deliver(fields, attempts))
  }

  async #whenReleased(
    passage: GatePassage,
    fields: FormFields,
    attempts: SandboxPostbackAttempt[],
  ): Promise<void> {
    try {
      if (await passage.released) await this.#track(this.#deliver(fields, attempts))
      else attempts.push(dropped())
    } finally {
      passage.finish()
    }
  }

  /** Every copy in sequence, the way a notifier retrying on its own schedule would. */
  async #deliver(fields: FormFields, attempts: SandboxPostbackAttempt[]): Promise<void> {
    const { postbackUrl, duplicatePostbacks } = this.#settings()
    const body = encodeForm(fields)
    for (let copy = 0; copy <= duplicatePostbacks; copy++) {
      attempts.push(await postOnce(postbackUrl, body))
    }
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work)
    void work.finally(() => this.#inFlight.delete(work))
    return work
  }
}

function dropped(): SandboxPostbackAttempt {
  return {
    status: null,
    error: 'dropped: the sandbox was reset or closed before it was sent',
    at: new Date().toISOString(),
  }
}

async function postOnce(url: string, body: string): Promise<SandboxPostbackAttempt> {
  const at = new Date().toISOString()
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(postbackTimeoutMs),
    })
    await response.arrayBuffer()
    return { status: response.status, error: null, at }
  } catch (error) {
    return { status: null, error: error instanceof Error ? error.message : String(error), at }
  }
}
