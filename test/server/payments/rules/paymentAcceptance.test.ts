import { describe, expect, it } from 'vitest'
import type { CheckoutStatus } from '../../../../common/api.ts'
import {
  decideAcceptanceAsSeen,
  decidePaymentAcceptance,
  honouredReason,
} from '../../../../server/payments/rules/paymentAcceptance.ts'

interface Seen {
  id: string
  institution: string
  status: CheckoutStatus
  cashnetTx: string | null
}

const pending: Seen = { id: 'c1', institution: 'SJSU', status: 'pending', cashnetTx: null }

describe('server/payments/rules/paymentAcceptance', () => {
  it('accepts, answers a duplicate, or sends the money to staff', () => {
    expect(decidePaymentAcceptance({ checkout: pending, tx: 't1', txOwnerId: null })).toEqual({
      kind: 'accept',
      honouredFrom: null,
    })
    expect(
      decidePaymentAcceptance({
        checkout: { ...pending, status: 'expired' },
        tx: 't1',
        txOwnerId: null,
      }),
    ).toEqual({ kind: 'accept', honouredFrom: 'expired' })
    const paid: Seen = { ...pending, status: 'paid', cashnetTx: 't1' }
    expect(decidePaymentAcceptance({ checkout: paid, tx: 't1', txOwnerId: 'c1' })).toEqual({
      kind: 'duplicate',
    })
    expect(decidePaymentAcceptance({ checkout: paid, tx: 't2', txOwnerId: null })).toMatchObject({
      kind: 'unmatched',
      because: 'second_payment',
    })
    expect(decidePaymentAcceptance({ checkout: pending, tx: 't1', txOwnerId: 'c9' })).toMatchObject(
      { kind: 'unmatched', because: 'tx_reused' },
    )
  })

  it('accepts as seen only a view of this checkout and institution that no tx had paid', () => {
    const ask = (seen: Seen, more = {}) =>
      decideAcceptanceAsSeen({ seen, checkoutId: 'c1', institution: 'SJSU', tx: 't1', ...more })
    expect(ask(pending)).toEqual({ kind: 'accept', honouredFrom: null })
    expect(ask({ ...pending, status: 'cancelled' })).toEqual({
      kind: 'accept',
      honouredFrom: 'cancelled',
    })
    expect(ask(pending, { checkoutId: 'c2' })).toBeNull()
    expect(ask(pending, { institution: 'CSUF' })).toBeNull()
    expect(ask({ ...pending, cashnetTx: 't1' })).toBeNull()
    expect(ask({ ...pending, cashnetTx: 't0' })).toBeNull()
  })

  it('says why a payment was honoured for a checkout no longer pending', () => {
    expect(honouredReason(null)).toBeNull()
    expect(honouredReason('failed')).toBe('honoured although the checkout was failed')
  })
})
