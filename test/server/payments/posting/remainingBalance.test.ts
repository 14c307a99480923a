import { describe, expect, it } from 'vitest'
import { remainingBalanceAfter } from '../../../../server/payments/posting/remainingBalance.ts'

describe('server/payments/posting/remainingBalance', () => {
  it('replaces each paid fee by the lowest balance Alma reported for it', () => {
    expect(
      remainingBalanceAfter({ A: 1250, B: 2500, C: 525 }, [
        { feeId: 'B', status: 'posted', balanceAfterCents: 1000 },
        { feeId: 'B', status: 'posted', balanceAfterCents: 250 },
        { feeId: 'A', status: 'posted', balanceAfterCents: 0 },
        { feeId: 'C', status: 'reallocated', balanceAfterCents: null },
      ]),
    ).toBe(250 + 525)
  })

  it('is unknown without the balances at checkout', () => {
    expect(remainingBalanceAfter(null, [])).toBeNull()
  })
})
