import type { ApiErrorCode } from '../../../common/api.ts'

/**
 * Why a call to the service failed:
 * - `unavailable`: no answer (connection dropped, timeout, 5xx without an API error body);
 * - `rejected`: the service answered with an API error (`code`, and `reason` for blocked patrons);
 * - `invalid_response`: an answer that does not match the contract;
 * - `aborted`: the caller gave up (the patron session ended).
 */
export type KioskApiErrorKind = 'unavailable' | 'rejected' | 'invalid_response' | 'aborted'

export class KioskApiError extends Error {
  readonly kind: KioskApiErrorKind
  readonly code: ApiErrorCode | null
  readonly reason: string | null
  readonly status: number | null

  constructor(
    kind: KioskApiErrorKind,
    message: string,
    details: { code?: ApiErrorCode; reason?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause })
    this.name = 'KioskApiError'
    this.kind = kind
    this.code = details.code ?? null
    this.reason = details.reason ?? null
    this.status = details.status ?? null
  }
}

export function isKioskApiError(error: unknown): error is KioskApiError {
  return error instanceof KioskApiError
}
