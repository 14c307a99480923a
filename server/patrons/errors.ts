/**
 * Why a patron lookup ended without fees to show. The kinds are API error codes (`common/api.ts`);
 * the message and the reason are safe to show the patron at the kiosk: no card number, no Alma id.
 */
import type { ApiErrorCode } from '../../common/api.ts'

export type PatronErrorKind = Extract<
  ApiErrorCode,
  'invalid_card' | 'not_found' | 'blocked' | 'inactive' | 'expired' | 'alma_unavailable'
>

const messages: Record<PatronErrorKind, string> = {
  invalid_card: 'That card number is not valid. Please try your card again.',
  not_found: 'No library account was found for that card.',
  blocked: 'This library account is blocked.',
  inactive: 'This library account is not active.',
  expired: 'This library account has expired.',
  alma_unavailable: 'The library system is not reachable right now. Please try again later.',
}

export class PatronError extends Error {
  override readonly name = 'PatronError'
  readonly kind: PatronErrorKind
  /** For blocked, inactive and expired accounts: what the kiosk may show, and whom to ask. */
  readonly reason: string | null

  constructor(kind: PatronErrorKind, options: { reason?: string; cause?: unknown } = {}) {
    super(messages[kind], { cause: options.cause })
    this.kind = kind
    this.reason = options.reason ?? null
  }
}
