/**
 * Faults the sandbox Alma injects: Alma's per-second threshold, an outage, random errors and hangs,
 * latency (for every call, and extra for pays), and planned pay failures — with or without the pay
 * applied first, because a real Alma can fail either way and the service must not pay twice.
 */
import {
  gatewayUnavailable,
  generalError,
  proxySignInPage,
  thresholdMessage,
  type Answer,
  type createRefusals,
} from './answers.ts'
import type { SandboxAlmaCallKind } from './callKinds.ts'

export interface SandboxAlmaFaults {
  /** Fraction 0..1 of requests answered with an injected error (half 429 with Alma's threshold body, half 500/503). */
  errorRate: number
  /** While true every request fails (connection answered with 503). */
  down: boolean
  /** Added to every answer. */
  latencyMs: number
  /** Fraction 0..1 of requests that hang until the client times out. */
  timeoutRate: number
  /**
   * Added to pay calls only, on top of `latencyMs`. The pay is applied when Alma answers, at the end
   * of the delay, whether or not the client still waits; GET calls stay fast.
   */
  payDelayMs: number
}

/** How a planned pay failure answers. */
export const sandboxPayFailures = [
  /** 500 with Alma's General Error body. */
  'error500',
  /** 503 with Alma's General Error body. */
  'error503',
  /** 429 with Alma's PER_SECOND_THRESHOLD body. */
  'threshold429',
  /** 503 with a gateway's HTML page. */
  'gateway503',
  /** No answer until the client disconnects. */
  'hang',
  /** 200 with the fee JSON cut off halfway: not JSON. */
  'truncatedJson',
  /** 200 with an HTML sign-in page: not Alma's answer at all. */
  'signInPage',
] as const
export type SandboxPayFailure = (typeof sandboxPayFailures)[number]

export interface SandboxPayFailurePlan {
  answer: SandboxPayFailure
  /** How many pay calls in a row get it (default 1). */
  count?: number | undefined
  /** Apply the pay first, then answer so (default false: the fee is unchanged). */
  applied?: boolean | undefined
}

/** Changes to the faults; an absent or undefined field keeps its value. */
export type SandboxAlmaFaultChanges = {
  [K in keyof SandboxAlmaFaults]?: SandboxAlmaFaults[K] | undefined
}

export interface PlannedPayFailure {
  answer: SandboxPayFailure
  applied: boolean
}

type Refusal = ReturnType<typeof createRefusals>

export function noFaults(latencyMs: number): SandboxAlmaFaults {
  return { errorRate: 0, down: false, latencyMs, timeoutRate: 0, payDelayMs: 0 }
}

/** The fault state of one sandbox Alma; every draw from `random` happens at a request's arrival. */
export class SandboxAlmaFaultInjector {
  faults: SandboxAlmaFaults
  readonly #defaults: () => SandboxAlmaFaults
  readonly #threshold: number
  readonly #random: () => number
  readonly #refusal: Refusal
  /** Arrival times within the last second, for the per-second threshold. */
  #arrivals: number[] = []
  #payFailures: { answer: SandboxPayFailure; applied: boolean; remaining: number }[] = []

  constructor(options: {
    defaults: () => SandboxAlmaFaults
    threshold: number
    random: () => number
    refusal: Refusal
  }) {
    this.#defaults = options.defaults
    this.faults = options.defaults()
    this.#threshold = options.threshold
    this.#random = options.random
    this.#refusal = options.refusal
  }

  set(changes: SandboxAlmaFaultChanges): void {
    const next: SandboxAlmaFaults = {
      errorRate: changes.errorRate ?? this.faults.errorRate,
      down: changes.down ?? this.faults.down,
      latencyMs: changes.latencyMs ?? this.faults.latencyMs,
      timeoutRate: changes.timeoutRate ?? this.faults.timeoutRate,
      payDelayMs: changes.payDelayMs ?? this.faults.payDelayMs,
    }
    for (const name of ['errorRate', 'latencyMs', 'timeoutRate', 'payDelayMs'] as const) {
      const value = next[name]
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`)
      }
    }
    if (next.errorRate > 1 || next.timeoutRate > 1) {
      throw new RangeError('errorRate and timeoutRate are fractions from 0 to 1')
    }
    this.faults = next
  }

  /** Queues a failure for the next `count` pay calls that would otherwise reach Alma's logic. */
  failPays(plan: SandboxPayFailurePlan): void {
    const count = plan.count ?? 1
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new RangeError(`count must be a positive integer, got ${count}`)
    }
    if (!sandboxPayFailures.includes(plan.answer)) {
      throw new RangeError(`Unknown pay failure: ${plan.answer}`)
    }
    this.#payFailures.push({
      answer: plan.answer,
      applied: plan.applied ?? false,
      remaining: count,
    })
  }

  /** Planned pay failures not used yet. */
  pendingPayFailures(): number {
    return this.#payFailures.reduce((sum, plan) => sum + plan.remaining, 0)
  }

  /** The threshold, outage and random faults, decided when the request arrives; 'hang' = never answer. */
  atArrival(startedAt: number): Answer | 'hang' | null {
    if (this.faults.down) return gatewayUnavailable
    this.#arrivals = this.#arrivals.filter((time) => time > startedAt - 1000)
    this.#arrivals.push(startedAt)
    if (this.#arrivals.length > this.#threshold) {
      return this.#refusal(429, 'PER_SECOND_THRESHOLD', thresholdMessage)
    }
    const { errorRate, timeoutRate } = this.faults
    if (errorRate > 0) {
      const draw = this.#random()
      if (draw < errorRate) {
        // Lower half: Alma's threshold answer; upper half: a server error, 500 or 503.
        if (draw < errorRate / 2)
          return this.#refusal(429, 'PER_SECOND_THRESHOLD', thresholdMessage)
        return draw < (errorRate * 3) / 4
          ? this.#refusal(500, '402119', generalError)
          : gatewayUnavailable
      }
    }
    if (timeoutRate > 0 && this.#random() < timeoutRate) return 'hang'
    return null
  }

  /** The next planned pay failure, used up by this call. */
  takePayFailure(): PlannedPayFailure | null {
    const plan = this.#payFailures[0]
    if (!plan) return null
    plan.remaining -= 1
    if (plan.remaining === 0) this.#payFailures.shift()
    return { answer: plan.answer, applied: plan.applied }
  }

  delayMs(kind: SandboxAlmaCallKind): number {
    return this.faults.latencyMs + (kind === 'payFee' ? this.faults.payDelayMs : 0)
  }

  reset(): void {
    this.faults = this.#defaults()
    this.#arrivals = []
    this.#payFailures = []
  }

  /**
   * The failing answer for a pay. `basis` is the answer Alma had for it: the paid fee when the pay
   * was applied, the fee as it stands otherwise; a truncated answer is cut from it.
   */
  payFailureAnswer(answer: SandboxPayFailure, basis: Answer): Answer | 'hang' {
    switch (answer) {
      case 'error500':
        return this.#refusal(500, '402119', generalError)
      case 'error503':
        return this.#refusal(503, '402119', generalError)
      case 'threshold429':
        return this.#refusal(429, 'PER_SECOND_THRESHOLD', thresholdMessage)
      case 'gateway503':
        return gatewayUnavailable
      case 'hang':
        return 'hang'
      case 'truncatedJson':
        return {
          status: 200,
          format: 'json',
          text: basis.text.slice(0, Math.ceil(basis.text.length / 2)),
        }
      case 'signInPage':
        return proxySignInPage
    }
  }
}
