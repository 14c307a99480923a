import { describe, expect, it } from 'vitest'
import { oldestFirst, spreadOldestFirst } from '../../common/allocation.ts'

const fees = [
  { id: '300', createdAt: '2024-03-01T10:00:00Z', balanceCents: 525 },
  { id: '100', createdAt: '2024-01-01T10:00:00.000Z', balanceCents: 1250 },
  { id: '200', createdAt: '2024-02-01T10:00:00Z', balanceCents: 2500 },
]

describe('common/allocation spreadOldestFirst', () => {
  it('fills the oldest fee first and leaves the newest partly paid', () => {
    expect(spreadOldestFirst(4000, fees)).toEqual({
      lines: [
        { feeId: '100', amountCents: 1250 },
        { feeId: '200', amountCents: 2500 },
        { feeId: '300', amountCents: 250 },
      ],
      unallocatedCents: 0,
    })
  })

  it('pays everything when the amount is the total (pay all, selected fees)', () => {
    expect(spreadOldestFirst(4275, fees).lines.map((l) => l.amountCents)).toEqual([1250, 2500, 525])
  })

  it('reports what no fee could take', () => {
    expect(spreadOldestFirst(5000, fees).unallocatedCents).toBe(725)
    expect(spreadOldestFirst(10, []).unallocatedCents).toBe(10)
  })

  it('orders by creation time, then by id (numerically for digit ids), whatever the input order', () => {
    const sameTime = [
      { id: '10', createdAt: '2024-01-01T00:00:00Z', balanceCents: 1 },
      { id: '9', createdAt: '2024-01-01T00:00:00.000Z', balanceCents: 1 },
      { id: 'b', createdAt: 'not a date', balanceCents: 1 },
      { id: 'a', createdAt: 'not a date', balanceCents: 1 },
    ]
    expect(oldestFirst(sameTime).map((f) => f.id)).toEqual(['9', '10', 'a', 'b'])
    expect(oldestFirst([...sameTime].reverse()).map((f) => f.id)).toEqual(['9', '10', 'a', 'b'])
  })

  it('skips fees with nothing owed and refuses non-integer money', () => {
    expect(
      spreadOldestFirst(100, [
        { id: 'x', createdAt: '2020-01-01T00:00:00Z', balanceCents: 0 },
        { id: 'y', createdAt: '2021-01-01T00:00:00Z', balanceCents: 100 },
      ]).lines,
    ).toEqual([{ feeId: 'y', amountCents: 100 }])
    expect(() => spreadOldestFirst(1.5, fees)).toThrow(RangeError)
    expect(() => spreadOldestFirst(-1, fees)).toThrow(RangeError)
  })
})
