/**
 * The companion service, as the renderer sees it: relative URLs, no credentials (Electron's proxy
 * adds the kiosk key), and every answer validated with the schemas in `common/api.ts`.
 */
import type { z } from 'zod'
import {
  apiErrorSchema,
  kioskApiPath,
  kioskApiRoutes,
  type CheckoutCreated,
  type CheckoutRequest,
  type CheckoutState,
  type CheckoutStatus,
  type EmailReceiptResponse,
  type KioskApiRoute,
  type KioskPayLink,
  type KioskSettings,
  type Language,
  type LookupResponse,
} from '../../../common/api.ts'
import { KioskApiError } from './kioskApiError.ts'

interface CheckoutWatchOptions {
  /** Long-poll: the service answers when the status differs from `knownStatus` or after this. */
  waitSeconds?: number
  knownStatus?: CheckoutStatus
  signal?: AbortSignal
}

export interface KioskApi {
  getKioskSettings(signal?: AbortSignal): Promise<KioskSettings>
  /** `cardNumber` is the id the card parser extracted, never raw track data. */
  lookup(cardNumber: string, signal?: AbortSignal): Promise<LookupResponse>
  createCheckout(request: CheckoutRequest, signal?: AbortSignal): Promise<CheckoutCreated>
  getCheckout(checkoutId: string, options?: CheckoutWatchOptions): Promise<CheckoutState>
  cancelCheckout(checkoutId: string, signal?: AbortSignal): Promise<CheckoutState>
  /** "Pay on your phone": a pay link (and its QR code) for the patron of this lookup. */
  createPayLink(lookupId: string, signal?: AbortSignal): Promise<KioskPayLink>
  /** "Email my receipt": queues this posted checkout's receipt to the patron's preferred email. */
  emailReceipt(
    checkoutId: string,
    language: Language,
    signal?: AbortSignal,
  ): Promise<EmailReceiptResponse>
}

export interface KioskApiOptions {
  /** Prefix for the relative API paths; '' in the kiosk, a loopback origin in tests. */
  baseUrl?: string
  fetch?: typeof fetch
  /** Time allowed for an ordinary request. */
  requestTimeoutMs?: number
}

/** Extra time a long-poll may take beyond the `wait` the service was given. */
const longPollGraceMs = 10_000

export function createKioskApi(options: KioskApiOptions = {}): KioskApi {
  const baseUrl = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000

  async function call<Route extends KioskApiRoute>(
    route: Route,
    init: {
      params?: Record<string, string>
      query?: Record<string, string>
      body?: unknown
      signal?: AbortSignal | undefined
      timeoutMs?: number
    } = {},
  ): Promise<z.infer<Route['response']>> {
    const search = new URLSearchParams(init.query).toString()
    const path = `${kioskApiPath(route.path, init.params)}${search ? `?${search}` : ''}`
    const timeout = new AbortController()
    const timer = setTimeout(() => {
      timeout.abort()
    }, init.timeoutMs ?? requestTimeoutMs)
    const stopOnCallerAbort = () => {
      timeout.abort()
    }
    init.signal?.addEventListener('abort', stopOnCallerAbort, { once: true })
    let response: Response
    try {
      if (init.signal?.aborted) throw new KioskApiError('aborted', 'The request was abandoned')
      response = await doFetch(`${baseUrl}${path}`, {
        method: route.method,
        headers:
          init.body === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        body: init.body === undefined ? null : JSON.stringify(init.body),
        signal: timeout.signal,
        credentials: 'same-origin',
        cache: 'no-store',
      })
    } catch (error) {
      if (error instanceof KioskApiError) throw error
      if (init.signal?.aborted) {
        throw new KioskApiError('aborted', 'The request was abandoned', { cause: error })
      }
      throw new KioskApiError('unavailable', `The service did not answer ${path}`, { cause: error })
    } finally {
      clearTimeout(timer)
      init.signal?.removeEventListener('abort', stopOnCallerAbort)
    }
    return readBody(
      route.response as z.ZodType<z.infer<Route['response']>>,
      path,
      response,
      init.signal,
    )
  }

  const {
    lookup,
    createCheckout,
    checkoutState,
    cancelCheckout,
    kioskSettings,
    payLink,
    emailReceipt,
  } = kioskApiRoutes
  return {
    getKioskSettings: (signal) => call(kioskSettings, { signal }),
    lookup: (cardNumber, signal) => call(lookup, { body: { cardNumber }, signal }),
    createCheckout: (request, signal) => call(createCheckout, { body: request, signal }),
    getCheckout: (checkoutId, { waitSeconds, knownStatus, signal } = {}) => {
      // The long-poll query of checkoutStateQuerySchema: both or neither.
      const query: Record<string, string> = {}
      if (waitSeconds !== undefined) query.wait = String(waitSeconds)
      if (knownStatus !== undefined) query.status = knownStatus
      return call(checkoutState, {
        params: { id: checkoutId },
        query,
        signal,
        timeoutMs: (waitSeconds ?? 0) * 1000 + (waitSeconds ? longPollGraceMs : requestTimeoutMs),
      })
    },
    cancelCheckout: (checkoutId, signal) =>
      call(cancelCheckout, { params: { id: checkoutId }, body: {}, signal }),
    createPayLink: (lookupId, signal) => call(payLink, { body: { lookupId }, signal }),
    emailReceipt: (checkoutId, language, signal) =>
      call(emailReceipt, { params: { id: checkoutId }, body: { language }, signal }),
  }
}

async function readBody<T>(
  schema: z.ZodType<T>,
  path: string,
  response: Response,
  signal: AbortSignal | undefined,
): Promise<T> {
  let json: unknown
  try {
    json = await response.json()
  } catch (error) {
    if (signal?.aborted) throw new KioskApiError('aborted', 'The request was abandoned')
    if (!response.ok) {
      throw new KioskApiError(
        'unavailable',
        `The service answered ${response.status} for ${path}`,
        {
          status: response.status,
          cause: error,
        },
      )
    }
    throw new KioskApiError('invalid_response', `The service sent no JSON for ${path}`, {
      status: response.status,
      cause: error,
    })
  }
  if (!response.ok) {
    const parsed = apiErrorSchema.safeParse(json)
    if (!parsed.success) {
      throw new KioskApiError(
        'unavailable',
        `The service answered ${response.status} for ${path}`,
        {
          status: response.status,
        },
      )
    }
    const { code, message, reason } = parsed.data.error
    throw new KioskApiError('rejected', message, { code, reason, status: response.status })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    throw new KioskApiError('invalid_response', `Unexpected answer from ${path}`, {
      status: response.status,
      cause: parsed.error,
    })
  }
  return parsed.data
}
