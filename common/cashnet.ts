/**
 * CashNet's side of the contract, defined once: the two paths of the companion service that CashNet
 * calls (the browser's return and the server-to-server postback) and the form fields CashNet uses
 * for a checkout's lines, references and outcome. The service's checkout link and postback parser,
 * the sandbox CashNet, the tests and the benchmarks all build on these. Pure: no URL or
 * URLSearchParams (this folder has no DOM or Node types), so the form encoding is written out here.
 */
import { decimalStringFromCents } from './money.ts'

/** Paths under the service's public base URL (`PUBLIC_BASE_URL`, which may carry a path prefix). */
export const cashnetPaths = {
  /** Where CashNet sends the browser back: the `signouturl`, by GET or by an auto-submitted POST. */
  return: '/cashnet/return',
  /** A desk payment's CashNet tab comes back here (then on to the console's payment page). */
  returnToDesk: '/cashnet/return/desk',
  /** The server-to-server postback; the postback secret is the one path segment after it. */
  postback: '/cashnet/postback',
} as const

/** `/cashnet/postback/<secret>`, the secret percent-encoded as one path segment. */
export function cashnetPostbackPath(secret: string): string {
  if (secret === '') throw new RangeError('A postback path needs a secret')
  return `${cashnetPaths.postback}/${encodeURIComponent(secret)}`
}

/** `/cashnet/return/desk/<checkoutId>`: the desk tab's way back to that payment. */
export function cashnetDeskReturnPath(checkoutId: string): string {
  return `${cashnetPaths.returnToDesk}/${encodeURIComponent(checkoutId)}`
}

/** A path of the service joined to its public base URL, e.g. `https://lib.example.edu/kiosk`. */
export function serviceUrl(publicBaseUrl: string, path: string): string {
  return `${publicBaseUrl.replace(/\/+$/u, '')}${path}`
}

/** CashNet's `result` for a payment that was taken; anything else is not money. */
export const cashnetSuccessResult = '0'

/** One item line: `itemcodeN`, `amountN` (a decimal string), `descN`. */
interface CashnetItem {
  itemCode: string
  amountCents: number
  description?: string
}

/**
 * `ref<index>type<item>` / `ref<index>val<item>`: reference `index` attached to item `item`. A
 * reference without a type is possible (CashNet echoes what it was given), one without a value not.
 */
export interface CashnetReference {
  index: number
  item: number
  type?: string
  value: string
}

/** How a payment ended, as CashNet reports it both in the postback and on the browser's return. */
export interface CashnetOutcome {
  result: string
  respmessage?: string
  /** CashNet's unique transaction number, on success. */
  tx?: string
  /** The transaction number of a failed attempt, instead of `tx`. */
  failedtx?: string
  ccerrorcode?: string
  ccerrormessage?: string
}

/** Everything a postback carries, in the order CashNet writes it. */
export interface CashnetPostback extends CashnetOutcome {
  batchno?: string
  merchant?: string
  station?: string
  operator?: string
  /** Effective date, `YYYY-MM-DD`. */
  effdate?: string
  /** Payment code, `CC` for a card. */
  pmtcode?: string
  items: readonly CashnetItem[]
  references?: readonly CashnetReference[]
  custcode?: string | null
  /** Fields this contract does not name (other store fields), appended as given. */
  extra?: readonly (readonly [string, string])[]
}

export type FormFields = [name: string, value: string][]

/** The field names of item `n` (1-based). */
export function itemFieldNames(n: number): {
  itemCode: string
  amount: string
  description: string
} {
  return { itemCode: `itemcode${n}`, amount: `amount${n}`, description: `desc${n}` }
}

/** The field names of reference `index` on item `item` (both 1-based). */
function referenceFieldNames(index: number, item: number): { type: string; value: string } {
  return { type: `ref${index}type${item}`, value: `ref${index}val${item}` }
}

const referenceField = /^ref(\d{1,3})(type|val)(\d{1,3})$/u

/**
 * The references among form fields (names compared lower-cased), in the order their value fields
 * appear. Values are kept exactly as given; empty values are not references.
 */
