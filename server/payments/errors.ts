import type { ApiErrorCode } from '../../common/api.ts'

export type PaymentErrorKind = Extract<
  ApiErrorCode,
  | 'lookup_expired'
  | 'invalid_amount'
  | 'invalid_request'
  | 'fees_changed'
  | 'fee_being_posted'
  | 'checkout_not_found'
  | 'alma_unavailable'
  | 'email_unavailable'
  | 'no_email'
  | 'not_posted'
>

/** A checkout request the service refuses, classified so the API layer maps `kind` to an answer. */
export class PaymentError extends Error {
  override readonly name = 'PaymentError'
  readonly kind: PaymentErrorKind

  constructor(kind: PaymentErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.kind = kind
  }
}
