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

function compareIds(a: string, b: string): number {
  // Alma fee ids are long digit strings: compare them as numbers when both are.
  if (/^\d+$/u.test(a) && /^\d+$/u.test(b) && a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

function timeOf(iso: string): number {
  const ms = Date.parse(iso)
  // An unreadable date sorts last rather than breaking the order of the readable ones.
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms
}

/**
 * Oldest first: creation time, then fee id — the same order as the service's
 * `server/payments/allocation.ts`, so the preview is what the service will post.
 */
export function oldestFirst<T extends AllocatableFee>(fees: readonly T[]): T[] {
  return [...fees].sort((a, b) => {
    const ta = timeOf(a.createdAt)
    const tb = timeOf(b.createdAt)
    if (ta !== tb) return ta < tb ? -1 : 1
    return compareIds(a.id, b.id)
  })
}

/**
 * Splits `amountCents` over `fees`, paying each oldest fee in full before the next one.
 * Lines come back oldest first and only for fees that receive money.
 */
export function allocateOldestFirst(
  fees: readonly AllocatableFee[],
  amountCents: number,
): AllocationLine[] {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new AllocationError('invalid_amount', `Amount must be a positive whole number of cents`)
  }
  const total = sumBalances(fees)
  if (amountCents > total) {
    throw new AllocationError(
      'exceeds_balance',
      `Amount ${amountCents} exceeds the balance ${total}`,
    )
  }
  const lines: AllocationLine[] = []
  let left = amountCents
  for (const fee of oldestFirst(fees)) {
    if (left === 0) break
    const amount = Math.min(left, fee.balanceCents)
    if (amount > 0) lines.push({ feeId: fee.id, amountCents: amount })
    left -= amount
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
