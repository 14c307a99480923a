import { describe, expect, it } from 'vitest'
import type { ItemCodeRules } from '../../../server/config/types.ts'
import { buildCashnetCheckoutUrl, itemCodeFor } from '../../../server/payments/cashnetUrl.ts'

const rules: ItemCodeRules = {
  default: 'LIB-FINE',
  byFeeType: { LOSTITEMREPLACEMENTFEE: 'LIB-LOST' },
  byOwner: {
    LAW: { default: 'LAW-FINE', byFeeType: { LOSTITEMREPLACEMENTFEE: 'LAW-LOST' } },
    MUSIC: { byFeeType: { OVERDUEFINE: 'MUS-FINE' } },
  },
}

const lines = [
  { itemCode: 'LIB-FINE', description: 'Overdue fine', amountCents: 1250 },
  { itemCode: 'LIB-LOST', description: 'Lost item replacement fee', amountCents: 2500 },
  { itemCode: 'LIB-FINE', description: 'x'.repeat(80), amountCents: 5 },
]

const noRules: ItemCodeRules = { default: 'X', byFeeType: {}, byOwner: {} }

describe('server/payments/cashnetUrl', () => {
  it('picks the owning library’s code, then its default, then the fee type’s, then the default', () => {
    expect(itemCodeFor(rules, 'LOSTITEMREPLACEMENTFEE', 'LAW')).toBe('LAW-LOST')
    expect(itemCodeFor(rules, 'OVERDUEFINE', 'LAW')).toBe('LAW-FINE')
    expect(itemCodeFor(rules, 'OVERDUEFINE', 'MUSIC')).toBe('MUS-FINE')
    expect(itemCodeFor(rules, 'LOSTITEMREPLACEMENTFEE', 'MUSIC')).toBe('LIB-LOST')
    expect(itemCodeFor(rules, 'LOSTITEMREPLACEMENTFEE', 'MAIN')).toBe('LIB-LOST')
    expect(itemCodeFor(rules, 'DAMAGEDITEMFINE', 'MAIN')).toBe('LIB-FINE')
  })

  it('builds the store URL with items, amounts, descriptions, our reference and signouturl', () => {
    const url = new URL(
      buildCashnetCheckoutUrl(
        {
          checkoutUrl: 'https://commerce.cashnet.com/LIBRARYSTORE',
          itemCodes: rules,
          returnUrl: 'https://kiosk.example.edu/cashnet/return',
        },
        { checkoutId: 'c-123', lines },
      ),
    )
    expect(url.origin + url.pathname).toBe('https://commerce.cashnet.com/LIBRARYSTORE')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      itemcnt: '3',
      itemcode1: 'LIB-FINE',
      amount1: '12.50',
      desc1: 'Overdue fine',
      itemcode2: 'LIB-LOST',
      amount2: '25.00',
      desc2: 'Lost item replacement fee',
      itemcode3: 'LIB-FINE',
      amount3: '0.05',
      desc3: 'x'.repeat(60),
      ref1type1: 'CHECKOUT_ID',
      ref1val1: 'c-123',
      signouturl: 'https://kiosk.example.edu/cashnet/return',
    })
  })

  it('keeps a virtual-store query and uses configured reference fields and customer code', () => {
    const url = new URL(
      buildCashnetCheckoutUrl(
        {
          checkoutUrl: 'https://train.cashnet.com/404handler/pageredirpost.aspx?virtual=LIBTEST',
          itemCodes: noRules,
          refType: 'KIOSK_REF',
          refTypeField: 'ref2type1',
          refValueField: 'ref2val1',
          custcode: 'LIBRARY',
          returnUrl: 'https://kiosk.example.edu/cashnet/return',
        },
        { checkoutId: 'c-9', lines: lines.slice(0, 1) },
      ),
    )
    expect(url.searchParams.get('virtual')).toBe('LIBTEST')
    expect(url.searchParams.get('ref2type1')).toBe('KIOSK_REF')
    expect(url.searchParams.get('ref2val1')).toBe('c-9')
    expect(url.searchParams.get('ref1val1')).toBeNull()
    expect(url.searchParams.get('custcode')).toBe('LIBRARY')
  })

  it('refuses an empty checkout and non-positive amounts', () => {
    const options = {
      checkoutUrl: 'https://commerce.cashnet.com/S',
      itemCodes: noRules,
      returnUrl: 'https://k/cashnet/return',
    }
    expect(() => buildCashnetCheckoutUrl(options, { checkoutId: 'c', lines: [] })).toThrow()
    expect(() =>
      buildCashnetCheckoutUrl(options, {
        checkoutId: 'c',
        lines: [{ itemCode: 'A', description: 'A', amountCents: 0 }],
      }),
    ).toThrow(RangeError)
  })
})
