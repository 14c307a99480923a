import { describe, expect, it } from 'vitest'
import type { AlmaFee } from '../../../../server/alma/port.ts'
import { planReallocation } from '../../../../server/payments/posting/reallocationPlan.ts'

function fee(id: string, balanceCents: number, daysOld: number, status = 'ACTIVE'): AlmaFee {
  return {
    id,
    typeCode: 'OVERDUEFINE',
    typeDescription: `Fee ${id}`,
    status,
    balanceCents,
    originalAmountCents: balanceCents,
    creationTime: new Date(Date.UTC(2026, 0, 1) - daysOld * 86_400_000).toISOString(),
    title: null,
    ownerCode: 'MAIN',
    transactions: [],
  }
}

const posting = { feeId: 'A', feeDescription: 'Fee A', feeTitle: null, amountCents: 1000 }

describe('server/payments/posting/reallocationPlan', () => {
  it('keeps what still fits on a reduced fee and moves the rest oldest first', () => {
    const plan = planReallocation(
      posting,
      fee('A', 600, 10),
      [fee('A', 600, 10), fee('B', 300, 5), fee('C', 500, 30)],
      new Map([['A', 1000]]),
    )
    expect(plan.targets.map((t) => [t.feeId, t.amountCents])).toEqual([
      ['A', 600],
      ['C', 400],
    ])
    expect(plan.unapplied).toBeNull()
    expect(plan.reason).toBe('fee A balance 600 is below 1000')
  })

  it('leaves room for money other rows are still posting, and makes the rest unapplied', () => {
    const plan = planReallocation(
      posting,
      fee('A', 0, 10, 'CLOSED'),
      [fee('B', 300, 5)],
      new Map([
        ['A', 1000],
        ['B', 100],
      ]),
    )
    expect(plan.targets.map((t) => [t.feeId, t.amountCents])).toEqual([['B', 200]])
    expect(plan.unapplied).toEqual({
      amountCents: 800,
      reason: 'No active fee could take this money (fee A is CLOSED).',
    })
  })

  it('says when the fee is gone', () => {
    expect(planReallocation(posting, null, [], new Map()).reason).toBe(
      'fee A no longer exists in Alma',
    )
  })
})
