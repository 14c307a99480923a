import type { CheckoutRequest, CheckoutState } from '../../../common/api.ts'
import { finalCheckoutStatuses } from '../../../common/checkoutStatus.ts'
import { isKioskApiError } from '../api/kioskApiError.ts'
import type { PaymentProblem, Screen } from './screens.ts'
import { selectedFees, selectedTotalCents } from './selectors.ts'
import { ended, sleep } from './session.ts'
import type { KioskDeps, KioskSlice, KioskState, PaymentSlice } from './types.ts'

export const initialPayment = {
  checkout: null,
  checkoutState: null,
  returnedAt: null,
  connectionTrouble: false,
  gaveUpWaiting: false,
}

function checkoutProblem(error: unknown): PaymentProblem {
  if (isKioskApiError(error) && error.kind === 'rejected') {
    if (error.code === 'lookup_expired') return 'lookupExpired'
    if (error.code === 'fees_changed') return 'feesChanged'
    if (error.code === 'fee_being_posted') return 'feeBeingPosted'
    if (error.code === 'invalid_amount') return 'invalidAmount'
  }
  return 'paymentUnavailable'
}

/**
 * The screen for a checkout the service finished. `afterReturn`: the patron came back from the
 * CashNet page, so a cancelled checkout shows its reference in case a payment still arrives.
 */
function finishedScreen(state: CheckoutState, afterReturn: boolean): Screen | null {
  switch (state.status) {
    case 'posted': {
      const receipt = state.receipt
      // Without a receipt there is nothing to show line by line: the exception receipt says so.
      const partlyUnposted =
        receipt === undefined || receipt.unappliedCents > 0 || receipt.exceptionReference !== null
      return { name: partlyUnposted ? 'exceptionReceipt' : 'receipt' }
    }
    case 'posted_with_exceptions':
      return { name: 'exceptionReceipt' }
    case 'failed':
      return { name: 'declined', message: state.message ?? null }
    case 'cancelled':
    case 'expired':
      return {
        name: 'cancelled',
        expired: state.status === 'expired',
        reference: afterReturn ? state.checkoutId : null,
      }
    case 'pending':
    case 'paid':
      return null
  }
}

/** Where "try again" leads from an unsuccessful payment; null where only starting over helps. */
export function retryScreen(screen: Screen): Screen | null {
  switch (screen.name) {
    case 'declined':
      return { name: 'confirm' }
    case 'cancelled':
      return { name: 'fines' }
    case 'problem':
      if (screen.problem === 'invalidAmount') return { name: 'fines' }
      if (screen.problem === 'paymentUnavailable' || screen.problem === 'checkoutFailed') {
        return { name: 'confirm' }
      }
      return null
    default:
      return null
  }
}

/** Screens on which a status change for the current checkout moves the patron on. */
const waitingScreens = new Set(['confirming', 'notConfirmed', 'exceptionReceipt'])

type Set = (partial: Partial<KioskState>) => void
type Get = () => KioskState

/**
 * Moves the screen along for a new checkout status. Returns nothing: the screen is in the store.
 * While the CashNet page is still open only an end decided by the service (cancelled, expired)
 * closes it; everything else waits until the patron leaves the page.
 */
function applyCheckoutState(deps: KioskDeps, set: Set, get: Get, state: CheckoutState): void {
  const { screen, checkout, returnedAt } = get()
  if (checkout?.checkoutId !== state.checkoutId) return
  set({ checkoutState: state })
  if (screen.name === 'checkout') {
    if (state.status === 'cancelled' || state.status === 'expired') {
      void deps.host.closeCheckout()
      set({
        screen: finishedScreen(state, false) ?? {
          name: 'cancelled',
          expired: false,
          reference: null,
        },
      })
    }
    return
  }
  // After the kiosk gave up waiting and cancelled, a late payment still turns into its receipt.
  const lateAfterCancel = screen.name === 'cancelled' && get().gaveUpWaiting
  if (!waitingScreens.has(screen.name) && !lateAfterCancel) return
  const finished = finishedScreen(state, returnedAt !== null)
  if (finished) {
    // An exception receipt only improves to a full receipt; it never turns into anything else.
    if (screen.name === 'exceptionReceipt' && finished.name !== 'receipt') return
    if (lateAfterCancel && finished.name === 'cancelled') return
    set({ screen: finished })
    return
  }
  if (screen.name !== 'confirming' || returnedAt === null) return
  const waited = deps.now() - returnedAt
  if (state.status === 'paid' && waited >= deps.timing.paidPatienceMs) {
    set({ screen: { name: 'exceptionReceipt' } })
  } else if (
    state.status === 'pending' &&
    waited >= deps.timing.pendingPatienceMs &&
    !get().gaveUpWaiting
  ) {
    set({ gaveUpWaiting: true })
    void cancelUnconfirmed(deps, set, get, state.checkoutId)
  }
}

/**
 * The patron left CashNet and no payment was reported within the grace period: most likely they
 * pressed Cancel there (CashNet sends nothing then). Cancel the checkout so it cannot linger; if
 * a payment was taken after all, the service still honours and posts it.
 */
async function cancelUnconfirmed(deps: KioskDeps, set: Set, get: Get, checkoutId: string) {
  const { signal } = deps.scope
  const state = await deps.api.cancelCheckout(checkoutId, signal).catch(() => null)
  if (ended(signal) || get().screen.name !== 'confirming') return
  if (state && state.status !== 'pending') applyCheckoutState(deps, set, get, state)
  else set({ screen: { name: 'notConfirmed' } })
}

