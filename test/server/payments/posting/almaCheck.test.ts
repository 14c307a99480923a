import { describe, expect, it } from 'vitest'
import type { AlmaFee } from '../../../../server/alma/port.ts'
import { checkAlmaForPayment } from '../../../../server/payments/posting/almaCheck.ts'

const tx = 'T1'

function fee(entries: [string | null, number][]): AlmaFee {
  return {
    id: 'F',
    typeCode: 'OVERDUEFINE',
    typeDescription: 'Overdue fine',
    status: 'ACTIVE',
    balanceCents: 1000,
    originalAmountCents: 5000,
    creationTime: '2026-01-01T00:00:00Z',
    title: null,
    ownerCode: 'MAIN',
    transactions: entries.map(([externalTransactionId, amountCents]) => ({
      type: 'PAYMENT',
      amountCents,
      externalTransactionId,
    })),
  }
}

const row = (id: number, amountCents: number, status: 'pending' | 'posted' = 'pending') => ({
  id,
  feeId: 'F',
  tx,
  amountCents,
  status,
})

describe('server/payments/posting/almaCheck', () => {
  it('finds our payment by tx and amount, ignoring other payments', () => {
    expect(checkAlmaForPayment(fee([[tx, 750]]), row(1, 750), [row(1, 750)])).toBe('present')
    expect(
      checkAlmaForPayment(
        fee([
          ['OTHER', 750],
          [null, 750],
        ]),
        row(1, 750),
        [],
      ),
    ).toBe('absent')
  })

  it('credits entries to rows already posted first', () => {
    const posted = row(2, 750, 'posted')
    expect(checkAlmaForPayment(fee([[tx, 750]]), row(1, 750), [posted])).toBe('absent')
    expect(
      checkAlmaForPayment(
        fee([
          [tx, 750],
          [tx, 750],
        ]),
        row(1, 750),
        [posted],
      ),
    ).toBe('present')
  })

  it('explains an entry by another pending row of the checkout on the same fee: no mismatch', () => {
    const ownLine = row(1, 750)
    const reallocated = row(2, 1250)
    expect(checkAlmaForPayment(fee([[tx, 750]]), reallocated, [ownLine, reallocated])).toBe(
      'absent',
    )
  })

  it('reports an entry nothing explains as a mismatch', () => {
    expect(checkAlmaForPayment(fee([[tx, 999]]), row(1, 750), [row(1, 750)])).toBe('mismatch')
    expect(
      checkAlmaForPayment(
        fee([
          [tx, 750],
          [tx, 750],
        ]),
        row(2, 1250),
        [row(1, 750), row(2, 1250)],
      ),
    ).toBe('mismatch')
  })
})
