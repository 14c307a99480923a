import { fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { FeeBeingPosted, LookupResponse } from '../../../common/api.ts'
import { FakeKioskApi } from '../support/fakeKioskApi.ts'
import { feesFixture, lookupFixture } from '../support/fixtures.ts'
import { renderKiosk, swipe, type RenderedKiosk } from '../support/renderKiosk.tsx'

let kiosk: RenderedKiosk | undefined
afterEach(() => {
  kiosk?.unmount()
  kiosk = undefined
  document.documentElement.className = ''
})

/** A lost-item fee paid 20.00 of 25.00 through CashNet a moment ago, not yet posted to Alma. */
const beingPosted: FeeBeingPosted = {
  id: '2001',
  type: 'LOSTITEMREPLACEMENTFEE',
  description: 'Lost item replacement fee',
  title: 'Beloved',
  createdAt: '2025-02-01T10:00:00.000Z',
  balanceCents: 2500,
  postingCents: 2000,
}

async function swipeIn(lookup: LookupResponse, heading: string | RegExp = /Jane D\./u) {
  const api = new FakeKioskApi()
  api.patrons.set('2000000005', lookup)
  kiosk = await renderKiosk({ api })
  swipe(';2000000005=2612?')
  await screen.findByRole('heading', { level: 1, name: heading })
  return api
}

describe('account notices and fees being posted', () => {
  it('tells a blocked, expired patron what paying clears, in English and Spanish', async () => {
    await swipeIn(
      lookupFixture({
        patron: {
          displayName: 'Jane Quincy Doe',
          notices: [
            { kind: 'blocked', description: 'Overdue items' },
            { kind: 'blocked', description: null },
            { kind: 'expired', expiredOn: '2026-01-01' },
          ],
        },
      }),
    )
    const notices = screen.getByRole('list', { name: 'About your account' })
    expect(
      within(notices)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Paying clears fines. Other blocks need the service desk.Block on your account: Overdue items',
      // The date as Alma's calendar day, wherever the kiosk's clock is.
      'Your library account expired on Jan 1, 2026. You can still pay here; please renew your account at the service desk.',
    ])
    // They can still pay.
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Pay $42.75' }).disabled).toBe(
      false,
    )

    fireEvent.click(screen.getByRole('button', { name: 'Español' }))
    const spanish = await screen.findByRole('list', { name: 'Sobre su cuenta' })
    expect(spanish.textContent).toContain(
      'Pagar elimina las multas. Para otros bloqueos, acuda al mostrador de servicio.',
    )
    expect(spanish.textContent).toContain('Su cuenta de la biblioteca venció el')
  })

  it('shows no notice to a patron without one', async () => {
    await swipeIn(lookupFixture())
    expect(screen.queryByRole('list', { name: 'About your account' })).toBeNull()
  })

  it('shows a fee being posted, never selectable and never in the total', async () => {
    const api = await swipeIn(lookupFixture({ feesBeingPosted: [beingPosted] }))
    const group = screen.getByRole('group', { name: 'Payments being posted' })
    expect(group.textContent).toContain('Lost item replacement fee')
    expect(group.textContent).toContain('Payment being posted: $20.00')
    expect(group.textContent).toContain('Still owed after that: $5.00')
    expect(within(group).queryByRole('checkbox')).toBeNull()
    // Three payable fees, each with its box, plus "Select all": the posted one is not among them.
    expect(screen.getAllByRole('checkbox')).toHaveLength(4)
    expect(screen.getByText('Selected: $42.75')).toBeTruthy()

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }))
    fireEvent.click(screen.getByRole('button', { name: 'Pay $42.75' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Continue to secure payment' }))
    await screen.findByRole('heading', { level: 1, name: /Secure payment/u })
    expect(api.checkoutRequests[0]?.feeIds).toEqual(feesFixture.map((fee) => fee.id))
  })

  it('has nothing to pay when every fee is being posted, and says why', async () => {
    await swipeIn(
      lookupFixture({ fees: [], totalCents: 0, feesBeingPosted: [beingPosted] }),
      'Nothing to pay right now',
    )
    expect(
      screen.getByText('Jane D., a recent payment is still being recorded on your account.'),
    ).toBeTruthy()
    expect(screen.getByRole('group', { name: 'Payments being posted' }).textContent).toContain(
      'Payment being posted: $20.00',
    )
    expect(screen.queryByRole('button', { name: /^Pay/u })).toBeNull()
    expect(screen.getByRole('button', { name: 'Done' })).toBeTruthy()
  })

  it('explains a checkout refused because a fee is being posted, and only offers to start over', async () => {
    const api = await swipeIn(lookupFixture())
    api.nextCheckoutError = 'fee_being_posted'
    fireEvent.click(screen.getByRole('button', { name: 'Pay $42.75' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Continue to secure payment' }))
    await screen.findByRole('heading', { level: 1, name: 'Payment could not start' })
    expect(
      screen.getByText(
        'A payment for one of these fees is still being recorded on your account, so it cannot be paid again yet. No payment was made. Please start over to see your fees.',
      ),
    ).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Start over' }))
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
  })
})
