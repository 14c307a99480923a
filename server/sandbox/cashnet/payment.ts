/**
 * What the sandbox CashNet does with a card or a cancel: the transaction it records, the postback
 * fields it sends the service and the fields it returns the browser with, all in CashNet's field
 * encoding (`common/cashnet.ts`).
 */
import {
  postbackFields,
  returnFields,
  type CashnetOutcome,
  type CashnetReference,
  type FormFields,
} from '../../../common/cashnet.ts'
import type { SandboxCheckoutRequest, SandboxLine } from './checkoutRequest.ts'
import { declinedTestCard } from './pages.ts'
import type { SandboxPostbackAttempt } from './postbackDelivery.ts'

export interface SandboxCashnetTransaction {
  /** `tx` for a payment, `failedtx` for a decline, null for a cancel. */
  tx: string | null
  outcome: 'paid' | 'declined' | 'cancelled'
  amountCents: number
  lines: SandboxLine[]
  references: CashnetReference[]
  custcode: string | null
  at: string
  /** Every postback sent for it (none for a cancel), and any dropped before it was sent. */
  postbacks: SandboxPostbackAttempt[]
}

/** The decline CashNet reports for the sandbox's declined test card. */
const sandboxDecline = {
  result: '230',
  respmessage: 'DECLINED',
  ccerrorcode: '05',
  ccerrormessage: 'Do not honor',
} as const
/** CashNet's "customer cancelled before processing payment". */
const sandboxCancel = {
  result: '902',
  respmessage: 'Customer cancelled before processing payment',
} as const

const declinedCardDigits = declinedTestCard.replaceAll(' ', '')

/** The digits of a card number typed with spaces or dashes; null unless 13 to 19 digits. */
export function cardDigits(card: string): string | null {
  const digits = card.replace(/[\s-]/g, '')
  return /^\d{13,19}$/.test(digits) ? digits : null
}

export interface Charge {
  transaction: SandboxCashnetTransaction
  postback: FormFields
  returnTo: FormFields
}

/** A card charged (or declined, for the decline card) as transaction `tx`. */
export function chargeCard(options: {
  request: SandboxCheckoutRequest
  digits: string
  tx: string
  batchNo: string
  storeName: string
  now: Date
}): Charge {
  const { request, tx } = options
  const declined = options.digits === declinedCardDigits
  const outcome: CashnetOutcome = declined
    ? { ...sandboxDecline, failedtx: tx }
    : { result: '0', respmessage: 'SUCCESS', tx }
  return {
    transaction: {
      ...recorded(request, options.now),
      tx,
      outcome: declined ? 'declined' : 'paid',
    },
    postback: postbackFields({
      ...outcome,
      batchno: options.batchNo,
      merchant: options.storeName,
      station: 'WEB',
      operator: 'SANDBOX',
      effdate: options.now.toISOString().slice(0, 10),
      pmtcode: 'CC',
      items: request.lines,
      references: request.references,
      custcode: request.custcode,
    }),
    returnTo: returnFields(outcome, request.references),
  }
}

/** The patron pressed Cancel: recorded, no postback, back to the store with result 902. */
export function cancelCheckout(request: SandboxCheckoutRequest, now: Date) {
  return {
    transaction: { ...recorded(request, now), tx: null, outcome: 'cancelled' as const },
    returnTo: returnFields(sandboxCancel, request.references),
  }
}

function recorded(request: SandboxCheckoutRequest, now: Date) {
  return {
    amountCents: request.totalCents,
    lines: request.lines,
    references: request.references,
    custcode: request.custcode,
    at: now.toISOString(),
    postbacks: [],
  }
}
