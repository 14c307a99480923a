/**
 * Reads a CashNet postback: form- or query-encoded, field names in any case. Parsing only says what
 * the postback claims; `ingest.ts` decides whether to believe it.
 */
import { z } from 'zod'
import { centsFromDecimalString, maxAmountCents } from '../../../common/money.ts'

interface ParsedPostback {
  /** Every field, names lower-cased. */
  fields: ReadonlyMap<string, string>
  /** CashNet `result` as a number, for messages; decide success with `succeeded` only. */
  result: number
  /**
   * CashNet took the money: `result` is exactly `0` (after trimming). `00`, `-0` or `0.0` are not
   * what CashNet sends for success, so they are not believed to be one.
   */
  succeeded: boolean
  respMessage: string | null
  /** `tx` (success) — CashNet's unique transaction number. */
  tx: string | null
  /** `failedtx` (failure). */
  failedTx: string | null
  /** Sum of every `amountN` (or a bare `amount`), null when the postback carries none. */
  totalCents: number | null
  /** Candidate checkout ids: values whose reference type is ours first, then every other ref value. */
  references: string[]
}

export type ParseResult = { ok: true; postback: ParsedPostback } | { ok: false; reason: string }

export interface ReferenceOptions {
  /** Our reference type name, e.g. CHECKOUT_ID (case-insensitive). */
  refType: string
}

const formContentType = 'application/x-www-form-urlencoded'

const transactionNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'is not a CashNet transaction number')

const knownFieldsSchema = z.object({
  result: z
    .string({ error: 'result is missing' })
    .trim()
    .regex(/^-?\d{1,9}$/, 'result is not a number'),
  respmessage: z.string().max(1000).optional(),
  tx: transactionNumber.optional(),
  failedtx: transactionNumber.optional(),
})

export function isFormContentType(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === formContentType
}

/** Adds `text`'s fields to `into`; a name given twice with different values is not believable. */
function collectFields(text: string, into: Map<string, string>): string | null {
  for (const [rawName, value] of new URLSearchParams(text)) {
    const name = rawName.trim().toLowerCase()
    if (name === '') continue
    const existing = into.get(name)
    if (existing !== undefined && existing !== value) {
      return `field "${name}" appears twice with different values`
    }
    into.set(name, value)
  }
  return null
}

/** Splits the raw body and query into one field map with lower-case names. */
export function readPostbackFields(
  rawBody: string | null,
  contentType: string | null,
  rawQuery: string,
): { ok: true; fields: Map<string, string> } | { ok: false; reason: string } {
  const fields = new Map<string, string>()
  if (rawBody !== null && rawBody.trim() !== '') {
    if (!isFormContentType(contentType)) {
      return { ok: false, reason: `unsupported content type ${contentType ?? '(none)'}` }
    }
    const problem = collectFields(rawBody, fields)
    if (problem) return { ok: false, reason: problem }
  }
  const problem = collectFields(rawQuery, fields)
  if (problem) return { ok: false, reason: problem }
  return { ok: true, fields }
}

const amountField = /^amount(\d*)$/
const refValueField = /^ref(\d+)val(\d+)$/

function sumAmounts(fields: ReadonlyMap<string, string>): number | null | string {
  let total: number | null = null
  let numbered = false
  let bare: string | undefined
  for (const [name, value] of fields) {
    const match = amountField.exec(name)
    if (!match) continue
    if (match[1] === '') {
      bare = value
      continue
    }
    numbered = true
    const cents = centsFromDecimalString(value)
    if (cents === null || cents < 0) return `${name} is not an amount`
    total = (total ?? 0) + cents
    // Checked at each step, so the sum stays exact: past 2^53 floats would round it silently.
    if (total > maxAmountCents) return 'the amounts add up to more than any payment'
  }
  if (!numbered && bare !== undefined) {
    const cents = centsFromDecimalString(bare)
    if (cents === null || cents < 0) return 'amount is not an amount'
    total = cents
  }
  return total
}

function referencesIn(fields: ReadonlyMap<string, string>, refType: string): string[] {
  const typed: string[] = []
  const others: string[] = []
  for (const [name, value] of fields) {
    const match = refValueField.exec(name)
    if (!match) continue
    const reference = value.trim()
    if (reference === '' || reference.length > 128) continue
    const type = fields.get(`ref${match[1]}type${match[2]}`)
    if (type?.trim().toLowerCase() === refType.toLowerCase()) typed.push(reference)
    else others.push(reference)
  }
  return [...new Set([...typed, ...others])]
}

export function parsePostback(
  rawBody: string | null,
  contentType: string | null,
  rawQuery: string,
  options: ReferenceOptions,
): ParseResult {
  const read = readPostbackFields(rawBody, contentType, rawQuery)
  if (!read.ok) return read
  const { fields } = read
  if (fields.size === 0) return { ok: false, reason: 'no fields' }

  const known = knownFieldsSchema.safeParse(Object.fromEntries(fields))
  if (!known.success) {
    const issue = known.error.issues[0]
    const where = issue?.path.join('.')
    return {
      ok: false,
      reason: issue ? `${where ? `${where}: ` : ''}${issue.message}` : 'unreadable',
    }
  }
  const total = sumAmounts(fields)
  if (typeof total === 'string') return { ok: false, reason: total }

  const respMessage = known.data.respmessage?.trim()
  return {
    ok: true,
    postback: {
      fields,
      result: Number(known.data.result),
      succeeded: known.data.result === '0',
      respMessage: respMessage === undefined || respMessage === '' ? null : respMessage,
      tx: known.data.tx ?? null,
      failedTx: known.data.failedtx ?? null,
      totalCents: total,
      references: referencesIn(fields, options.refType),
    },
  }
}
