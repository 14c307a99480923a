/** The status page's decision for each answer about the checkout: the screen and what to ask next. */
import { describe, expect, it } from 'vitest'
import type { CheckoutStatus } from '../../../common/api.ts'
import type { PayCheckoutState } from '../../../common/payApi.ts'
import {
  decideFollow,
  startFollowing,
  type FollowProgress,
  type FollowTiming,
} from '../../../web/pay/src/follow.ts'
import { payCheckoutState } from './checkoutStates.ts'

const timing: FollowTiming = {
  longPollSeconds: 25,
  pendingPatienceMs: 20_000,
  paidPatienceMs: 30_000,
  latePostbackGraceMs: 120_000,
}
const t0 = Date.parse('2026-03-02T10:00:00.000Z')
const expiresAt = t0 + 19 * 60_000
const bound = expiresAt + timing.latePostbackGraceMs

function decide(
  status: CheckoutStatus,
  at: number,
  options: {
    screen?: string
    progress?: Partial<FollowProgress>
    extra?: Partial<PayCheckoutState>
  } = {},
) {
  return decideFollow({
    state: payCheckoutState(status, expiresAt, options.extra),
    screen: { name: options.screen ?? 'waiting' },
    progress: { ...startFollowing(t0), ...options.progress },
    now: at,
    timing,
  })
}

describe('decideFollow', () => {
  it('waits for a pending checkout, waking up when the pending patience ends', () => {
    expect(decide('pending', t0 + 8_000)).toMatchObject({
      screen: { name: 'waiting' },
      next: { kind: 'wait', known: 'pending', seconds: 12 },
    })
  })

  it('cancels a checkout still pending after the patience, once', () => {
    expect(decide('pending', t0 + 20_000).next).toEqual({ kind: 'cancel' })
    // A cancel that got no answer: the service expires the checkout at its time; watch till then.
    expect(decide('pending', t0 + 21_000, { progress: { cancelAsked: true } }).next).toEqual({
      kind: 'wait',
      known: 'pending',
      seconds: 25,
    })
    expect(
      decide('pending', expiresAt - 3_500, { progress: { cancelAsked: true } }).next,
    ).toMatchObject({ seconds: 4 })
  })

  it.each(['cancelled', 'expired'] as const)(
    'says a %s checkout is not paid and watches it for a late payment until the bound',
    (status) => {
      expect(decide(status, t0 + 21_000)).toMatchObject({
        screen: { name: 'notPaid' },
        next: { kind: 'wait', known: status, seconds: 25 },
      })
      expect(decide(status, bound - 2_500, { screen: 'notPaid' }).next).toEqual({
        kind: 'wait',
        known: status,
        seconds: 3,
      })
      expect(decide(status, bound, { screen: 'notPaid' })).toMatchObject({
        screen: { name: 'notPaid' },
        next: { kind: 'stop' },
      })
    },
  )

  it('gives a payment reported after "not paid" its own paid patience', () => {
    const late = t0 + 5 * 60_000
    const seen = decide('paid', late, { screen: 'notPaid', progress: { cancelAsked: true } })
    expect(seen.screen).toEqual({ name: 'waiting' })
    expect(seen.progress.paidSeenAt).toBe(late)
    expect(seen.next).toEqual({ kind: 'wait', known: 'paid', seconds: 25 })
    const slow = decide('paid', late + 30_000, { progress: seen.progress })
    expect(slow.screen).toEqual({ name: 'exceptionReceipt' })
  })

  it('counts the paid patience from the return when the payment came straight away', () => {
    const first = decide('paid', t0 + 10_000)
    expect(first.progress.paidSeenAt).toBe(t0)
    expect(first.next).toMatchObject({ seconds: 20 })
    expect(decide('paid', t0 + 30_000, { progress: first.progress }).screen).toEqual({
      name: 'exceptionReceipt',
    })
  })

  it('keeps the exception receipt while posting goes on, and follows it to the end', () => {
    expect(decide('paid', t0 + 40_000, { screen: 'exceptionReceipt' })).toMatchObject({
      screen: { name: 'exceptionReceipt' },
      next: { kind: 'wait', known: 'paid', seconds: 25 },
    })
  })

  it('stops at a final state with its screen', () => {
    const receipt = {
      transactionId: 'CN1',
      amountCents: 1500,
      postedAt: null,
      lines: [],
      unappliedCents: 0,
      exceptionReference: null,
      remainingBalanceCents: 0,
    }
    expect(decide('posted', t0, { extra: { receipt } })).toMatchObject({
      screen: { name: 'receipt' },
      next: { kind: 'stop' },
    })
    expect(
      decide('posted', t0, { extra: { receipt: { ...receipt, exceptionReference: 'EXC-1' } } })
        .screen,
    ).toEqual({ name: 'exceptionReceipt' })
    expect(decide('posted', t0).screen).toEqual({ name: 'exceptionReceipt' })
    expect(decide('posted_with_exceptions', t0).screen).toEqual({ name: 'exceptionReceipt' })
    expect(decide('failed', t0, { extra: { message: 'Card declined' } })).toMatchObject({
      screen: { name: 'declined', message: 'Card declined' },
      next: { kind: 'stop' },
    })
  })
})
