import type { FastifyReply } from 'fastify'
import type { ApiError, ApiErrorCode } from '../../common/api.ts'
import { AlmaError } from '../alma/errors.ts'
import { PaymentError } from '../payments/errors.ts'
import { PatronError } from '../patrons/errors.ts'

export const apiStatusByCode: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  invalid_card: 422,
  not_found: 404,
  blocked: 403,
  inactive: 403,
  expired: 403,
  lookup_expired: 410,
  invalid_amount: 422,
  fees_changed: 409,
  fee_being_posted: 409,
  checkout_not_found: 404,
  unauthorized: 401,
  rate_limited: 429,
  alma_unavailable: 503,
  email_unavailable: 503,
  no_email: 409,
  not_posted: 409,
  internal: 500,
}

const defaultMessages: Record<ApiErrorCode, string> = {
  invalid_request: 'The request is not valid.',
  invalid_card: 'That card number is not valid.',
  not_found: 'No library account was found for that card.',
  blocked: 'This library account is blocked.',
  inactive: 'This library account is not active.',
  expired: 'This library account has expired.',
  lookup_expired: 'This session has expired. Please swipe your card again.',
  invalid_amount: 'That amount cannot be paid.',
  fees_changed: 'Your fees changed. Please review them again.',
  fee_being_posted:
    'A payment for this fee is still being posted to your library account. Please try again later.',
  checkout_not_found: 'That payment was not found.',
  unauthorized: 'This kiosk is not authorised.',
  rate_limited: 'Too many requests from this kiosk. Please wait a moment.',
  alma_unavailable: 'The library system is not reachable right now. Please try again later.',
  email_unavailable: 'Receipts cannot be emailed here.',
  no_email: 'There is no email address on your library account.',
  not_posted: 'The receipt is not ready yet.',
  internal: 'Something went wrong.',
}

export function apiError(code: ApiErrorCode, message?: string, reason?: string): ApiError {
  return {
    error: { code, message: message ?? defaultMessages[code], ...(reason ? { reason } : {}) },
  }
}

export function sendApiError(
  reply: FastifyReply,
  code: ApiErrorCode,
  message?: string,
  reason?: string,
): FastifyReply {
  return reply.code(apiStatusByCode[code]).send(apiError(code, message, reason))
}

/** Maps the domain's typed errors to API answers; anything else is a 500 with no details. */
export function sendDomainError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof PatronError) {
    return sendApiError(reply, error.kind, error.message, error.reason ?? undefined)
  }
  if (error instanceof PaymentError) return sendApiError(reply, error.kind, error.message)
  if (error instanceof AlmaError) return sendApiError(reply, 'alma_unavailable')
  reply.log.error({ err: error }, 'unexpected error')
  return sendApiError(reply, 'internal')
}
