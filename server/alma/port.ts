/**
 * What the service needs from Alma, in the service's own terms (integer cents, camelCase).
 * `AlmaClient` implements it over HTTP; everything else depends on this interface only.
 */

export interface AlmaUserBlock {
  code: string
  description: string
  /** ISO date; null when the block does not expire. */
  expiresAt: string | null
}

export interface AlmaUser {
  primaryId: string
  firstName: string
  lastName: string
  /** The names the patron asked to be called by (`pref_first_name`, `pref_last_name`); '' when unset. */
  preferredFirstName: string
  preferredLastName: string
  /** The address marked preferred in `contact_info.email[]`, when there is one. */
  preferredEmail: string | null
  /** Alma `status.value`, e.g. ACTIVE or INACTIVE. */
  status: string
  /** ISO date (YYYY-MM-DD…) or null when the account has no expiry. */
  expiryDate: string | null
  /** INTERNAL or EXTERNAL. */
  accountType: string
  /** Blocks whose block_status is ACTIVE, expired ones included: callers compare `expiresAt`. */
  blocks: AlmaUserBlock[]
}

interface AlmaFeeTransaction {
  /** e.g. PAYMENT, WAIVE. */
  type: string
  amountCents: number
  externalTransactionId: string | null
}

export interface AlmaFee {
  id: string
  typeCode: string
  typeDescription: string
  /** ACTIVE, CLOSED, INDISPUTE, EXPORTED. */
  status: string
  balanceCents: number
  originalAmountCents: number
  creationTime: string
  title: string | null
  /** The owning library's Alma code (`owner.value`), '' when Alma leaves it out. */
  ownerCode: string
  transactions: AlmaFeeTransaction[]
}

export interface AlmaFeeList {
  fees: AlmaFee[]
  totalSumCents: number
  currency: string
}

export interface AlmaPayment {
  amountCents: number
  /** Alma payment method code, e.g. ONLINE. */
  method: string
  /** CashNet's transaction number: how a later re-read recognises this payment. */
  externalTransactionId: string
  comment?: string
}

export interface AlmaPort {
  /** GET /almaws/v1/users/{id}?user_id_type=… (never expand=fees). */
  getUser(userId: string, userIdType: string): Promise<AlmaUser>
  /** GET /almaws/v1/users/{id}/fees?user_id_type=…&status=ACTIVE */
  listActiveFees(userId: string, userIdType: string): Promise<AlmaFeeList>
  /** GET /almaws/v1/users/{primaryId}/fees/{feeId} */
  getFee(primaryId: string, feeId: string): Promise<AlmaFee>
  /** POST /almaws/v1/users/{primaryId}/fees/{feeId}?op=pay&… (never retried by the client itself). */
  payFee(primaryId: string, feeId: string, payment: AlmaPayment): Promise<AlmaFee>
}
