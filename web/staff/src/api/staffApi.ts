/**
 * The console's client of the staff API: every call names a route of `staffRoutes` (the one route
 * table in common/staffApi.ts), requests are typed by the route's request schema, and every answer
 * is checked with its response schema. State-changing calls carry the session's CSRF token; a 401
 * from any route tells the session it has ended.
 */
import type { z } from 'zod'
import {
  checkoutCreatedSchema,
  checkoutStateSchema,
  type CheckoutRequest,
} from '../../../../common/api.ts'
import {
  accountsListSchema,
  cashnetReportComparisonSchema,
  createdPayLinkSchema,
  csrfHeader,
  deskPatronSchema,
  exceptionSchema,
  exceptionsListSchema,
  patronFeesSchema,
  payLinkSchema,
  payLinksListSchema,
  paymentDetailSchema,
  paymentsPageSchema,
  reconciliationSchema,
  sessionInfoSchema,
  ssoOptionsSchema,
  staffAccountSchema,
  staffErrorSchema,
  staffPath,
  staffRoutes,
  todaySchema,
  type cashnetReportQuerySchema,
  type createAccountRequestSchema,
  type createPayLinkRequestSchema,
  type dateRangeQuerySchema,
  type exceptionsQuerySchema,
  type patronLookupRequestSchema,
  type payLinksQuerySchema,
  type paymentsQuerySchema,
  type resolveRequestSchema,
  type signInRequestSchema,
  type updateAccountRequestSchema,
} from '../../../../common/staffApi.ts'
import { StaffApiError } from './staffApiError.ts'

export type StaffRouteKey = keyof typeof staffRoutes

/** The schema of each route's answer; null: no body (204) or not JSON (a download, a redirect). */
const answers = {
  signIn: null,
  session: sessionInfoSchema,
  signOut: null,
  ssoOptions: ssoOptionsSchema,
  ssoStart: null,
  ssoCallback: null,
  today: todaySchema,
  payments: paymentsPageSchema,
  payment: paymentDetailSchema,
  exceptions: exceptionsListSchema,
  exceptionFees: patronFeesSchema,
  resolveException: exceptionSchema,
  reconciliation: reconciliationSchema,
  reconciliationCsv: null,
  cashnetReport: cashnetReportComparisonSchema,
  accounts: accountsListSchema,
  createAccount: staffAccountSchema,
  updateAccount: staffAccountSchema,
  patronLookup: deskPatronSchema,
  createPayLink: createdPayLinkSchema,
  payLinks: payLinksListSchema,
  revokePayLink: payLinkSchema,
  deskCheckout: checkoutCreatedSchema,
  deskCheckoutState: checkoutStateSchema,
  cancelDeskCheckout: checkoutStateSchema,
} as const satisfies Record<StaffRouteKey, z.ZodType | null>

type Query = Record<string, string | number | undefined>

/** What each route takes: its path parameters, query and body, as the service's schemas read them. */
interface Requests {
  signIn: { body: z.input<typeof signInRequestSchema> }
  today: { query?: { institution?: string } }
  payments: { query?: z.input<typeof paymentsQuerySchema> }
  payment: { params: { checkoutId: string } }
  exceptions: { query?: z.input<typeof exceptionsQuerySchema> }
  exceptionFees: { params: { id: number }; query?: { patronId?: string } }
  resolveException: { params: { id: number }; body: z.input<typeof resolveRequestSchema> }
  reconciliation: { query: z.input<typeof dateRangeQuerySchema> }
  reconciliationCsv: { query: z.input<typeof dateRangeQuerySchema> }
  cashnetReport: { query: z.input<typeof cashnetReportQuerySchema>; csv: string }
  createAccount: { body: z.input<typeof createAccountRequestSchema> }
  updateAccount: { params: { username: string }; body: z.input<typeof updateAccountRequestSchema> }
  patronLookup: { body: z.input<typeof patronLookupRequestSchema> }
  createPayLink: { body: z.input<typeof createPayLinkRequestSchema> }
  payLinks: { query: z.input<typeof payLinksQuerySchema> }
  revokePayLink: { params: { id: number } }
  deskCheckout: { body: CheckoutRequest }
  deskCheckoutState: {
    params: { checkoutId: string }
    query?: { status?: string; wait?: number }
  }
  cancelDeskCheckout: { params: { checkoutId: string } }
}

interface Wire {
  params?: Record<string, string | number>
  query?: Query
  body?: unknown
  csv?: string
}

/** A route's arguments: its request where it takes one, then an optional abort signal. */
export type ArgsOf<K extends StaffRouteKey> = K extends keyof Requests
  ? [request: Requests[K], signal?: AbortSignal]
  : [request?: undefined, signal?: AbortSignal]

export type AnswerOf<K extends StaffRouteKey> = (typeof answers)[K] extends z.ZodType
  ? z.infer<(typeof answers)[K]>
  : undefined

export interface StaffApiOptions {
  /** The session's CSRF token (null before sign-in). */
  csrfToken: () => string | null
  /** Called on any 401: the session ended (expired, signed out elsewhere, never began). */
  onUnauthorized: () => void
  fetch?: typeof fetch
}

/** A path with its parameters filled in and its query (undefined values left out). */
export function routeUrl(key: StaffRouteKey, request: Wire = {}): string {
  const path = staffPath(staffRoutes[key].path, request.params ?? {})
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined && value !== '') query.set(name, String(value))
  }
  const search = query.toString()
  return search ? `${path}?${search}` : path
}

async function errorOf(response: Response): Promise<StaffApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // Not JSON: a proxy's page, a dropped connection; the status says enough.
  }
  const parsed = staffErrorSchema.safeParse(body)
  if (!parsed.success) {
    return new StaffApiError(
      response.status === 401 ? 'unauthorized' : 'internal',
      `The service answered ${response.status}.`,
      { status: response.status },
    )
  }
  const { code, message, field, reason, lines } = parsed.data.error
  return new StaffApiError(code, message, { status: response.status, field, reason, lines })
}

export function createStaffApi(options: StaffApiOptions) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))

  async function call<K extends StaffRouteKey>(
    key: K,
    ...[request, signal]: ArgsOf<K>
  ): Promise<AnswerOf<K>> {
    const route = staffRoutes[key]
    const wire: Wire = request ?? {}
    const headers: Record<string, string> = { accept: 'application/json' }
    let body: string | null = null
    if (wire.csv !== undefined) {
      headers['content-type'] = 'text/csv'
      body = wire.csv
    } else if (wire.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(wire.body)
    }
    if (route.method !== 'GET') {
      const token = options.csrfToken()
      if (token) headers[csrfHeader] = token
    }
    let response: Response
    try {
      response = await doFetch(routeUrl(key, wire), {
        method: route.method,
        headers,
        body,
        credentials: 'same-origin',
        cache: 'no-store',
        ...(signal ? { signal } : {}),
      })
    } catch (error) {
      if (signal?.aborted) throw error
      throw new StaffApiError('network', 'The service cannot be reached. Check the connection.')
    }
    if (!response.ok) {
      const error = await errorOf(response)
      if (response.status === 401 && key !== 'signIn') options.onUnauthorized()
      throw error
    }
    const schema: z.ZodType | null = answers[key]
    if (schema === null) return undefined as AnswerOf<K>
    const parsed = schema.safeParse(await response.json().catch(() => null))
    if (!parsed.success) {
      throw new StaffApiError('bad_answer', 'The service sent an answer the console cannot read.')
    }
    return parsed.data as AnswerOf<K>
  }

  return { call }
}

export type StaffApi = ReturnType<typeof createStaffApi>
