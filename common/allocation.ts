/**
 * How a payment is spread over fees: oldest fee first, deterministic. The service allocates with
 * the same rule; the kiosk uses it to show the patron the split before they pay.
 */

export interface AllocatableFee {
  id: string
  /** ISO 8601 creation time. */
  createdAt: string
  balanceCents: number
}

export interface AllocationLine {
  feeId: string
  amountCents: number
}

export class AllocationError extends Error {
  readonly kind: 'invalid_amount' | 'exceeds_balance'
  constructor(kind: AllocationError['kind'], message: string) {
    super(message)
    this.name = 'AllocationError'
    this.kind = kind
  }
}

export function sumBalances(fees: readonly Pick<AllocatableFee, 'balanceCents'>[]): number {
  return fees.reduce((total, fee) => total + fee.balanceCents, 0)
}

const digitsOnly = /^\d+$/u

function compareIds(a: string, b: string): number {
  // Alma fee ids are long digit strings: compare them as numbers (shorter first, then digit by
  // digit). Every digit id sorts before every other id so the order stays total (transitive) when
  // both kinds are mixed; otherwise the sort, and with it the allocation, depends on input order.
  const aDigits = digitsOnly.test(a)
  const bDigits = digitsOnly.test(b)
  if (aDigits !== bDigits) return aDigits ? -1 : 1
  if (aDigits && a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

function timeOf(iso: string): number {
  const ms = Date.parse(iso)
  // An unreadable date sorts last rather than breaking the order of the readable ones.
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms
}

/**
 * Oldest first: creation time, then fee id. The service allocates with the same functions, so the
 * preview is what the service will post.
 */
export function oldestFirst<T extends AllocatableFee>(fees: readonly T[]): T[] {
  return [...fees].sort((a, b) => {
    const ta = timeOf(a.createdAt)
    const tb = timeOf(b.createdAt)
    if (ta !== tb) return ta < tb ? -1 : 1
    return compareIds(a.id, b.id)
  })
}

export interface SpreadResult {
  lines: AllocationLine[]
  /** What no fee could take (zero unless the amount exceeds the fees' total). */
  unallocatedCents: number
}

/**
 * Spreads `amountCents` over `fees` oldest first, each fee taking at most its balance; fees with
 * nothing owed (zero or negative balance) take nothing. The service uses it for checkouts and for
 * re-allocating money whose fee closed meanwhile, where a remainder is expected and becomes an
 * exception. Every balance must be whole, safe cents, even one the money would not reach.
 */
export function spreadOldestFirst(
  amountCents: number,
  fees: readonly AllocatableFee[],
): SpreadResult {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) {
    throw new RangeError(`Amount must be a non-negative number of cents: ${amountCents}`)
  }
  for (const fee of fees) {
    if (!Number.isSafeInteger(fee.balanceCents)) {
      throw new RangeError(`Fee ${fee.id} balance must be integer cents: ${fee.balanceCents}`)
    }
  }
  const lines: AllocationLine[] = []
  let remaining = amountCents
  for (const fee of oldestFirst(fees)) {
    if (remaining === 0) break
    if (fee.balanceCents <= 0) continue
    const take = Math.min(remaining, fee.balanceCents)
    lines.push({ feeId: fee.id, amountCents: take })
    remaining -= take
  }
  return { lines, unallocatedCents: remaining }
}

/**
 * The kiosk's preview: splits `amountCents` over `fees`, paying each oldest fee in full before the
 * next one. Lines come back oldest first and only for fees that receive money.
 */
export function allocateOldestFirst(
  fees: readonly AllocatableFee[],
  amountCents: number,
): AllocationLine[] {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new AllocationError('invalid_amount', `Amount must be a positive whole number of cents`)
  }
  const { lines, unallocatedCents } = spreadOldestFirst(amountCents, fees)
  if (unallocatedCents > 0) {
    // What the fees can take: a fee with a negative balance does not lower the others' share.
    const payable = amountCents - unallocatedCents
    throw new AllocationError(
      'exceeds_balance',
      `Amount ${amountCents} exceeds the balance ${payable}`,
    )
  }
  return lines
}

/**
 * The amounts a patron may enter for the selected fees: at least the configured minimum (or the
 * whole selected total when that is smaller), at most the selected total.
 */
export function paymentLimits(
  selectedTotalCents: number,
  minPaymentCents: number,
): { minCents: number; maxCents: number } {
  return { minCents: Math.min(minPaymentCents, selectedTotalCents), maxCents: selectedTotalCents }
}
