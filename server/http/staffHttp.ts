/**
 * The staff API's request discipline, in one place so no route can forget it: the session cookie,
 * the role the route table names, the CSRF header on every state-changing request (and a foreign
 * `Origin` refused), schema-checked params, query and body (400 naming the field), and typed
 * errors mapped to statuses. Errors have the shape `{error: {code, message, field?, lines?}}`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { csrfHeader, roleAllows, type StaffError, type StaffRole } from '../../common/staffApi.ts'
import { StaffRequestError, type StaffErrorKind } from '../staff/errors.ts'
import type { SignedIn, StaffAuth } from '../staff/staffAuth.ts'

export const sessionCookie = 'staff_session'
/** Binds a started SSO sign-in to the browser that started it (against login CSRF). */
export const ssoStateCookie = 'staff_sso_state'

const statusByKind: Record<StaffErrorKind, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  locked_out: 423,
  rate_limited: 429,
  sso_forbidden: 403,
  sso_failed: 400,
  alma_unavailable: 503,
  sso_unavailable: 503,
  patron_refused: 409,
  payment_refused: 409,
  email_unavailable: 503,
  internal: 500,
}

export function staffErrorBody(error: StaffRequestError): StaffError {
  return {
    error: {
      code: error.kind,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.lines ? { lines: error.lines } : {}),
      ...(error.reason ? { reason: error.reason } : {}),
    },
  }
}

export function sendStaffError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof StaffRequestError) {
    return reply.code(statusByKind[error.kind]).send(staffErrorBody(error))
  }
  reply.log.error({ err: error }, 'staff request failed')
  return reply
    .code(500)
    .send(staffErrorBody(new StaffRequestError('internal', 'Something went wrong.')))
}

/** Parses with `schema`, or a 400 naming the first field at fault. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const parsed = schema.safeParse(value ?? {})
  if (parsed.success) return parsed.data
  const [issue] = parsed.error.issues
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : where
  throw new StaffRequestError('invalid_request', `${field}: ${issue?.message ?? 'is not valid'}`, {
    field,
  })
}

export interface GuardOptions {
  auth: StaffAuth
  /** Origins a state-changing request may come from (the public URL's). */
  allowedOrigins: ReadonlySet<string>
}

/**
 * The signed-in staff member a route needs, or a refusal: 401 without a (live) session, 403 for a
 * role below the route's, 403 when a state-changing request lacks the session's CSRF token.
 */
export async function guard(
  request: FastifyRequest,
  route: { method: string; role: StaffRole | null },
  options: GuardOptions,
): Promise<SignedIn | null> {
  const changesState = route.method !== 'GET'
  const origin = request.headers.origin
  if (changesState && origin !== undefined && !options.allowedOrigins.has(origin)) {
    throw new StaffRequestError('csrf', 'This request came from another site.')
  }
  if (route.role === null) return null
  const signedIn = await options.auth.sessionFor(request.cookies[sessionCookie])
  if (!signedIn) {
    throw new StaffRequestError('unauthorized', 'Sign in to continue.')
  }
  if (!roleAllows(signedIn.account.role, route.role)) {
    throw new StaffRequestError('forbidden', `This needs the ${route.role} role.`)
  }
  if (changesState && request.headers[csrfHeader] !== signedIn.session.csrfToken) {
    throw new StaffRequestError(
      'csrf',
      'The request is missing its security token. Reload the page.',
    )
  }
  return signedIn
}
