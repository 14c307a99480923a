/**
 * Where a row's money goes when its fee was closed, reduced or removed before it could be posted:
 * first whatever still fits on its own fee, then the patron's other active fees oldest first (the
 * same rule as a partial payment), and what no fee can take becomes unapplied money for staff. Pure.
 */
import { spreadOldestFirst } from '../../../common/allocation.ts'
import type { AlmaFee } from '../../alma/port.ts'
import type {
  PostingRecord,
  ReallocationInput,
  ReallocationTarget,
} from '../../store/repository.ts'

export type ReallocationPlan = Omit<ReallocationInput, 'now'>

/**
 * `fee` is the row's fee as Alma shows it now (null when it no longer exists); `activeFees` the
 * patron's active fees; `pendingByFee` the outbox money not yet posted per fee, this row included.
 */
export function planReallocation(
  posting: Pick<PostingRecord, 'feeId' | 'feeDescription' | 'feeTitle' | 'amountCents'>,
  fee: AlmaFee | null,
  activeFees: readonly AlmaFee[],
  pendingByFee: ReadonlyMap<string, number>,
): ReallocationPlan {
  const others = activeFees.filter((other) => other.id !== posting.feeId && other.balanceCents > 0)
  const targets: ReallocationTarget[] = []
  let remaining = posting.amountCents
  if (fee?.status === 'ACTIVE') {
    // The pending sum still counts this row itself.
    const ownPending = (pendingByFee.get(posting.feeId) ?? 0) - posting.amountCents
    const take = Math.min(remaining, Math.max(0, fee.balanceCents - ownPending))
    if (take > 0) {
      targets.push({
        feeId: posting.feeId,
        feeDescription: posting.feeDescription,
        feeTitle: posting.feeTitle,
        amountCents: take,
      })
      remaining -= take
    }
  }
  const allocation = spreadOldestFirst(
    remaining,
    others.map((other) => ({
      id: other.id,
      createdAt: other.creationTime,
      balanceCents: Math.max(0, other.balanceCents - (pendingByFee.get(other.id) ?? 0)),
    })),
  )
  for (const line of allocation.lines) {
    const other = others.find((candidate) => candidate.id === line.feeId)
    if (!other) continue
    targets.push({
      feeId: other.id,
      feeDescription: other.typeDescription,
      feeTitle: other.title,
      amountCents: line.amountCents,
    })
  }
  const reason = !fee
    ? `fee ${posting.feeId} no longer exists in Alma`
    : fee.status !== 'ACTIVE'
      ? `fee ${posting.feeId} is ${fee.status}`
      : `fee ${posting.feeId} balance ${fee.balanceCents} is below ${posting.amountCents}`
  return {
    targets,
    unapplied:
      allocation.unallocatedCents > 0
        ? {
            amountCents: allocation.unallocatedCents,
            reason: `No active fee could take this money (${reason}).`,
          }
        : null,
    reason,
  }
}
