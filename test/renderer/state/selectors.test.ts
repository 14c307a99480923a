import { describe, expect, it } from 'vitest'
import { applyKeypadKey, centsFromAmountDigits } from '../../../renderer/src/state/keypad.ts'
import { retryScreen } from '../../../renderer/src/state/paymentSlice.ts'
import {
  acceptsCardSwipe,
  idleTimeoutKey,
  type ScreenName,
} from '../../../renderer/src/state/screens.ts'
import {
  allocationPreview,
  amountEntryProblem,
  selectedTotalCents,
} from '../../../renderer/src/state/selectors.ts'
import { lookupFixture, settingsFixture } from '../support/fixtures.ts'

const patron = lookupFixture()
const settings = settingsFixture()

describe('renderer/state/selectors', () => {
  it('totals the selected fees only', () => {
    expect(selectedTotalCents({ patron, selectedFeeIds: ['1001', '1003'] })).toBe(1775)
    expect(selectedTotalCents({ patron: null, selectedFeeIds: ['1001'] })).toBe(0)
  })

  it('previews a partial payment oldest fee first with what is left of each fee', () => {
    const lines = allocationPreview({
      patron,
      selectedFeeIds: ['1003', '1002'],
      partialAmountCents: 2600,
    })
    expect(lines.map((line) => [line.feeId, line.amountCents, line.remainingCents])).toEqual([
      ['1002', 2500, 0],
      ['1003', 100, 425],
    ])
  })

  it('explains why an amount cannot be paid', () => {
    const state = { patron, selectedFeeIds: ['1003'], settings }
    expect(amountEntryProblem({ ...state, amountDigits: '' })).toBe('empty')
    expect(amountEntryProblem({ ...state, amountDigits: '99' })).toBe('belowMinimum')
    expect(amountEntryProblem({ ...state, amountDigits: '526' })).toBe('aboveTotal')
    expect(amountEntryProblem({ ...state, amountDigits: '525' })).toBeNull()
  })
})

describe('renderer/state/keypad', () => {
  it('types, deletes and clears digits up to a maximum length', () => {
    expect(applyKeypadKey('12', '3', 3)).toBe('123')
    expect(applyKeypadKey('123', '4', 3)).toBe('123')
    expect(applyKeypadKey('123', 'back', 3)).toBe('12')
    expect(applyKeypadKey('123', 'clear', 3)).toBe('')
    expect(centsFromAmountDigits('1250')).toBe(1250)
    expect(centsFromAmountDigits('')).toBe(0)
  })
})

describe('renderer/state/screens', () => {
  it('never idles out while waiting for the service or confirming a payment', () => {
    const never: ScreenName[] = ['lookingUp', 'startingCheckout', 'cancelling', 'confirming']
    for (const name of never) expect(idleTimeoutKey(name)).toBeNull()
    expect(idleTimeoutKey('fines')).toBe('fines')
    expect(idleTimeoutKey('checkout')).toBe('checkout')
    expect(idleTimeoutKey('receipt')).toBe('receipt')
    expect(idleTimeoutKey('notFound')).toBe('default')
  })

  it('accepts card swipes only where nobody is choosing or paying', () => {
    expect(acceptsCardSwipe('attract')).toBe(true)
    expect(acceptsCardSwipe('notFound')).toBe(true)
    for (const name of ['fines', 'confirm', 'checkout', 'confirming', 'receipt'] as const) {
      expect(acceptsCardSwipe(name)).toBe(false)
    }
  })

  it('offers "try again" only where it can help', () => {
    expect(retryScreen({ name: 'declined', message: null })).toEqual({ name: 'confirm' })
    expect(retryScreen({ name: 'cancelled', expired: false, reference: null })).toEqual({
      name: 'fines',
    })
    expect(retryScreen({ name: 'problem', problem: 'feesChanged' })).toBeNull()
    expect(retryScreen({ name: 'problem', problem: 'checkoutFailed' })).toEqual({ name: 'confirm' })
  })
})
