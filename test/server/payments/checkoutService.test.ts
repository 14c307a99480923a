import { afterEach, describe, expect, it } from 'vitest'
import { checkoutCreatedSchema } from '../../../common/api.ts'
import { PaymentError } from '../../../server/payments/errors.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { kioskId, startHarness, type Harness, type HarnessOptions } from './harness.ts'

async function paymentErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof PaymentError) return error.kind
    throw error
  }
  throw new Error('expected a PaymentError')
}

describe('server/payments/checkoutService', () => {
  let h: Harness | undefined
  const start = async (options: HarnessOptions = {}) => {
    h = await startHarness(options)
    return h
  }
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('creates a checkout from fresh balances and stores what the worker needs, not what the kiosk sees', async () => {
    const h = await start()
    const lookup = await h.lookup(sandboxCards.severalFees)
    const created = checkoutCreatedSchema.parse(
      await h.checkouts.create(kioskId, { lookupId: lookup.lookupId }),
    )
    const url = new URL(created.checkoutUrl)
    expect(url.searchParams.get('itemcnt')).toBe('3')
    expect(url.searchParams.get('itemcode2')).toBe('LIB-LOST')
    expect(url.searchParams.get('itemcode3')).toBe('LIB-FINE')
    expect(url.searchParams.get('ref1val1')).toBe(created.checkoutId)
    expect(url.searchParams.get('signouturl')).toBe(`${h.baseUrl}/cashnet/return`)
    expect(Date.parse(created.expiresAt) - h.clock.now()).toBeGreaterThan(19 * 60_000)

    const stored = await h.repo.getCheckout(created.checkoutId)
    expect(stored).toMatchObject({
      kioskId,
      primaryId: h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees),
      currency: 'USD',
      status: 'pending',
    })
    expect(stored?.lines.map((l) => [l.feeType, l.description, l.title])).toEqual([
      ['OVERDUEFINE', 'Overdue fine', 'The social life of language / Gillian Sankoff.'],
      ['LOSTITEMREPLACEMENTFEE', 'Lost item replacement fee', expect.any(String)],
      ['LOSTITEMPROCESSFEE', 'Lost item process fee', null],
    ])
  })

  it('refuses lookups that expired, are unknown or belong to another kiosk', async () => {
    const h = await start()
    const lookup = await h.lookup(sandboxCards.oneFee)
    expect(await paymentErrorOf(h.checkouts.create(kioskId, { lookupId: 'unknown' }))).toBe(
      'lookup_expired',
    )
    expect(await paymentErrorOf(h.checkouts.create('kiosk-2', { lookupId: lookup.lookupId }))).toBe(
      'lookup_expired',
    )
    h.clock.advance(16 * 60_000)
    expect(await paymentErrorOf(h.checkouts.create(kioskId, { lookupId: lookup.lookupId }))).toBe(
      'lookup_expired',
    )
  })

  it('validates the selection and the amount', async () => {
    const h = await start({ minPaymentCents: 500 })
    const several = await h.lookup(sandboxCards.severalFees)
    const one = await h.lookup(sandboxCards.oneFee)
    const [first] = several.fees
    const create = (request: Parameters<Harness['checkouts']['create']>[1]) =>
      paymentErrorOf(h.checkouts.create(kioskId, request))

    expect(await create({ lookupId: several.lookupId, feeIds: [one.fees[0]?.id ?? ''] })).toBe(
      'invalid_request',
    )
    expect(
      await create({ lookupId: several.lookupId, feeIds: [first?.id ?? '', first?.id ?? ''] }),
    ).toBe('invalid_request')
    expect(await create({ lookupId: several.lookupId, amountCents: 4276 })).toBe('invalid_amount')
    expect(await create({ lookupId: several.lookupId, amountCents: 499 })).toBe('invalid_amount')
    expect(await create({ lookupId: one.lookupId, amountCents: 200 })).toBe('invalid_amount')

    // A total below the minimum may still be paid in full.
    const small = await h.checkouts.create(kioskId, { lookupId: one.lookupId })
    expect(small.amountCents).toBe(300)
    const exact = await h.checkouts.create(kioskId, { lookupId: one.lookupId, amountCents: 300 })
    expect(exact.lines).toEqual([{ feeId: one.fees[0]?.id, amountCents: 300 }])
    const partial = await h.checkouts.create(kioskId, {
      lookupId: several.lookupId,
      amountCents: 500,
    })
    expect(partial.lines).toEqual([{ feeId: first?.id, amountCents: 500 }])
  })

  it('refuses with fees_changed when a fee was paid or closed since the lookup', async () => {
    const h = await start()
    const lookup = await h.lookup(sandboxCards.severalFees)
    h.sandboxAlma.closeFee(lookup.fees[1]?.id ?? '')
    expect(await paymentErrorOf(h.checkouts.create(kioskId, { lookupId: lookup.lookupId }))).toBe(
      'fees_changed',
    )
    // Fees that are still open can still be paid.
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      feeIds: [lookup.fees[0]?.id ?? ''],
    })
    expect(created.amountCents).toBe(1250)
  })

  it('answers alma_unavailable when fresh balances cannot be read', async () => {
    const h = await start()
    const lookup = await h.lookup(sandboxCards.oneFee)
    h.sandboxAlma.setFaults({ down: true })
    expect(await paymentErrorOf(h.checkouts.create(kioskId, { lookupId: lookup.lookupId }))).toBe(
      'alma_unavailable',
    )
    expect(await h.repo.listEvents()).toEqual([])
  })

  it('never shows one kiosk another kiosk’s checkout', async () => {
    const h = await start()
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    for (const attempt of [
      h.checkouts.getState('kiosk-2', created.checkoutId),
      h.checkouts.cancel('kiosk-2', created.checkoutId),
      h.checkouts.waitForChange('kiosk-2', created.checkoutId, 'pending', 1_000),
      h.checkouts.getState(kioskId, 'no-such-checkout'),
    ]) {
      expect(await paymentErrorOf(attempt)).toBe('checkout_not_found')
    }
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('pending')
  })

  it('cancels a pending checkout once and leaves later states alone', async () => {
    const h = await start()
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const cancelled = await h.checkouts.cancel(kioskId, created.checkoutId)
    expect(cancelled).toMatchObject({ status: 'cancelled', message: 'Cancelled at the kiosk.' })
    expect((await h.checkouts.cancel(kioskId, created.checkoutId)).status).toBe('cancelled')
    const events = await h.repo.listEvents({ checkoutId: created.checkoutId })
    expect(events.map((e) => e.type)).toEqual(['checkout_created', 'checkout_cancelled'])
  })

  it('expires a pending checkout past its time, when read and in the sweep', async () => {
    const h = await start({ checkoutTtlMs: 60_000 })
    const lookup = await h.lookup(sandboxCards.severalFees)
    const read = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const swept = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const published: string[] = []
    h.notifier.subscribeAll((change) => published.push(`${change.checkoutId}:${change.status}`))
    h.clock.advance(61_000)
    expect(await h.checkouts.getState(kioskId, read.checkoutId)).toMatchObject({
      status: 'expired',
      message: 'The payment was not completed in time.',
    })
    expect(await h.checkouts.expireStale()).toBe(1)
    expect(await h.checkouts.expireStale()).toBe(0)
    expect((await h.checkouts.getState(kioskId, swept.checkoutId)).status).toBe('expired')
    expect(published).toEqual([`${read.checkoutId}:expired`, `${swept.checkoutId}:expired`])
  })

  it('waits for a change: answers at once when already changed, on a change, at expiry or at the timeout', async () => {
    const h = await start({ checkoutTtlMs: 400 })
    const lookup = await h.lookup(sandboxCards.oneFee)
    const first = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })

    const timedOut = await h.checkouts.waitForChange(kioskId, first.checkoutId, 'pending', 50)
    expect(timedOut.status).toBe('pending')

    const waiting = h.checkouts.waitForChange(kioskId, first.checkoutId, 'pending', 20_000)
    await h.checkouts.cancel(kioskId, first.checkoutId)
    expect((await waiting).status).toBe('cancelled')
    expect(
      (await h.checkouts.waitForChange(kioskId, first.checkoutId, 'pending', 20_000)).status,
    ).toBe('cancelled')

    const second = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const expired = await h.checkouts.waitForChange(kioskId, second.checkoutId, 'pending', 20_000)
    expect(expired.status).toBe('expired')
    expect(h.notifier.listenerCount()).toBe(0)
  })

  it('notices a change made by another process through the fallback re-read', async () => {
    const h = await start()
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const waiting = h.checkouts.waitForChange(kioskId, created.checkoutId, 'pending', 20_000)
    // Straight to the store, bypassing the notifier, as a second service process would.
    await h.repo.transitionCheckout(created.checkoutId, {
      from: ['pending'],
      to: 'cancelled',
      now: h.clock.now(),
      event: 'checkout_cancelled',
    })
    expect((await waiting).status).toBe('cancelled')
  })
})
