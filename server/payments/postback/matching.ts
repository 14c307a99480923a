/**
 * What a postback that passed the secret and the source check means for our checkouts. Pure: the
 * ingest hands it what the postback says and the checkouts it names, and applies the answer.
 *
 * A verified postback with `result=0` means CashNet took the money. If it then fails any check (no
 * or unknown reference, several references, a wrong or unreadable amount, no tx, item codes other
 * than the ones we sent) the money is still real: it becomes an `unmatched_payment` exception for
 * staff, never a silent rejection, and it is never posted to Alma automatically.
 */
import type { CheckoutRecord, PostbackOutcome } from '../../store/repository.ts'
import type { ParseResult } from './parse.ts'

export type VerifiedPostbackDecision =
  /** Nothing to act on and no money involved: recorded with its reason, answered 4xx. */
  | { kind: 'reject'; statusCode: number; outcome: PostbackOutcome; reason: string }
  /** CashNet took money we cannot match: an exception for staff. */
  | {
      kind: 'unmatched'
      reason: string
      tx: string | null
      amountCents: number | null
      checkoutId: string | null
    }
  | { kind: 'decline'; checkoutId: string; tx: string | null; message: string }
  /** `seen`: the checkout as this decision read it (see `PostbackAction`). */
  | { kind: 'accept'; checkoutId: string; tx: string; amountCents: number; seen: CheckoutRecord }

const transactionNumber = /^[A-Za-z0-9._:-]{1,64}$/

/**
 * For a postback that could not be parsed: does it still say `result=0` (every `result` it carries
 * is exactly 0) and which tx, if any, does it name? Reads the query, and the body when it is a form.
 */
export function claimedSuccess(
  rawBody: string | null,
  isForm: boolean,
  rawQuery: string,
): { succeeded: boolean; tx: string | null } {
  const results: string[] = []
  let tx: string | null = null
  const sources = [rawQuery, ...(isForm && rawBody !== null ? [rawBody] : [])]
  for (const source of sources) {
    for (const [name, value] of new URLSearchParams(source)) {
      const key = name.trim().toLowerCase()
      if (key === 'result') results.push(value.trim())
      if (key === 'tx' && tx === null && transactionNumber.test(value.trim())) tx = value.trim()
    }
  }
  return { succeeded: results.length > 0 && results.every((value) => value === '0'), tx }
}

/** Item codes as a sorted list, for a comparison that ignores order. */
function sortedCodes(codes: readonly string[]): string {
  return [...codes].sort().join(',')
}

function itemCodesIn(fields: ReadonlyMap<string, string>): string[] {
  const codes: string[] = []
  for (const [name, value] of fields) if (/^itemcode\d+$/.test(name)) codes.push(value.trim())
  return codes
}

export interface VerifiedPostback {
  parsed: ParseResult
  /** For an unparsable postback: what it claims (see `claimedSuccess`). */
  claimed: { succeeded: boolean; tx: string | null }
  /** The distinct known checkouts its references name (at most a few). */
  checkouts: readonly CheckoutRecord[]
}

export function decideVerifiedPostback(input: VerifiedPostback): VerifiedPostbackDecision {
  const { parsed, checkouts } = input
  if (!parsed.ok) {
    if (!input.claimed.succeeded) {
      return {
        kind: 'reject',
        statusCode: 400,
        outcome: 'rejected_malformed',
        reason: parsed.reason,
      }
    }
    return {
      kind: 'unmatched',
      reason: `successful payment that cannot be read: ${parsed.reason}`,
      tx: input.claimed.tx,
      amountCents: null,
      checkoutId: null,
    }
  }
  const postback = parsed.postback
  const [checkout] = checkouts
  const single = checkouts.length === 1 && checkout ? checkout : null

  if (!postback.succeeded) {
    // No money moved: a decline for a checkout we know fails it; anything else is just recorded.
    if (!single) {
      return {
        kind: 'reject',
        statusCode: 422,
        outcome: 'rejected_reference',
        reason:
          checkouts.length > 1 ? 'references name more than one checkout' : 'no known checkout',
      }
    }
    if (postback.totalCents !== null && postback.totalCents !== single.amountCents) {
      return {
        kind: 'reject',
        statusCode: 422,
        outcome: 'rejected_amount',
        reason: `amount ${postback.totalCents} ≠ checkout ${single.amountCents} (cents)`,
      }
    }
    return {
      kind: 'decline',
      checkoutId: single.id,
      tx: postback.failedTx ?? postback.tx,
      message: postback.respMessage ?? `CashNet result ${postback.result}`,
    }
  }

  const unmatched = (reason: string): VerifiedPostbackDecision => ({
    kind: 'unmatched',
    reason,
    tx: postback.tx,
    amountCents: postback.totalCents,
    checkoutId: single?.id ?? null,
  })
  if (checkouts.length > 1) return unmatched('references name more than one checkout')
  if (!single) return unmatched('no known checkout')
  if (postback.tx === null) return unmatched('tx is missing')
  if (postback.totalCents === null) return unmatched('no amount fields')
  if (postback.totalCents !== single.amountCents) {
    return unmatched(`amount ${postback.totalCents} ≠ checkout ${single.amountCents} (cents)`)
  }
  const reported = itemCodesIn(postback.fields)
  const sent = single.lines.flatMap((line) => (line.itemCode === null ? [] : [line.itemCode]))
  if (reported.length > 0 && sent.length === single.lines.length) {
    if (sortedCodes(reported) !== sortedCodes(sent)) {
      return unmatched(`item codes ${sortedCodes(reported)} differ from ${sortedCodes(sent)}`)
    }
  }
  return {
    kind: 'accept',
    checkoutId: single.id,
    tx: postback.tx,
    amountCents: postback.totalCents,
    seen: single,
  }
}
