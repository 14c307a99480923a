import { afterEach, describe, expect, it, vi } from 'vitest'
import { initialPatron } from '../../../renderer/src/state/patronSlice.ts'
import { initialPayment } from '../../../renderer/src/state/paymentSlice.ts'
import { createHarness, openCheckout, untilScreen, type Harness } from '../support/storeHarness.ts'
import { lookupFixture } from '../support/fixtures.ts'

let harness: Harness | undefined
async function setup(...args: Parameters<typeof createHarness>) {
  harness = await createHarness(...args)
  return harness
}
afterEach(() => {
  harness?.store.dispose()
  harness = undefined
})

const receipt = {
  transactionId: 'CN100200',
  amountCents: 4275,
  postedAt: '2026-11-22T12:55:00.000Z',
  lines: [],
  unappliedCents: 0,
  exceptionReference: null,
  remainingBalanceCents: 0,
}

describe('renderer/state/store', () => {
  describe('settings', () => {
    it('loads the kiosk settings and takes the default language from them', async () => {
      const { store, api } = await setup()
      expect(store.getState().settingsStatus).toBe('ready')
      api.settings = { ...api.settings, defaultLanguage: 'es' }
      await store.getState().loadSettings()
      expect(store.getState().language).toBe('es')
    })

    it('reports the service unavailable at start and recovers on a retry', async () => {
      const { store, api } = await setup()
      store.setState({ settings: null, settingsStatus: 'loading' })
      api.down = true
      await store.getState().loadSettings()
      expect(store.getState().settingsStatus).toBe('unavailable')
      api.down = false
      await store.getState().loadSettings()
      expect(store.getState().settingsStatus).toBe('ready')
    })

    it('keeps the last good settings when a refresh fails', async () => {
      const { store, api } = await setup()
      api.down = true
      await store.getState().loadSettings()
      expect(store.getState().settingsStatus).toBe('ready')
      expect(store.getState().settings?.library.name).toBe('University Library')
    })
  })

  describe('lookup', () => {
    it('goes from a card read to the fines with every fee selected', async () => {
      const { store, api } = await setup()
      const lookingUp = store.getState().cardRead('2000000001')
      expect(store.getState().screen.name).toBe('lookingUp')
      await lookingUp
      expect(store.getState().screen.name).toBe('fines')
      expect(store.getState().selectedFeeIds).toEqual(['1001', '1002', '1003'])
      expect(api.lookups).toEqual(['2000000001'])
    })

    it('shows a pay link for the phone only when the library offers it, and forgets it', async () => {
      const { store, api } = await setup()
      await store.getState().cardRead('2000000001')
      await store.getState().showPhoneLink()
      expect(store.getState().phoneLink).toBeNull()
      expect(api.payLinkRequests).toEqual([])

      api.settings = { ...api.settings, payOnPhone: true }
      await store.getState().loadSettings()
      await store.getState().showPhoneLink()
      const link = store.getState().phoneLink
      expect(typeof link === 'object' && link?.qrSvg.startsWith('<svg')).toBe(true)
      expect(api.payLinkRequests).toEqual([store.getState().patron?.lookupId])
      await store.getState().endSession()
      expect(store.getState().phoneLink).toBeNull()
    })

    it('does not show a pay link that arrives after the patron went back to the fees', async () => {
      const { store, api } = await setup()
      api.settings = { ...api.settings, payOnPhone: true }
      await store.getState().loadSettings()
      await store.getState().cardRead('2000000001')
      const showing = store.getState().showPhoneLink()
      expect(store.getState().phoneLink).toBe('loading')
      store.getState().hidePhoneLink()
      await showing
      expect(api.payLinkRequests).toHaveLength(1)
      expect(store.getState().phoneLink).toBeNull()
      expect(store.getState().screen.name).toBe('fines')
    })

    it('shows no fines for a patron who owes nothing', async () => {
      const { store, api } = await setup()
      api.patrons.set('2000000003', lookupFixture({ fees: [], totalCents: 0 }))
      await store.getState().cardRead('2000000003')
      expect(store.getState().screen.name).toBe('noFines')
    })

    it('maps lookup errors to not found, blocked (with the reason) and unavailable', async () => {
      const { store, api } = await setup()
      await store.getState().cardRead('9999999999')
      expect(store.getState().screen).toEqual({ name: 'notFound' })

      api.patrons.set('2000000005', { error: 'blocked', reason: 'Overdue items' })
      await store.getState().cardRead('2000000005')
      expect(store.getState().screen).toEqual({
        name: 'blocked',
        block: 'blocked',
        reason: 'Overdue items',
      })

      api.patrons.set('2000000007', { error: 'inactive' })
      await store.getState().cardRead('2000000007')
      expect(store.getState().screen).toEqual({ name: 'blocked', block: 'inactive', reason: null })

      api.patrons.set('2000000010', { error: 'alma_unavailable' })
      await store.getState().cardRead('2000000010')
      expect(store.getState().screen).toEqual({ name: 'unavailable' })

      api.down = true
      await store.getState().cardRead('2000000001')
      expect(store.getState().screen).toEqual({ name: 'unavailable' })
    })

    it('ignores card reads while a patron is choosing or paying', async () => {
      const { store, api } = await setup()
      await store.getState().cardRead('2000000001')
      await store.getState().cardRead('2000000002')
      expect(api.lookups).toEqual(['2000000001'])
      expect(store.getState().screen.name).toBe('fines')
    })

    it('looks up a manually entered id only when manual entry is allowed', async () => {
      const { store, api } = await setup()
      store.getState().startManualEntry()
      expect(store.getState().screen.name).toBe('manualEntry')
      for (const key of ['2', '0', '0', '0', '9', 'back', '0', '0', '0', '0', '0', '1']) {
        store.getState().pressManualKey(key as '0')
      }
      expect(store.getState().manualDigits).toBe('2000000001')
      await store.getState().submitManualEntry()
      expect(api.lookups).toEqual(['2000000001'])
      expect(store.getState().screen.name).toBe('fines')

      await store.getState().endSession()
      store.setState({ settings: { ...api.settings, allowManualEntry: false } })
      store.getState().startManualEntry()
      expect(store.getState().screen.name).toBe('attract')
    })
  })

  describe('choosing what to pay', () => {
    it('pays a selection: the total follows the selected fees', async () => {
      const { store } = await setup()
      await store.getState().cardRead('2000000001')
      store.getState().toggleFee('1002')
      expect(store.getState().selectedFeeIds).toEqual(['1001', '1003'])
      store.getState().paySelected()
      expect(store.getState().screen.name).toBe('confirm')
      store.getState().backFromConfirm()
      store.getState().setAllFeesSelected(false)
      store.getState().paySelected()
      expect(store.getState().screen.name).toBe('fines')
    })

    it('accepts a partial amount only within the minimum and the selected total', async () => {
      const { store } = await setup()
      await store.getState().cardRead('2000000001')
      store.getState().chooseAmount()
      const type = (digits: string) => {
        store.getState().pressAmountKey('clear')
        for (const digit of digits) store.getState().pressAmountKey(digit as '0')
      }
      type('050') // $0.50: below the $1.00 minimum
      expect(store.getState().amountDigits).toBe('50')
      store.getState().submitAmount()
      expect(store.getState().screen.name).toBe('amount')
      type('4276') // one cent over the total
      store.getState().submitAmount()
      expect(store.getState().screen.name).toBe('amount')
      type('2000')
      store.getState().submitAmount()
      expect(store.getState().screen.name).toBe('confirm')
      expect(store.getState().partialAmountCents).toBe(2000)
      store.getState().backFromConfirm()
      expect(store.getState().screen.name).toBe('amount')
      store.getState().backToFines()
      expect(store.getState().partialAmountCents).toBeNull()
    })
  })

  describe('checkout', () => {
    it('creates the checkout for the selection and opens the CashNet page in the host', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      expect(h.api.checkoutRequests).toEqual([
        { lookupId: 'lk_1', feeIds: ['1001', '1002', '1003'] },
      ])
      expect(h.host.open).toEqual({
        checkoutId,
        url: `http://127.0.0.1:9/cashnet/checkout/${checkoutId}`,
      })
    })

    it('sends a partial amount with the selected fees', async () => {
      const h = await setup()
      await openCheckout(h, { amountDigits: '2000' })
      expect(h.api.checkoutRequests).toEqual([
        { lookupId: 'lk_1', feeIds: ['1001', '1002', '1003'], amountCents: 2000 },
      ])
      expect(h.store.getState().checkout?.lines).toEqual([
        { feeId: '1001', amountCents: 1250 },
        { feeId: '1002', amountCents: 750 },
      ])
    })

    it('shows a receipt once the service has posted the payment', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      expect(h.store.getState().screen.name).toBe('confirming')
      expect(h.host.closeCount).toBe(1)
      h.api.setCheckout(checkoutId, { status: 'paid' })
      await vi.waitFor(() => {
        expect(h.store.getState().checkoutState?.status).toBe('paid')
      })
      expect(h.store.getState().screen.name).toBe('confirming')
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await untilScreen(h.store, 'receipt')
      expect(h.store.getState().checkoutState?.receipt?.transactionId).toBe('CN100200')
    })

    it('waits for the patron to leave CashNet even when the postback came first', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await vi.waitFor(() => {
        expect(h.store.getState().checkoutState?.status).toBe('posted')
      })
      expect(h.store.getState().screen.name).toBe('checkout')
      h.host.emit({ type: 'returned', checkoutId })
      expect(h.store.getState().screen.name).toBe('receipt')
    })

    it('shows the exception receipt for posting exceptions', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.api.setCheckout(checkoutId, {
        status: 'posted_with_exceptions',
        receipt: { ...receipt, unappliedCents: 1250, exceptionReference: 'EX-42' },
      })
      await untilScreen(h.store, 'exceptionReceipt')
    })

    it('shows a decline with CashNet’s message and can try again', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.api.setCheckout(checkoutId, { status: 'failed', message: 'Card declined' })
      await untilScreen(h.store, 'declined')
      expect(h.store.getState().screen).toEqual({ name: 'declined', message: 'Card declined' })
      h.store.getState().retryPayment()
      expect(h.store.getState().screen.name).toBe('confirm')
      expect(h.store.getState().checkout).toBeNull()
    })

    it('shows the exception receipt when posting takes longer than the patience window', async () => {
      const h = await setup({ paidPatienceMs: 5_000 })
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.api.setCheckout(checkoutId, { status: 'paid' })
      await vi.waitFor(() => {
        expect(h.store.getState().checkoutState?.status).toBe('paid')
      })
      h.clock.now += 6_000
      await untilScreen(h.store, 'exceptionReceipt')
      // The watch goes on: a late posting still turns it into the full receipt.
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await untilScreen(h.store, 'receipt')
    })

    it('cancels the checkout when CashNet reports nothing after the patron returns', async () => {
      const h = await setup({ pendingPatienceMs: 2_000 })
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.clock.now += 2_500
      await untilScreen(h.store, 'cancelled')
      expect(h.api.cancelled).toEqual([checkoutId])
      expect(h.store.getState().screen).toEqual({
        name: 'cancelled',
        expired: false,
        reference: checkoutId,
      })
    })

    it('still shows the receipt when CashNet reports the payment after the kiosk cancelled', async () => {
      const h = await setup({ pendingPatienceMs: 2_000 })
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.clock.now += 2_500
      await untilScreen(h.store, 'cancelled')
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await untilScreen(h.store, 'receipt')
    })

    it('keeps following a payment that arrives while giving up on the wait', async () => {
      const h = await setup({ pendingPatienceMs: 2_000 })
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.api.setCheckout(checkoutId, { status: 'paid' })
      h.clock.now += 2_500
      await vi.waitFor(() => {
        expect(h.store.getState().checkoutState?.status).toBe('paid')
      })
      expect(h.api.cancelled).toEqual([])
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await untilScreen(h.store, 'receipt')
    })

    it('says it could not confirm a payment when the checkout cannot be cancelled', async () => {
      const h = await setup({ pendingPatienceMs: 2_000 })
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.api.down = true
      h.clock.now += 2_500
      await untilScreen(h.store, 'notConfirmed')
    })

    it('cancels from the kiosk header', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      await h.store.getState().cancelCheckout()
      expect(h.api.cancelled).toEqual([checkoutId])
      expect(h.host.open).toBeNull()
      expect(h.store.getState().screen).toEqual({
        name: 'cancelled',
        expired: false,
        reference: null,
      })
      h.store.getState().retryPayment()
      expect(h.store.getState().screen.name).toBe('fines')
    })

    it('follows the payment when a cancel comes too late', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.api.setCheckout(checkoutId, { status: 'paid' })
      await h.store.getState().cancelCheckout()
      expect(h.store.getState().screen.name).toBe('confirming')
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await untilScreen(h.store, 'receipt')
    })

    it('closes the CashNet page when the service expires the checkout', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.api.setCheckout(checkoutId, { status: 'expired' })
      await untilScreen(h.store, 'cancelled')
      expect(h.store.getState().screen).toEqual({
        name: 'cancelled',
        expired: true,
        reference: null,
      })
      expect(h.host.open).toBeNull()
    })

    it('maps checkout errors to problems, with a retry only where it can help', async () => {
      const h = await setup()
      await h.store.getState().cardRead('2000000001')
      for (const [code, problem] of [
        ['fees_changed', 'feesChanged'],
        ['lookup_expired', 'lookupExpired'],
        ['internal', 'paymentUnavailable'],
      ] as const) {
        h.store.setState({ screen: { name: 'confirm' } })
        h.api.nextCheckoutError = code
        await h.store.getState().startCheckout()
        expect(h.store.getState().screen).toEqual({ name: 'problem', problem })
      }
      h.store.getState().retryPayment()
      expect(h.store.getState().screen.name).toBe('confirm')
    })

    it('cancels the checkout when the host cannot show the CashNet page', async () => {
      const h = await setup()
      h.host.failOpen = true
      await h.store.getState().cardRead('2000000001')
      h.store.getState().paySelected()
      await h.store.getState().startCheckout()
      expect(h.store.getState().screen).toEqual({ name: 'problem', problem: 'checkoutFailed' })
      expect(h.api.cancelled).toHaveLength(1)
    })

    it('says it is reconnecting while the status cannot be read, and recovers', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.api.down = true
      await vi.waitFor(
        () => {
          expect(h.store.getState().connectionTrouble).toBe(true)
        },
        { timeout: 3000 },
      )
      expect(h.store.getState().screen.name).toBe('confirming')
      h.api.down = false
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await untilScreen(h.store, 'receipt')
      expect(h.store.getState().connectionTrouble).toBe(false)
    })

    it('stops following a checkout the patron has left behind', async () => {
      const h = await setup()
      const first = await openCheckout(h)
      await h.store.getState().cancelCheckout()
      h.store.getState().retryPayment()
      h.store.getState().paySelected()
      await h.store.getState().startCheckout()
      await untilScreen(h.store, 'checkout')
      const second = h.store.getState().checkout?.checkoutId
      expect(second).not.toBe(first)
      h.api.setCheckout(first, { status: 'posted', receipt })
      h.host.emit({ type: 'returned', checkoutId: second ?? '' })
      expect(h.store.getState().screen.name).toBe('confirming')
      expect(h.store.getState().checkoutState?.checkoutId).toBe(second)
    })

    it('ignores host events for another checkout', async () => {
      const h = await setup()
      await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId: 'someone-else' })
      expect(h.store.getState().screen.name).toBe('checkout')
    })
  })

  describe('idle and session end', () => {
    it('never wipes while a payment is confirming', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.host.emit({ type: 'returned', checkoutId })
      h.store.getState().openIdleWarning()
      await h.store.getState().idleExpired()
      expect(h.store.getState().screen.name).toBe('confirming')
      expect(h.host.endSessionCount).toBe(0)
    })

    it('cancels an abandoned CashNet page and ends the session', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h)
      h.store.getState().openIdleWarning()
      await h.store.getState().idleExpired()
      expect(h.api.cancelled).toEqual([checkoutId])
      expect(h.store.getState().screen.name).toBe('attract')
      expect(h.host.endSessionCount).toBe(1)
    })

    it('ends the session from the fines when the warning runs out', async () => {
      const h = await setup()
      await h.store.getState().cardRead('2000000001')
      h.store.getState().openIdleWarning()
      expect(h.store.getState().idleWarningEndsAt).toBe(h.clock.now + 15_000)
      await h.store.getState().idleExpired()
      expect(h.store.getState().screen.name).toBe('attract')
    })

    it('resets every slice and keeps no patron data after the session ends', async () => {
      const h = await setup()
      const checkoutId = await openCheckout(h, { amountDigits: '1500' })
      h.store.getState().setLanguage('es')
      h.store.getState().toggleLargeText()
      h.host.emit({ type: 'returned', checkoutId })
      h.api.setCheckout(checkoutId, { status: 'posted', receipt })
      await untilScreen(h.store, 'receipt')

      await h.store.getState().endSession()
      const state = h.store.getState()
      expect(h.host.endSessionCount).toBe(1)
      expect({
        screen: state.screen,
        patron: state.patron,
        selectedFeeIds: state.selectedFeeIds,
        amountDigits: state.amountDigits,
        partialAmountCents: state.partialAmountCents,
        manualDigits: state.manualDigits,
        phoneLink: state.phoneLink,
      }).toEqual(initialPatron)
      expect({
        checkout: state.checkout,
        checkoutState: state.checkoutState,
        returnedAt: state.returnedAt,
        connectionTrouble: state.connectionTrouble,
        gaveUpWaiting: state.gaveUpWaiting,
      }).toEqual(initialPayment)
      expect([state.language, state.largeText, state.idleWarningEndsAt]).toEqual([
        'en',
        false,
        null,
      ])
      const serialized = JSON.stringify(state)
      for (const secret of ['Jane', 'lk_1', '2000000001', 'Overdue fine', checkoutId, 'CN100200']) {
        expect(serialized).not.toContain(secret)
      }
    })

    it('drops a lookup answer that arrives after the session ended', async () => {
      const h = await setup()
      const lookingUp = h.store.getState().cardRead('2000000001')
      await h.store.getState().endSession()
      await lookingUp
      expect(h.store.getState().patron).toBeNull()
      expect(h.store.getState().screen.name).toBe('attract')
    })

    it('stops listening to the host when disposed', async () => {
      const h = await setup()
      expect(h.host.listenerCount).toBe(1)
      h.store.dispose()
      expect(h.host.listenerCount).toBe(0)
    })
  })
})
