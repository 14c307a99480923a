/**
 * Allocation tried at scale: whatever fees and amount, the lines add up to the money, no fee gets
 * more than it owes, the oldest fees are filled first and the order the fees arrive in changes
 * nothing. A failure prints fast-check's seed and path: pass them to `fc.assert` to replay it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AllocationError,
  allocateOldestFirst,
  oldestFirst,
  spreadOldestFirst,
  type AllocatableFee,
  type SpreadResult,
} from '../../common/allocation.ts'

const runs = 300

/** `fc.integer` stops at 32 bits; money goes up to the largest safe integer. */
const cents = (min: number, max: number) =>
  fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number)

/** Few distinct characters so ids collide in prefix and length: digit and mixed ids side by side. */
const feeId = fc.oneof(
  fc.string({ unit: fc.constantFrom('0', '1', '2', '9', 'a', '-'), minLength: 1, maxLength: 4 }),
  fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String),
)

/** Few distinct times so ties are common; unreadable dates sort last. */
const createdAt = fc.oneof(
  fc.constantFrom(
    '2024-01-01T00:00:00Z',
    '2024-01-01T00:00:00.000Z',
    '2024-01-01T01:00:00+01:00',
    '2023-12-31T23:59:59Z',
    'not a date',
    '',
  ),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
)

const balance = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 500_000 }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: -50_000, max: -1 }) },
  { weight: 1, arbitrary: cents(1, 2 ** 47) },
)

const fees = fc.uniqueArray(fc.record({ id: feeId, createdAt, balanceCents: balance }), {
  selector: (fee) => fee.id,
  maxLength: 12,
})

/** The fees in every order fast-check cares to try. */
function reordered<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length })
}

const payable = (list: readonly AllocatableFee[]) =>
  list.reduce((sum, fee) => sum + Math.max(0, fee.balanceCents), 0)

function expectOldestFirstSpread(
  list: readonly AllocatableFee[],
  amount: number,
  result: SpreadResult,
) {
  const { lines, unallocatedCents } = result
  expect(lines.reduce((sum, line) => sum + line.amountCents, 0) + unallocatedCents).toBe(amount)
  expect(unallocatedCents).toBe(Math.max(0, amount - payable(list)))
  const ordered = oldestFirst(list).filter((fee) => fee.balanceCents > 0)
  // Line i goes to the i-th oldest fee that owes something, and only the last may be partial.
  lines.forEach((line, index) => {
    const fee = ordered[index]
    expect(line.feeId).toBe(fee?.id)
    expect(line.amountCents).toBeGreaterThan(0)
    expect(line.amountCents).toBeLessThanOrEqual(fee?.balanceCents ?? 0)
    if (index < lines.length - 1) expect(line.amountCents).toBe(fee?.balanceCents)
  })
  if (unallocatedCents > 0) expect(lines).toHaveLength(ordered.length)
}

/** The fees in two orders, all created at the same time, so only their ids order them. */
function shuffledSameTime(ids: string[]): [AllocatableFee[], AllocatableFee[]] {
  const list = ids.map((id) => ({ id, createdAt: '2024-01-01T00:00:00Z', balanceCents: 100 }))
  return [list, [...list.slice(1), ...list.slice(0, 1)]]
}

