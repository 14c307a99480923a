/** Values derived from the store state. Pure: call them inside `useMemo` or in actions. */
import type { Fee, LookupResponse, ReceiptLine } from '../../../common/api.ts'
import {
  allocateOldestFirst,
  paymentLimits,
  sumBalances,
  type AllocationLine,
} from '../../../common/allocation.ts'
import { centsFromAmountDigits } from './keypad.ts'
import type { KioskState } from './types.ts'

/** A patron's payable fees and the selection: the kiosk's state, or the pay pages'. */
type Selection = {
  patron: Pick<LookupResponse, 'fees'> | null
  selectedFeeIds: KioskState['selectedFeeIds']
}

export function selectedFees({ patron, selectedFeeIds }: Selection): Fee[] {
  if (!patron) return []
  const selected = new Set(selectedFeeIds)
  return patron.fees.filter((fee) => selected.has(fee.id))
}

export function selectedTotalCents(state: Selection): number {
  return sumBalances(selectedFees(state))
}

/** What the patron will pay: the confirmed partial amount, or everything selected. */
export function paymentAmountCents(state: Selection & Pick<KioskState, 'partialAmountCents'>) {
  return state.partialAmountCents ?? selectedTotalCents(state)
}

export function amountLimits(state: Selection & Pick<KioskState, 'settings'>) {
  return paymentLimits(selectedTotalCents(state), state.settings?.minPaymentCents ?? 1)
}

export type AmountEntryProblem = 'empty' | 'belowMinimum' | 'aboveTotal'

/** Why the amount on the keypad cannot be paid, or null when it can. */
export function amountEntryProblem(
  state: Selection & Pick<KioskState, 'settings' | 'amountDigits'>,
): AmountEntryProblem | null {
  const cents = centsFromAmountDigits(state.amountDigits)
  const { minCents, maxCents } = amountLimits(state)
  if (cents === 0) return 'empty'
  if (cents < minCents) return 'belowMinimum'
  if (cents > maxCents) return 'aboveTotal'
  return null
}

export interface AllocationPreviewLine extends AllocationLine {
  fee: Fee
  remainingCents: number
}

/** How the payment will be spread over the selected fees (oldest first), as the service will. */
export function allocationPreview(
  state: Selection & Pick<KioskState, 'partialAmountCents'>,
): AllocationPreviewLine[] {
  const fees = selectedFees(state)
  const amount = paymentAmountCents(state)
  if (fees.length === 0 || amount <= 0) return []
  const byId = new Map(fees.map((fee) => [fee.id, fee]))
  return allocateOldestFirst(fees, amount).flatMap((line) => {
    const fee = byId.get(line.feeId)
    return fee ? [{ ...line, fee, remainingCents: fee.balanceCents - line.amountCents }] : []
  })
}

/**
 * Each of the patron's fees' Alma type code by fee id, from the lookup: receipt lines carry only
 * Alma's description, and the kiosk names fee types in the patron's language by code.
 */
export function feeTypesById(
  patron: Pick<LookupResponse, 'fees' | 'feesBeingPosted'> | null,
): ReadonlyMap<string, string> {
  if (!patron) return new Map()
  return new Map([...patron.fees, ...patron.feesBeingPosted].map((fee) => [fee.id, fee.type]))
}

/**
 * A receipt line as a fee to name (`feeTypeName` in common/feeTypes.ts): its type code from
 * `feeTypesById`, or '' for a fee the lookup did not list, which keeps Alma's description. The
 * receipt on screen and the printed receipt both name their lines through this.
 */
export function receiptLineFee<L extends ReceiptLine>(
  line: L,
  feeTypes: ReadonlyMap<string, string>,
): L & { type: string } {
  return { ...line, type: feeTypes.get(line.feeId) ?? '' }
}
