/**
 * Paper receipts, when the host has a receipt printer: the receipt screens print once by themselves
 * and offer "Print receipt" for another copy. A printer problem is a state the screen shows (with the
 * reference to note), never a dead end.
 */
import type { KioskSettings, Language, LookupResponse, Receipt } from '../../../common/api.ts'
import { shortDisplayName } from '../../../common/displayName.ts'
import { feeTypeName } from '../../../common/feeTypes.ts'
import type { PrintReceiptArgs } from '../../../common/kioskBridge.ts'
import { feeTypesById, receiptLineFee } from './selectors.ts'
import type { KioskSlice, ReceiptPrintSlice } from './types.ts'

export const initialReceiptPrint = { receiptPrint: null } satisfies Partial<ReceiptPrintSlice>

/** What goes on paper for a receipt; null when there is nothing printable yet. */
function receiptPrintArgs(input: {
  settings: KioskSettings | null
  language: Language
  patronName: string
  /** The lookup, for each line's fee type (named as on the screen). */
  patron: Pick<LookupResponse, 'fees' | 'feesBeingPosted'> | null
  receipt: Receipt | undefined
  now: number
}): PrintReceiptArgs | null {
  const { settings, receipt } = input
  if (!settings || !receipt) return null
  const feeTypes = feeTypesById(input.patron)
  return {
    libraryName: settings.library.name,
    patronName: shortDisplayName(input.patronName),
    language: input.language,
    currency: settings.currency,
    paidAt: receipt.postedAt ?? new Date(input.now).toISOString(),
    amountCents: receipt.amountCents,
    transactionId: receipt.transactionId,
    lines: receipt.lines.map((line) => {
      // The fee type's name in the patron's language, as the receipt screen shows it.
      const name = feeTypeName(
        receiptLineFee(line, feeTypes),
        input.language,
        settings.feeTypeNames,
      )
      return {
        description: settings.showItemTitles && line.title ? `${name} — ${line.title}` : name,
        amountCents: line.amountCents,
      }
    }),
    reference: receipt.exceptionReference,
  }
}

export const createReceiptPrintSlice: KioskSlice<ReceiptPrintSlice> = (deps) => (set, get) => {
  // Ask the host once whether it has a printer; a host that cannot say has none.
  void deps.host
    .getKioskInfo()
    .then((info) => {
      set({ receiptPrinter: info.receiptPrinter })
    })
    .catch(() => undefined)
  return {
    receiptPrinter: false,
    ...initialReceiptPrint,
    async printReceipt() {
      const state = get()
      const checkoutId = state.checkoutState?.checkoutId
      const args = receiptPrintArgs({
        settings: state.settings,
        language: state.language,
        patronName: state.patron?.patron.displayName ?? '',
        patron: state.patron,
        receipt: state.checkoutState?.receipt,
        now: deps.now(),
      })
      if (!state.receiptPrinter || !args || !checkoutId) return
      if (state.receiptPrint?.status === 'printing') return
      const { signal } = deps.scope
      set({ receiptPrint: { checkoutId, status: 'printing' } })
      const result = await deps.host.printReceipt(args).catch(() => ({ printed: false as const }))
      if (signal.aborted) return
      set({ receiptPrint: { checkoutId, status: result.printed ? 'printed' : 'failed' } })
    },
  }
}