export function readReferences(fields: Iterable<readonly [string, string]>): CashnetReference[] {
  const types = new Map<string, string>()
  const values: { index: number; item: number; value: string }[] = []
  for (const [rawName, value] of fields) {
    const match = referenceField.exec(rawName.toLowerCase())
    if (!match) continue
    const index = Number(match[1])
    const item = Number(match[3])
    if (match[2] === 'type') types.set(`${index}:${item}`, value)
    else if (value !== '') values.push({ index, item, value })
  }
  return values.map(({ index, item, value }) => {
    const type = types.get(`${index}:${item}`)
    return type === undefined ? { index, item, value } : { index, item, type, value }
  })
}

function positiveIndex(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be ≥ 1: ${value}`)
  return value
}

/** `itemcnt` and each item's fields. */
function itemFields(items: readonly CashnetItem[]): FormFields {
  const fields: FormFields = [['itemcnt', String(items.length)]]
  items.forEach((item, index) => {
    const names = itemFieldNames(index + 1)
    fields.push([names.itemCode, item.itemCode])
    fields.push([names.amount, decimalStringFromCents(item.amountCents)])
    if (item.description !== undefined) fields.push([names.description, item.description])
  })
  return fields
}

function referenceFields(references: readonly CashnetReference[]): FormFields {
  const fields: FormFields = []
  for (const reference of references) {
    const names = referenceFieldNames(
      positiveIndex('Reference index', reference.index),
      positiveIndex('Reference item', reference.item),
    )
    if (reference.type !== undefined) fields.push([names.type, reference.type])
    fields.push([names.value, reference.value])
  }
  return fields
}

const outcomeOrder = ['result', 'respmessage', 'ccerrorcode', 'ccerrormessage'] as const
const transactionOrder = ['tx', 'failedtx'] as const
const postbackHeaderOrder = [
  'batchno',
  'merchant',
  'station',
  'operator',
  'effdate',
  'pmtcode',
] as const

function presentFields<T extends object>(source: T, names: readonly (keyof T & string)[]) {
  const fields: FormFields = []
  for (const name of names) {
    const value = source[name]
    if (typeof value === 'string') fields.push([name, value])
  }
  return fields
}

/** The outcome fields (`result`, `respmessage`, card error, `tx` or `failedtx`). */
function outcomeFields(outcome: CashnetOutcome): FormFields {
  return [...presentFields(outcome, outcomeOrder), ...presentFields(outcome, transactionOrder)]
}

/** What CashNet adds to the `signouturl` when it sends the browser back: outcome and references. */
export function returnFields(
  outcome: CashnetOutcome,
  references: readonly CashnetReference[],
): FormFields {
  return [...outcomeFields(outcome), ...referenceFields(references)]
}

/** Every field of a postback, in CashNet's order. */
export function postbackFields(postback: CashnetPostback): FormFields {
  return [
    ...outcomeFields(postback),
    ...presentFields(postback, postbackHeaderOrder),
    ...itemFields(postback.items),
    ...referenceFields(postback.references ?? []),
    ...(postback.custcode == null ? [] : [['custcode', postback.custcode] as [string, string]]),
    ...(postback.extra ?? []).map(([name, value]): [string, string] => [name, value]),
  ]
}

/**
 * `application/x-www-form-urlencoded`, byte for byte what `new URLSearchParams(fields).toString()`
 * gives: UTF-8 percent-encoding of everything but `*-._` and alphanumerics, spaces as `+`.
 */
export function encodeForm(fields: Iterable<readonly [string, string]>): string {
  return Array.from(fields, ([name, value]) => `${formEscape(name)}=${formEscape(value)}`).join('&')
}

/** encodeURIComponent leaves `!'()~` alone and writes a space as `%20`; the form encoding does not. */
const formDifferences: Readonly<Record<string, string>> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '~': '%7E',
  '%20': '+',
}

function formEscape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()~]|%20/gu,
    (match) => formDifferences[match] ?? match,
  )
}

/** A postback as the form body CashNet posts. */
export function encodePostback(postback: CashnetPostback): string {
  return encodeForm(postbackFields(postback))
}
