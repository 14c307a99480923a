/**
 * How the status page follows the session's checkout after CashNet sent the patron back: the
 * screen for each answer, and what to ask next. Pure, so the store only calls the API and sleeps.
 *
 * Back from CashNet with nothing reported for a while, the patron most likely pressed Cancel there
 * (CashNet sends nothing then), so the page cancels the checkout and says it was not paid. But the
 * patron may have paid in the CashNet tab after all, and the service honours a successful postback
 * for a cancelled or expired checkout: the page keeps long-polling it until the checkout's time
 * with CashNet is over (plus a grace for the postback on its way), and shows the receipt if a
 * payment comes.
 */
import type { CheckoutStatus } from '../../../common/api.ts'
import type { PayCheckoutState } from '../../../common/payApi.ts'

type FollowScreen =
  | { name: 'waiting' }
  | { name: 'receipt' }
  | { name: 'exceptionReceipt' }
  | { name: 'declined'; message: string | null }
  | { name: 'notPaid' }

export interface FollowTiming {
  /** Longest long-poll to ask for (the service allows 30 s). */
  longPollSeconds: number
  /** Back from CashNet with nothing reported this long: most likely they cancelled there. */
  pendingPatienceMs: number
  /** Paid but not posted this long: the honest "received, the library will finish". */
  paidPatienceMs: number
  /** After the checkout's `expiresAt`: a payment made at the last moment, its postback on the way. */
  latePostbackGraceMs: number
}

export interface FollowProgress {
  /** When the page began following (back from CashNet): the pending patience counts from here. */
  startedAt: number
  /** When the page first saw the payment received; the paid patience counts from here. */
  paidSeenAt: number | null
  /** The page asked the service to cancel the checkout (once). */
  cancelAsked: boolean
}

export type FollowNext =
  /** Long-poll: answered when the status differs from `known`, or after `seconds`. */
  | { kind: 'wait'; known: CheckoutStatus; seconds: number }
  /** Nothing reported within the pending patience: cancel the checkout, then decide again. */
  | { kind: 'cancel' }
  /** The checkout is final, or no payment can be expected any more. */
  | { kind: 'stop' }

export interface FollowDecision {
  screen: FollowScreen
  progress: FollowProgress
  next: FollowNext
}

export function startFollowing(now: number): FollowProgress {
  return { startedAt: now, paidSeenAt: null, cancelAsked: false }
}

/** Seconds for a long-poll that should end by `until`: at least 1, at most the usual. */
function secondsUntil(until: number, now: number, timing: FollowTiming): number {
  return Math.max(1, Math.min(timing.longPollSeconds, Math.ceil((until - now) / 1000)))
}

/** Until when a payment for this checkout can still be reported: its time with CashNet, plus grace. */
function latePaymentBound(state: PayCheckoutState, timing: FollowTiming): number {
  return Date.parse(state.expiresAt) + timing.latePostbackGraceMs
}

/**
 * The screen for the checkout's latest state and the next step. `screen` is what the page shows
 * now: an exception receipt only improves to the full receipt.
 */
export function decideFollow(input: {
  state: PayCheckoutState
  screen: { name: string }
  progress: FollowProgress
  now: number
  timing: FollowTiming
}): FollowDecision {
  const { state, progress, now, timing } = input
  const stop = (screen: FollowScreen): FollowDecision => ({
    screen,
    progress,
    next: { kind: 'stop' },
  })

  switch (state.status) {
    case 'posted': {
      const receipt = state.receipt
      const partly = !receipt || receipt.unappliedCents > 0 || receipt.exceptionReference !== null
      return stop({ name: partly ? 'exceptionReceipt' : 'receipt' })
    }
    case 'posted_with_exceptions':
      return stop({ name: 'exceptionReceipt' })
    case 'failed':
      return stop({ name: 'declined', message: state.message ?? null })
    case 'cancelled':
    case 'expired': {
      // Not paid, as far as anyone knows yet; a late postback still makes it paid.
      const bound = latePaymentBound(state, timing)
      if (now >= bound) return stop({ name: 'notPaid' })
      return {
        screen: { name: 'notPaid' },
        progress,
        next: { kind: 'wait', known: state.status, seconds: secondsUntil(bound, now, timing) },
      }
    }
    case 'paid': {
      // Straight back from CashNet the patience counts from the return; a payment reported after
      // the page said "not paid" gets its own full patience from the moment it was seen.
      const paidSeenAt =
        progress.paidSeenAt ?? (input.screen.name === 'notPaid' ? now : progress.startedAt)
      const patienceEnd = paidSeenAt + timing.paidPatienceMs
      const slow = input.screen.name === 'exceptionReceipt' || now >= patienceEnd
      // Posting always ends (posted, or an exception for staff): followed to the full receipt.
      return {
        screen: { name: slow ? 'exceptionReceipt' : 'waiting' },
        progress: { ...progress, paidSeenAt },
        next: {
          kind: 'wait',
          known: 'paid',
          seconds: slow ? timing.longPollSeconds : secondsUntil(patienceEnd, now, timing),
        },
      }
    }
    case 'pending': {
      const patienceEnd = progress.startedAt + timing.pendingPatienceMs
      if (!progress.cancelAsked && now >= patienceEnd) {
        return { screen: { name: 'waiting' }, progress, next: { kind: 'cancel' } }
      }
      // Before the patience ends, wake up in time to cancel; after a cancel that did not go
      // through, the service expires the checkout at `expiresAt` and the answer says so.
      const until = progress.cancelAsked ? Date.parse(state.expiresAt) + 1 : patienceEnd
      return {
        screen: { name: 'waiting' },
        progress,
        next: { kind: 'wait', known: 'pending', seconds: secondsUntil(until, now, timing) },
      }
    }
  }
}
