/**
 * What a store checkout URL asks the sandbox CashNet for, read the way CashNet reads it: field names
 * in any case, `itemcnt` lines of `itemcodeN`/`amountN`/`descN`, reference fields echoed back.
 */
import { z } from 'zod'
import { itemFieldNames, readReferences, type CashnetReference } from '../../../common/cashnet.ts'
import { centsFromDecimalString } from '../../../common/money.ts'

export interface SandboxLine {
  itemCode: string
  description: string
  amountCents: number
}

export interface SandboxCheckoutRequest {
  lines: SandboxLine[]
  totalCents: number
  /** The `refNtypeM` / `refNvalM` references as given, echoed in the postback and the return. */
  references: CashnetReference[]
  custcode: string | null
  signoutUrl: string
}

const maxItems = 50

const signoutUrlSchema = z
  .string({ error: 'signouturl is missing' })
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'signouturl must be an http(s) URL',
  })

export function readCheckoutRequest(
  search: URLSearchParams,
): { ok: true; request: SandboxCheckoutRequest } | { ok: false; reason: string } {
  const fields = new Map<string, string>()
  for (const [name, value] of search) fields.set(name.toLowerCase(), value)

  const declared = fields.get('itemcnt')
  let count: number
  if (declared === undefined) {
    // CashNet stores (UCLA's among them) send itemcnt only for more than one item.
    count = [...fields.keys()].filter((name) => /^amount\d+$/.test(name)).length || 1
  } else if (/^\d{1,3}$/.test(declared.trim())) {
    count = Number(declared)
  } else {
    return { ok: false, reason: 'itemcnt is not a number' }
  }
  if (count < 1 || count > maxItems) return { ok: false, reason: `itemcnt must be 1–${maxItems}` }

  const lines: SandboxLine[] = []
  for (let n = 1; n <= count; n++) {
    const names = itemFieldNames(n)
    // A single item may come without its number (`itemcode`, `amount`).
    const itemCode = (
      fields.get(names.itemCode) ?? (n === 1 ? fields.get('itemcode') : undefined)
    )?.trim()
    const amountText = fields.get(names.amount) ?? (n === 1 ? fields.get('amount') : undefined)
    if (!itemCode) return { ok: false, reason: `${names.itemCode} is missing` }
    const amountCents = amountText === undefined ? null : centsFromDecimalString(amountText)
    if (amountCents === null || amountCents <= 0) {
      return { ok: false, reason: `${names.amount} is not a positive amount` }
    }
    lines.push({
      itemCode,
      description: (fields.get(names.description) ?? itemCode).slice(0, 200),
      amountCents,
    })
  }

  const signout = signoutUrlSchema.safeParse(fields.get('signouturl'))
  if (!signout.success) {
    return { ok: false, reason: signout.error.issues[0]?.message ?? 'signouturl is not valid' }
  }
  return {
    ok: true,
    request: {
      lines,
      totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
      references: readReferences(fields),
      custcode: fields.get('custcode') ?? null,
      signoutUrl: signout.data,
    },
  }
}
