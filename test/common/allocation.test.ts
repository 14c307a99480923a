import { describe, expect, it } from 'vitest'
import {
  AllocationError,
  allocateOldestFirst,
  oldestFirst,
  paymentLimits,
  sumBalances,
} from '../../common/allocation.ts'

const fees = [
  { id: 'b', createdAt: '2025-03-01T10:00:00Z', balanceCents: 2500 },
  { id: 'a', createdAt: '2025-01-15T10:00:00Z', balanceCents: 1250 },
  { id: 'c', createdAt: '2025-05-20T10:00:00Z', balanceCents: 525 },
]

describe('common/allocation', () => {
  it('pays the oldest fee first, in full, before the next', () => {
    expect(allocateOldestFirst(fees, 2000)).toEqual([
      { feeId: 'a', amountCents: 1250 },
      { feeId: 'b', amountCents: 750 },
    ])
  })

  it('allocates the whole balance to every fee', () => {
    expect(allocateOldestFirst(fees, sumBalances(fees))).toEqual([
      { feeId: 'a', amountCents: 1250 },
      { feeId: 'b', amountCents: 2500 },
      { feeId: 'c', amountCents: 525 },
    ])
  })

  it('orders fees created at the same time by numeric id and unreadable dates last', () => {
    const same = [
      { id: '7', createdAt: 'not a date', balanceCents: 100 },
      { id: '1000', createdAt: '2025-01-01T00:00:00Z', balanceCents: 100 },
      { id: '999', createdAt: '2025-01-01T00:00:00Z', balanceCents: 100 },
    ]
    expect(oldestFirst(same).map((fee) => fee.id)).toEqual(['999', '1000', '7'])
  })

  it('refuses amounts that are not positive whole cents or exceed the balance', () => {
    for (const amount of [0, -5, 12.5]) {
      expect(() => allocateOldestFirst(fees, amount)).toThrow(AllocationError)
    }
    try {
      allocateOldestFirst(fees, 4276)
      expect.unreachable()
    } catch (error) {
      expect((error as AllocationError).kind).toBe('exceeds_balance')
    }
  })

  it('limits a partial amount to the minimum and the selected total', () => {
    expect(paymentLimits(4275, 100)).toEqual({ minCents: 100, maxCents: 4275 })
    // A selected total below the minimum may still be paid in full.
    expect(paymentLimits(50, 100)).toEqual({ minCents: 50, maxCents: 50 })
  })
})
