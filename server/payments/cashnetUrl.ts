/**
 * The CashNet hosted checkout URL for one checkout: the store URL from configuration plus the lines
 * (`itemcnt`, `itemcodeN`, `amountN`, `descN`), our checkout reference in the configured reference
 * fields, an optional customer code and the `signouturl`. Pure.
 */
import { itemFieldNames } from '../../common/cashnet.ts'
import { decimalStringFromCents } from '../../common/money.ts'
import type { ItemCodeRules } from '../config/types.ts'

export interface CashnetUrlOptions {
  /** The store's checkout URL, e.g. https://commerce.cashnet.com/LIBRARYSTORE (may carry a query). */
  checkoutUrl: string
  /** Which item code a fee type (of an owning library) is sent with. */
  itemCodes: ItemCodeRules
  /** Reference type name CashNet echoes back (default CHECKOUT_ID). */
  refType?: string
  /** Field carrying the reference type name (default ref1type1). */
  refTypeField?: string
  /** Field carrying our checkout id (default ref1val1). */
  refValueField?: string
  /** Optional CashNet customer code. */
  custcode?: string | undefined
  /** Where CashNet sends the browser back: `<PUBLIC_BASE_URL>/cashnet/return`. */
  returnUrl: string
}

export interface CashnetLine {
  /** The CashNet item code (see `itemCodeFor`). */
  itemCode: string
  /** Shown on the CashNet page and receipt: the fee type's description, never the item title. */
  description: string
  amountCents: number
}

export const defaultRefType = 'CHECKOUT_ID'
export const defaultRefTypeField = 'ref1type1'
export const defaultRefValueField = 'ref1val1'
/** CashNet descriptions are short free text; longer ones are cut, not rejected. */
const maxDescriptionLength = 60

/**
 * The item code for a fee: the owning library's code for its type, else the owning library's own
 * default, else the institution's code for the type, else the institution's default.
 */
export function itemCodeFor(rules: ItemCodeRules, feeType: string, owner: string): string {
  const library = rules.byOwner[owner]
  return (
    library?.byFeeType?.[feeType] ?? library?.default ?? rules.byFeeType[feeType] ?? rules.default
  )
}

export function buildCashnetCheckoutUrl(
  options: CashnetUrlOptions,
  checkout: { checkoutId: string; lines: readonly CashnetLine[] },
): string {
  if (checkout.lines.length === 0)
    throw new RangeError('A CashNet checkout needs at least one line')
  const url = new URL(options.checkoutUrl)
  const params = url.searchParams
  params.set('itemcnt', String(checkout.lines.length))
  checkout.lines.forEach((line, index) => {
    const n = index + 1
    if (!Number.isSafeInteger(line.amountCents) || line.amountCents <= 0) {
      throw new RangeError(`Line ${n} amount must be positive cents: ${line.amountCents}`)
    }
    const names = itemFieldNames(n)
    params.set(names.itemCode, line.itemCode)
    params.set(names.amount, decimalStringFromCents(line.amountCents))
    params.set(names.description, line.description.slice(0, maxDescriptionLength))
  })
  params.set(options.refTypeField ?? defaultRefTypeField, options.refType ?? defaultRefType)
  params.set(options.refValueField ?? defaultRefValueField, checkout.checkoutId)
  if (options.custcode) params.set('custcode', options.custcode)
  params.set('signouturl', options.returnUrl)
  return url.toString()
}
