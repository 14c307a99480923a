/**
 * "Email my receipt": when the library offers it (kiosk setting `emailReceipt`), the receipt screen
 * of a posted payment can ask the service to email the receipt to the patron's preferred email in
 * Alma, in the kiosk language. Sent once per checkout; a failure is a message on the screen, never
 * something that holds the patron up.
 */
import { isKioskApiError } from '../api/kioskApiError.ts'
import type { KioskSlice, ReceiptEmailFailure, ReceiptEmailSlice } from './types.ts'

export const initialReceiptEmail = { receiptEmail: null } satisfies Partial<ReceiptEmailSlice>

/** What the screen can tell the patron about a failed request (the service's error codes). */
function receiptEmailFailure(error: unknown): ReceiptEmailFailure {
  if (!isKioskApiError(error) || error.kind !== 'rejected') return 'error'
  if (error.code === 'no_email') return 'no_email'
  if (error.code === 'email_unavailable') return 'unavailable'
  if (error.code === 'not_posted') return 'not_posted'
  return 'error'
}

/** Failures where asking again cannot help: the button stays off. */
export function receiptEmailFinal(failure: ReceiptEmailFailure): boolean {
  return failure === 'no_email' || failure === 'unavailable'
}

export const createReceiptEmailSlice: KioskSlice<ReceiptEmailSlice> = (deps) => (set, get) => ({
  ...initialReceiptEmail,
  async emailReceipt() {
    const state = get()
    const checkoutId = state.checkoutState?.checkoutId
    if (!state.settings?.emailReceipt || !checkoutId) return
    if (state.checkoutState?.status !== 'posted') return
    const current = state.receiptEmail?.checkoutId === checkoutId ? state.receiptEmail : null
    if (current?.status === 'sending' || current?.status === 'sent') return
    if (current?.status === 'failed' && receiptEmailFinal(current.failure)) return
    const { signal } = deps.scope
    set({ receiptEmail: { checkoutId, status: 'sending' } })
    try {
      const { sentTo } = await deps.api.emailReceipt(checkoutId, state.language, signal)
      if (signal.aborted) return
      set({ receiptEmail: { checkoutId, status: 'sent', sentTo } })
    } catch (error) {
      if (signal.aborted) return
      set({ receiptEmail: { checkoutId, status: 'failed', failure: receiptEmailFailure(error) } })
    }
  },
})