describe('common/allocation properties', () => {
  it('spreadOldestFirst: lines plus the remainder are the amount, oldest fees filled first', () => {
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 2_000_000 }),
      cents(0, Number.MAX_SAFE_INTEGER),
    )
    fc.assert(
      fc.property(fees, amount, (list, cents) => {
        expectOldestFirstSpread(list, cents, spreadOldestFirst(cents, list))
      }),
      { numRuns: runs },
    )
  })

  it('allocateOldestFirst: any amount up to what the fees owe is allocated in full', () => {
    const feesAndAmount = fees
      .filter((list) => payable(list) > 0)
      .chain((list) => fc.tuple(fc.constant(list), cents(1, payable(list))))
    fc.assert(
      fc.property(feesAndAmount, ([list, cents]) => {
        const lines = allocateOldestFirst(list, cents)
        expect(lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(cents)
        expectOldestFirstSpread(list, cents, { lines, unallocatedCents: 0 })
      }),
      {
        numRuns: runs,
        examples: [
          // Found by this property: a negative balance lowered what the other fees could take.
          [
            [
              [
                { id: '1', createdAt: '2024-01-01T00:00:00Z', balanceCents: -16 },
                { id: '2', createdAt: '2024-02-01T00:00:00Z', balanceCents: 500 },
              ],
              500,
            ],
          ],
        ],
      },
    )
  })

  it('the same fees in any order give the same lines', () => {
    const feesTwice = fees.chain((list) => fc.tuple(fc.constant(list), reordered(list)))
    fc.assert(
      fc.property(feesTwice, fc.integer({ min: 0, max: 2_000_000 }), ([list, shuffled], cents) => {
        expect(oldestFirst(shuffled)).toEqual(oldestFirst(list))
        expect(spreadOldestFirst(cents, shuffled)).toEqual(spreadOldestFirst(cents, list))
        const capped = Math.min(Math.max(cents, 1), payable(list))
        if (capped > 0) {
          expect(allocateOldestFirst(shuffled, capped)).toEqual(allocateOldestFirst(list, capped))
        }
      }),
      {
        numRuns: runs,
        examples: [
          // Found by this property: digit and other ids compared in a cycle ("2" < "10" < "1a" < "2").
          [shuffledSameTime(['2', '10', '1a']), 150],
        ],
      },
    )
  })

  it('allocateOldestFirst refuses more than the fees owe', () => {
    fc.assert(
      fc.property(fees, fc.integer({ min: 1, max: 1_000_000 }), (list, extra) => {
        const cents = payable(list) + extra
        fc.pre(Number.isSafeInteger(cents))
        expect(() => allocateOldestFirst(list, cents)).toThrow(
          expect.objectContaining({ kind: 'exceeds_balance' }),
        )
      }),
      { numRuns: runs },
    )
  })

  it('refuses amounts that are not whole, safe, positive cents', () => {
    const notCents = fc.oneof(
      cents(Number.MIN_SAFE_INTEGER, -1),
      fc.double({ noInteger: true }),
      fc.constantFrom(
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.MAX_SAFE_INTEGER + 1,
        2 ** 60,
        -0.5,
      ),
    )
    fc.assert(
      fc.property(fees, notCents, (list, amount) => {
        expect(() => spreadOldestFirst(amount, list)).toThrow(RangeError)
        expect(() => allocateOldestFirst(list, amount)).toThrow(AllocationError)
      }),
      { numRuns: runs },
    )
    // Zero is a valid spread (nothing to do) but not a payment.
    expect(spreadOldestFirst(0, [])).toEqual({ lines: [], unallocatedCents: 0 })
    expect(() => allocateOldestFirst([], 0)).toThrow(AllocationError)
  })

  it('refuses a fee whose balance is not whole, safe cents, wherever it sorts', () => {
    const badBalance = fc.oneof(
      fc.double({ noInteger: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2, 2 ** 70),
    )
    const withBadFee = fc
      .tuple(fees, fc.record({ id: fc.constant('bad'), createdAt, balanceCents: badBalance }))
      .chain(([list, bad]) => reordered([...list.filter((fee) => fee.id !== 'bad'), bad]))
    fc.assert(
      fc.property(withBadFee, fc.integer({ min: 1, max: 1_000_000 }), (list, cents) => {
        expect(() => spreadOldestFirst(cents, list)).toThrow(RangeError)
        expect(() => allocateOldestFirst(list, cents)).toThrow(RangeError)
      }),
      { numRuns: runs },
    )
  })
})
