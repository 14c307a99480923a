/**
 * How money is spread across fees: oldest fee first (Alma creation time, then fee id), each fee
 * taking at most its balance. Pure and deterministic, so the kiosk can show the patron exactly what
 * the service will post. Paying all fees or a selection is the case where the amount is the total.
 */

export interface AllocatableFee {
  id: string
  /** ISO 8601 creation time. */
  createdAt: string
  balanceCents: number
}

export interface Allocation {
  feeId: string
  amountCents: number
}

export interface AllocationResult {
  lines: Allocation[]
  /** What no fee could take (zero unless the amount exceeds the fees' total). */
  unallocatedCents: number
}

function compareIds(a: string, b: string): number {
  // Alma fee ids are long digit strings: compare them as numbers when both are.
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

function timeOf(iso: string): number {
  const time = Date.parse(iso)
  // An unreadable date sorts last rather than breaking the order of the readable ones.
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time
}

/** Oldest first: creation time, then fee id. Returns a new array. */
export function sortOldestFirst<T extends { id: string; createdAt: string }>(
  fees: readonly T[],
): T[] {
  return [...fees].sort((a, b) => {
    const ta = timeOf(a.createdAt)
    const tb = timeOf(b.createdAt)
    if (ta !== tb) return ta < tb ? -1 : 1
    return compareIds(a.id, b.id)
  })
}

/** Allocates `amountCents` over `fees` oldest first; fees with nothing owed take nothing. */
export function allocateOldestFirst(
  amountCents: number,
  fees: readonly AllocatableFee[],
): AllocationResult {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) {
    throw new RangeError(`Amount must be a non-negative number of cents: ${amountCents}`)
  }
  const lines: Allocation[] = []
  let remaining = amountCents
  for (const fee of sortOldestFirst(fees)) {
    if (remaining === 0) break
    if (!Number.isSafeInteger(fee.balanceCents)) {
      throw new RangeError(`Fee ${fee.id} balance must be integer cents: ${fee.balanceCents}`)
    }
    if (fee.balanceCents <= 0) continue
    const take = Math.min(remaining, fee.balanceCents)
    lines.push({ feeId: fee.id, amountCents: take })
    remaining -= take
  }
  return { lines, unallocatedCents: remaining }
}
