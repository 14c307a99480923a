/**
 * The status page following a checkout after the patron came back from CashNet, against a
 * simulated service on a simulated clock: long-polls answer when the status changes or at their
 * `wait`, and scripted postbacks change the status at given times. The page may cancel a checkout
 * that stays pending, but a payment CashNet reports late must still turn into its receipt.
 */
import { describe, expect, it } from 'vitest'
import type { CheckoutStatus, Receipt } from '../../../common/api.ts'
import type { PayFees, PaySessionInfo } from '../../../common/payApi.ts'
import { PayApiError, type PayApi } from '../../../web/pay/src/payApi.ts'
import { createPayStore, defaultPayTiming } from '../../../web/pay/src/payStore.ts'
import { payCheckoutState } from './checkoutStates.ts'

const returnedAt = Date.parse('2026-03-02T10:00:00.000Z')
/** CHECKOUT_TTL_MINUTES: the checkout was made a minute before the patron came back. */
const expiresAt = returnedAt - 60_000 + 20 * 60_000

const info: PaySessionInfo = {
  csrfToken: 'csrf',
  channel: 'link',
  library: { name: 'Test Library', primaryColor: '#003366', accentColor: '#ffcc00' },
  languages: ['en', 'es'],
  defaultLanguage: 'en',
  currency: 'USD',
  minPaymentCents: 100,
  showItemTitles: true,
  feeTypeNames: {},
  hasCheckout: true,
  returnUrl: null,
}

const fees: PayFees = {
  patron: { displayName: 'Ana P.', notices: [] },
  fees: [],
  feesBeingPosted: [],
  totalCents: 0,
  currency: 'USD',
}

const receipt: Receipt = {
  transactionId: 'CN1',
  amountCents: 1500,
  postedAt: '2026-03-02T10:01:02.000Z',
  lines: [
    {
      feeId: 'f1',
      description: 'Overdue fine',
      title: null,
      amountCents: 1500,
      remainingCents: 0,
    },
  ],
  unappliedCents: 0,
  exceptionReference: null,
  remainingBalanceCents: 0,
}

type Call =
  | { kind: 'read'; at: number }
  | { kind: 'wait'; at: number; known: CheckoutStatus; seconds: number }
  | { kind: 'cancel'; at: number }

/**
 * The service as the page sees it. `events`: status changes at ms after the return (a postback's
 * `paid`, the worker's `posted`); a cancel turns `pending` into `cancelled`, like the service.
 */
function simulatedService(
  events: { at: number; status: CheckoutStatus }[],
  options: { unreachableFrom?: number } = {},
) {
  let clock = 0
  let status: CheckoutStatus = 'pending'
  const pending = [...events].sort((a, b) => a.at - b.at)
  const calls: Call[] = []

  function advanceTo(at: number) {
    clock = at
    while (pending[0] && pending[0].at <= clock) status = pending.shift()?.status ?? status
  }
  const state = () => payCheckoutState(status, expiresAt, status === 'posted' ? { receipt } : {})

  const api: PayApi = {
    session: () => Promise.resolve(info),
    fees: () => Promise.resolve(fees),
    createCheckout: () => Promise.reject(new Error('not on the status page')),
    checkout(wait) {
      advanceTo(clock)
      if (options.unreachableFrom !== undefined && clock >= options.unreachableFrom) {
        // No answer: the request gives up after a while.
        calls.push({ kind: 'read', at: clock })
        advanceTo(clock + 10_000)
        return Promise.reject(new PayApiError('network', 'The service did not answer.'))
      }
      if (!wait) {
        calls.push({ kind: 'read', at: clock })
        return Promise.resolve(state())
      }
      calls.push({ kind: 'wait', at: clock, ...wait })
      if (wait.seconds > 30) throw new Error('the service allows at most 30 s')
      if (status === wait.known) {
        const deadline = clock + wait.seconds * 1000
        const next = pending[0]
        advanceTo(next && next.at <= deadline ? next.at : deadline)
      }
      return Promise.resolve(state())
    },
    cancelCheckout() {
      calls.push({ kind: 'cancel', at: clock })
      if (status === 'pending') status = 'cancelled'
      return Promise.resolve(state())
    },
  }
  return { api, calls, now: () => returnedAt + clock, elapsed: () => clock }
}

function storeOver(service: ReturnType<typeof simulatedService>) {
  const screens: string[] = []
  const store = createPayStore({
    api: service.api,
    navigate: () => undefined,
    rememberedLanguage: null,
    rememberLanguage: () => undefined,
    browserLanguages: ['en'],
    now: service.now,
    timing: { retryMs: 1 },
  })
  store.subscribe((state, previous) => {
    if (state.screen !== previous.screen) screens.push(state.screen.name)
  })
  return { store, screens }
}

