/**
 * The posting worker's decisions, apart from any I/O: what to do next with a row, and what an Alma
 * failure means for money that may or may not have moved. Pure.
 */
import { AlmaError } from '../../alma/errors.ts'
import type { PostingRecord } from '../../store/repository.ts'

export type NextStep =
  /** The row's first attempt: nothing can have reached Alma yet, so pay without a re-read. */
  | { kind: 'pay' }
  /** An earlier attempt's outcome is unknown: nothing happens before its settle window is over. */
  | { kind: 'wait'; until: number }
  /** Read the fee, then decide (already there → posted; absent → pay again; changed → re-allocate). */
  | { kind: 'reread' }

export function nextStep(
  posting: Pick<PostingRecord, 'attempts' | 'lastAttemptAt' | 'attemptOutcome'>,
  now: number,
  settleMs: number,
): NextStep {
  if (posting.attempts === 0) return { kind: 'pay' }
  // `sent` (a crash or a takeover while the call was out) and `uncertain` both may have applied.
  if (posting.attemptOutcome !== 'refused' && posting.lastAttemptAt !== null) {
    const until = posting.lastAttemptAt + settleMs
    if (now < until) return { kind: 'wait', until }
  }
  return { kind: 'reread' }
}

export interface PayFailure {
  /** `uncertain`: Alma may have applied the payment; `refused`: it certainly did not. */
  outcome: 'uncertain' | 'refused'
  /** Alma answered something that could not be understood. */
  unreadable: boolean
  /** Refused for a reason that fixes itself or is fixed by configuration (a key): try again later. */
  retryLater: boolean
}

/**
 * A timeout, a network error, a 5xx, a 429 on a POST or an unreadable answer all leave the payment's
 * fate unknown; only an Alma error answer (4xx with its error codes) or a refused key says it did
 * not happen. Anything that is not an Alma error is ours, thrown who knows when: unknown too.
 */
export function classifyPayFailure(error: unknown): PayFailure {
  if (!(error instanceof AlmaError))
    return { outcome: 'uncertain', unreadable: false, retryLater: true }
  switch (error.kind) {
    case 'unavailable':
    case 'rate_limited':
      return { outcome: 'uncertain', unreadable: false, retryLater: true }
    case 'invalid_response':
      return { outcome: 'uncertain', unreadable: true, retryLater: true }
    case 'auth':
      return { outcome: 'refused', unreadable: false, retryLater: true }
    case 'not_found':
    case 'restricted':
    case 'rejected':
      return { outcome: 'refused', unreadable: false, retryLater: false }
  }
}

/**
 * Worth waiting for when reading: Alma busy or unreachable, a bad API key (fixed by configuration,
 * not by giving the money up) or an unreadable answer. Anything not from Alma waits for a fix too.
 */
export function worthRetrying(error: unknown): boolean {
  if (!(error instanceof AlmaError)) return true
  return error.retryable || error.kind === 'auth' || error.kind === 'invalid_response'
}

export function isUnreadable(error: unknown): boolean {
  return error instanceof AlmaError && error.kind === 'invalid_response'
}

/** A short, secret-free description for the row's `last_error` and the log. */
export function describeFailure(error: unknown): string {
  if (error instanceof AlmaError) {
    return `${error.kind}${error.status === null ? '' : ` ${error.status}`}${
      error.codes.length ? ` [${error.codes.join(',')}]` : ''
    }: ${error.message}`
  }
  return error instanceof Error ? error.message : String(error)
}
