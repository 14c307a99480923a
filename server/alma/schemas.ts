/**
 * Alma's JSON, as the Users API sends it (snake_case, float amounts, `{value, desc}` code fields),
 * and its conversion to the service's own types in `port.ts` (camelCase, integer cents).
 * Only the fields the service reads are declared; zod drops the rest.
 */
import { z } from 'zod'
import { centsFromAlmaAmount } from '../../common/money.ts'
import type { AlmaFee, AlmaFeeList, AlmaUser, AlmaUserBlock } from './port.ts'

const codeField = z.object({ value: z.string(), desc: z.string().nullish() })
const amount = z.number()

const almaUserBlockSchema = z.object({
  block_type: codeField.nullish(),
  block_description: codeField.nullish(),
  /** ACTIVE or INACTIVE; absent on some records, which Alma treats as active. */
  block_status: z.string().nullish(),
  expiry_date: z.string().nullish(),
})

export const almaUserSchema = z.object({
  primary_id: z.string().min(1),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  pref_first_name: z.string().nullish(),
  pref_last_name: z.string().nullish(),
  contact_info: z
    .object({
      email: z
        .array(z.object({ email_address: z.string().nullish(), preferred: z.boolean().nullish() }))
        .nullish(),
    })
    .nullish(),
  status: codeField,
  expiry_date: z.string().nullish(),
  account_type: codeField,
  user_block: z.array(almaUserBlockSchema).nullish(),
})
export type AlmaUserJson = z.infer<typeof almaUserSchema>

const almaTransactionSchema = z.object({
  type: codeField,
  amount,
  external_transaction_id: z.string().nullish(),
})

export const almaFeeSchema = z.object({
  id: z.string().min(1),
  /** Optional on some fees (older or migrated records). */
  type: codeField.nullish(),
  status: codeField,
  balance: amount,
  original_amount: amount.nullish(),
  creation_time: z.string().min(1),
  title: z.string().nullish(),
  owner: codeField.nullish(),
  /** Absent when the fee has no transactions yet. */
  transaction: z.array(almaTransactionSchema).nullish(),
})
export type AlmaFeeJson = z.infer<typeof almaFeeSchema>

export const almaFeeListSchema = z.object({
  /** Absent when the user has no fees in the requested status. */
  fee: z.array(almaFeeSchema).nullish(),
  total_record_count: z.number().int().nonnegative().nullish(),
  total_sum: amount.nullish(),
  currency: z.string().length(3).nullish(),
})

/** Alma's error body: `{"errorsExist":true,"errorList":{"error":[{"errorCode":"401861",…}]},"result":null}`. */
export const almaErrorBodySchema = z.object({
  errorsExist: z.literal(true),
  errorList: z.object({
    error: z.array(
      z.object({
        // Codes are strings ("401861"); a number would be tolerated rather than hide the error.
        errorCode: z.union([z.string(), z.number()]).transform(String),
        errorMessage: z.string().nullish(),
        trackingId: z.string().nullish(),
      }),
    ),
  }),
})

/**
 * A fee list with no `currency` only happens when it is empty; the amount is zero then, and the
 * institution's currency for CSU campuses is USD.
 */
const fallbackCurrency = 'USD'

/** YYYY-MM-DD from Alma's date forms ("2027-06-30Z", "2027-06-30", "2027-06-30T00:00:00Z"). */
function isoDate(text: string | null | undefined): string | null {
  if (!text) return null
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(text.trim())
  if (!match?.[1]) throw new RangeError(`Not a date: ${text}`)
  return match[1]
}

function toBlock(json: z.infer<typeof almaUserBlockSchema>): AlmaUserBlock | null {
  if (json.block_status && json.block_status.toUpperCase() !== 'ACTIVE') return null
  return {
    code: json.block_description?.value ?? json.block_type?.value ?? '',
    description: json.block_description?.desc ?? json.block_type?.desc ?? '',
    expiresAt: isoDate(json.expiry_date),
  }
}

function nonEmpty(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

/** Throws (RangeError) when a value has the right JSON type but is not usable (bad date, sub-cent). */
export function toAlmaUser(json: AlmaUserJson): AlmaUser {
  return {
    primaryId: json.primary_id,
    firstName: json.first_name ?? '',
    lastName: json.last_name ?? '',
    preferredFirstName: json.pref_first_name?.trim() ?? '',
    preferredLastName: json.pref_last_name?.trim() ?? '',
    preferredEmail: nonEmpty(
      json.contact_info?.email?.find((email) => email.preferred === true)?.email_address,
    ),
    status: json.status.value,
    expiryDate: isoDate(json.expiry_date),
    accountType: json.account_type.value,
    blocks: (json.user_block ?? []).map(toBlock).filter((block) => block !== null),
  }
}

export function toAlmaFee(json: AlmaFeeJson): AlmaFee {
  const balanceCents = centsFromAlmaAmount(json.balance)
  return {
    id: json.id,
    typeCode: json.type?.value ?? '',
    typeDescription: json.type?.desc ?? '',
    status: json.status.value,
    balanceCents,
    originalAmountCents:
      json.original_amount == null ? balanceCents : centsFromAlmaAmount(json.original_amount),
    creationTime: json.creation_time,
    title: json.title ?? null,
    ownerCode: json.owner?.value ?? '',
    transactions: (json.transaction ?? []).map((transaction) => ({
      type: transaction.type.value,
      amountCents: centsFromAlmaAmount(transaction.amount),
      externalTransactionId: transaction.external_transaction_id ?? null,
    })),
  }
}

export function toAlmaFeeList(json: z.infer<typeof almaFeeListSchema>): AlmaFeeList {
  const fees = (json.fee ?? []).map(toAlmaFee)
  return {
    fees,
    totalSumCents:
      json.total_sum == null
        ? fees.reduce((sum, fee) => sum + fee.balanceCents, 0)
        : centsFromAlmaAmount(json.total_sum),
    currency: json.currency ?? fallbackCurrency,
  }
}