/** Seconds to wait in the next long-poll: the usual, or less when a patience window ends sooner. */
function nextWaitSeconds(deps: KioskDeps, get: Get): number {
  const { returnedAt, checkoutState, screen } = get()
  const usual = deps.timing.longPollSeconds
  if (screen.name !== 'confirming' || returnedAt === null) return usual
  const patience =
    checkoutState?.status === 'paid' ? deps.timing.paidPatienceMs : deps.timing.pendingPatienceMs
  const left = Math.ceil((returnedAt + patience - deps.now()) / 1000)
  return Math.max(1, Math.min(usual, left))
}

/** Follows a checkout's status with long-polls until it is final or the session ends. */
async function watchCheckout(deps: KioskDeps, set: Set, get: Get, checkoutId: string) {
  const { signal } = deps.scope
  let failures = 0
  while (!ended(signal)) {
    // The patron moved on to another checkout (or none): this one is no longer shown.
    if (get().checkout?.checkoutId !== checkoutId) return
    const known = get().checkoutState?.status ?? 'pending'
    try {
      const state = await deps.api.getCheckout(checkoutId, {
        waitSeconds: nextWaitSeconds(deps, get),
        knownStatus: known,
        signal,
      })
      if (ended(signal)) return
      failures = 0
      if (get().connectionTrouble) set({ connectionTrouble: false })
      applyCheckoutState(deps, set, get, state)
      // A checkout the kiosk cancelled itself is still followed: CashNet may report a payment late.
      const lateWatch = state.status === 'cancelled' && get().gaveUpWaiting
      if (finalCheckoutStatuses.includes(state.status) && !lateWatch) return
    } catch {
      if (ended(signal)) return
      failures += 1
      // One failure can be a blip; from the second on, tell the patron we are reconnecting.
      if (failures >= 2 && !get().connectionTrouble) set({ connectionTrouble: true })
      const delay = Math.min(deps.timing.retryMaxMs, deps.timing.retryBaseMs * 2 ** (failures - 1))
      await sleep(delay, signal)
    }
  }
}

export const createPaymentSlice: KioskSlice<PaymentSlice> = (deps) => (set, get) => ({
  ...initialPayment,

  async startCheckout() {
    const state = get()
    if (state.screen.name !== 'confirm' || !state.patron) return
    const { signal } = deps.scope
    const fees = selectedFees(state)
    const total = selectedTotalCents(state)
    const request: CheckoutRequest = {
      lookupId: state.patron.lookupId,
      feeIds: fees.map((fee) => fee.id),
      ...(state.partialAmountCents !== null && state.partialAmountCents < total
        ? { amountCents: state.partialAmountCents }
        : {}),
    }
    set({ ...initialPayment, screen: { name: 'startingCheckout' } })
    let checkout
    try {
      checkout = await deps.api.createCheckout(request, signal)
    } catch (error) {
      if (ended(signal)) return
      set({ screen: { name: 'problem', problem: checkoutProblem(error) } })
      return
    }
    if (ended(signal)) return
    set({
      checkout,
      checkoutState: {
        checkoutId: checkout.checkoutId,
        status: 'pending',
        amountCents: checkout.amountCents,
        lines: checkout.lines,
        expiresAt: checkout.expiresAt,
      },
      screen: { name: 'checkout' },
    })
    try {
      await deps.host.openCheckout({ checkoutId: checkout.checkoutId, url: checkout.checkoutUrl })
    } catch {
      if (ended(signal)) return
      await deps.api.cancelCheckout(checkout.checkoutId, signal).catch(() => undefined)
      if (!ended(signal)) set({ screen: { name: 'problem', problem: 'checkoutFailed' } })
      return
    }
    void watchCheckout(deps, set, get, checkout.checkoutId)
  },

  async cancelCheckout(options = {}) {
    const { screen, checkout } = get()
    if (screen.name !== 'checkout' || !checkout) return
    const { signal } = deps.scope
    set({ screen: { name: 'cancelling' } })
    await deps.host.closeCheckout().catch(() => undefined)
    const state: CheckoutState | null = await deps.api
      .cancelCheckout(checkout.checkoutId, signal)
      .catch(() => null)
    if (ended(signal)) return
    if (state?.status === 'cancelled' || state?.status === 'expired') {
      set({ checkoutState: state })
      if (options.endSessionIfCancelled) {
        await get().endSession()
        return
      }
      set({
        screen: { name: 'cancelled', expired: state.status === 'expired', reference: null },
      })
      return
    }
    // The payment may have gone through after all (or we could not tell): let the status decide.
    set({ screen: { name: 'confirming' }, returnedAt: deps.now() })
    if (state) applyCheckoutState(deps, set, get, state)
  },

  handleCheckoutEvent(event) {
    const { checkout, screen, checkoutState } = get()
    if (checkout?.checkoutId !== event.checkoutId || screen.name !== 'checkout') return
    if (event.type === 'failed') {
      void get()
        .cancelCheckout()
        .then(() => {
          if (get().screen.name === 'cancelled') {
            set({ screen: { name: 'problem', problem: 'checkoutFailed' } })
          }
        })
      return
    }
    // Returned or closed: the page is done. Only the service's status says what happened.
    void deps.host.closeCheckout().catch(() => undefined)
    set({ screen: { name: 'confirming' }, returnedAt: deps.now() })
    if (checkoutState) applyCheckoutState(deps, set, get, checkoutState)
  },

  retryPayment() {
    const { screen, patron } = get()
    if (!patron) return
    const next = retryScreen(screen)
    if (next) set({ ...initialPayment, screen: next })
  },
})