/** The follow loop ends by itself: with a receipt, or once no postback can be expected. */
async function followToTheEnd(service: ReturnType<typeof simulatedService>) {
  const { store, screens } = storeOver(service)
  await store.getState().openStatus()
  return { state: store.getState(), screens }
}

const lastAsk = (calls: Call[]) => calls.filter((call) => call.kind !== 'cancel').at(-1)

describe('the pay status page after cancelling a checkout that stayed pending', () => {
  it('cancels after the pending patience and shows "not paid"', async () => {
    const service = simulatedService([])
    const { screens } = await followToTheEnd(service)
    const cancel = service.calls.find((call) => call.kind === 'cancel')
    expect(cancel?.at).toBe(defaultPayTiming.pendingPatienceMs)
    expect(screens).toContain('notPaid')
  })

  it('shows the receipt when CashNet reports the payment after the cancel', async () => {
    // The patron paid in the CashNet tab after all: the postback comes 2 min after the return.
    const service = simulatedService([
      { at: 120_000, status: 'paid' },
      { at: 122_000, status: 'posted' },
    ])
    const { state, screens } = await followToTheEnd(service)
    expect(screens).toContain('notPaid')
    expect(state.screen.name).toBe('receipt')
    expect(state.checkoutState?.receipt).toEqual(receipt)
    // It watched the cancelled checkout with the long-poll, never faster than the service allows.
    const late = service.calls.filter((call) => call.kind === 'wait' && call.known === 'cancelled')
    expect(late.length).toBeGreaterThan(0)
    expect(late.length).toBeLessThanOrEqual(Math.ceil(100_000 / 25_000) + 1)
  })

  it('waits for the posting of a late payment before saying the library will finish it', async () => {
    const service = simulatedService([
      { at: 300_000, status: 'paid' },
      { at: 300_000 + defaultPayTiming.paidPatienceMs + 60_000, status: 'posted' },
    ])
    const { state, screens } = await followToTheEnd(service)
    // notPaid → waiting (payment received) → exception receipt after the paid patience → receipt.
    const afterNotPaid = screens.slice(screens.lastIndexOf('notPaid') + 1)
    expect(afterNotPaid).toEqual(['waiting', 'exceptionReceipt', 'receipt'])
    expect(state.screen.name).toBe('receipt')
  })

  it('keeps watching until the checkout’s time with CashNet is over, then stops', async () => {
    const service = simulatedService([])
    const { state } = await followToTheEnd(service)
    expect(state.screen.name).toBe('notPaid')
    const last = lastAsk(service.calls)
    const bound = expiresAt - returnedAt + defaultPayTiming.latePostbackGraceMs
    // Watched right up to the bound, and asked nothing after it.
    expect(service.elapsed()).toBeGreaterThanOrEqual(bound)
    expect(last?.at).toBeLessThan(bound)
  })

  it('still shows a payment that arrives in the last moments before the bound', async () => {
    const bound = expiresAt - returnedAt + defaultPayTiming.latePostbackGraceMs
    const service = simulatedService([
      { at: bound - 1_000, status: 'paid' },
      { at: bound + 5_000, status: 'posted' },
    ])
    const { state } = await followToTheEnd(service)
    expect(state.screen.name).toBe('receipt')
  })

  it('stops retrying an unreachable service once no payment can come any more', async () => {
    const service = simulatedService([], { unreachableFrom: 60_000 })
    const { state } = await followToTheEnd(service)
    const bound = expiresAt - returnedAt + defaultPayTiming.latePostbackGraceMs
    expect(state.screen.name).toBe('notPaid')
    expect(state.connectionTrouble).toBe(true)
    expect(lastAsk(service.calls)?.at).toBeLessThan(bound)
  })
})

describe('the pay status page without a cancel', () => {
  it('shows the receipt of a payment posted while it waited', async () => {
    const service = simulatedService([
      { at: 3_000, status: 'paid' },
      { at: 4_000, status: 'posted' },
    ])
    const { state, screens } = await followToTheEnd(service)
    expect(service.calls.some((call) => call.kind === 'cancel')).toBe(false)
    expect(screens).not.toContain('notPaid')
    expect(state.screen.name).toBe('receipt')
  })

  it('says the library will finish a payment that stays unposted past the paid patience', async () => {
    const service = simulatedService([
      { at: 3_000, status: 'paid' },
      { at: 3_000 + 5 * 60_000, status: 'posted' },
    ])
    const { state, screens } = await followToTheEnd(service)
    expect(screens).toEqual(['waiting', 'exceptionReceipt', 'receipt'])
    expect(state.screen.name).toBe('receipt')
  })

  it('stops at a final answer', async () => {
    const service = simulatedService([{ at: 5_000, status: 'failed' }])
    const { state } = await followToTheEnd(service)
    expect(state.screen.name).toBe('declined')
    expect(service.elapsed()).toBe(5_000)
    expect(lastAsk(service.calls)?.at).toBeLessThan(5_000)
  })
})
