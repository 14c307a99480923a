import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cashnetDeskReturnPath, serviceUrl } from '../../../common/cashnet.ts'
import { payPaths } from '../../../common/payApi.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { deskHolder, kioskHolder, patronHolder } from '../../../server/payments/holder.ts'
import { drainOutbox, kioskId, payOnSandbox, startHarness, type Harness } from './harness.ts'

/** Kiosks, the desk and patrons' phones: one pipeline, each holder seeing only its own. */
describe('server/payments channels', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  const signouturl = (checkoutUrl: string) => new URL(checkoutUrl).searchParams.get('signouturl')

  it('records a desk payment as desk:<username>, its CashNet tab coming back to the console', async () => {
    const desk = deskHolder('clerk1')
    const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee)
    const lookup = await h.lookupService.lookupPatron(desk, primaryId)
    expect(lookup.totalCents).toBe(300)
    const created = await h.checkouts.create(desk, { lookupId: lookup.lookupId })
    expect(signouturl(created.checkoutUrl)).toBe(
      serviceUrl(h.baseUrl, cashnetDeskReturnPath(created.checkoutId)),
    )
    const stored = await h.repo.getCheckout(created.checkoutId)
    expect(stored).toMatchObject({ channel: 'desk:clerk1', kioskId: '', primaryId })

    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    const state = await h.checkouts.getState(desk, created.checkoutId)
    expect(state.status).toBe('posted')
    expect(state.receipt?.amountCents).toBe(300)

    // Another clerk's holder, a kiosk: neither sees it.
    for (const other of [deskHolder('clerk2'), kioskHolder(kioskId)]) {
      await expect(h.checkouts.getState(other, created.checkoutId)).rejects.toMatchObject({
        kind: 'checkout_not_found',
      })
    }
  })

  it('looks a patron up by barcode or primary id at the desk', async () => {
    const byBarcode = await h.lookupService.lookupPatron(deskHolder('clerk1'), sandboxCards.oneFee)
    const byId = await h.lookupService.lookupPatron(
      deskHolder('clerk1'),
      h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee),
    )
    expect(byBarcode.patron.displayName).toBe(byId.patron.displayName)
  })

  it('sends a patron paying on their phone back to the pay pages', async () => {
    const phone = patronHolder('session-1', 'link')
    const lookup = await h.lookupService.lookupPatron(
      phone,
      h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees),
    )
    const created = await h.checkouts.create(phone, { lookupId: lookup.lookupId })
    expect(signouturl(created.checkoutUrl)).toBe(serviceUrl(h.baseUrl, payPaths.return))
    expect(await h.repo.getCheckout(created.checkoutId)).toMatchObject({ channel: 'link' })
    await h.checkouts.cancel(phone, created.checkoutId)
  })

  it("never lets one holder use another's lookup", async () => {
    const kioskLookup = await h.lookup(sandboxCards.oneFee)
    const deskLookup = await h.lookupService.lookupPatron(deskHolder('clerk1'), sandboxCards.oneFee)
    const linkLookup = await h.lookupService.lookupPatron(
      patronHolder('s', 'link'),
      sandboxCards.oneFee,
    )
    const attempts = [
      () => h.checkouts.create(deskHolder('clerk1'), { lookupId: kioskLookup.lookupId }),
      () => h.checkouts.create(kioskId, { lookupId: deskLookup.lookupId }),
      () => h.checkouts.create(deskHolder('clerk2'), { lookupId: deskLookup.lookupId }),
      // Same session, another channel: a link session cannot pass as Primo.
      () => h.checkouts.create(patronHolder('s', 'primo'), { lookupId: linkLookup.lookupId }),
    ]
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({ kind: 'lookup_expired' })
    }
  })
})
