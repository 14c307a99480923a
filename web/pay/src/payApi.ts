import type { z } from 'zod'
import { checkoutStatusSchema, type CheckoutStatus } from '../../../common/api.ts'
import {
  payApiPaths,
  payCheckoutCreatedSchema,
  payCheckoutStateSchema,
  payCsrfHeader,
  payErrorSchema,
  payFeesSchema,
  paySessionInfoSchema,
  type PayCheckoutCreated,
  type PayCheckoutRequest,
  type PayCheckoutState,
  type PayErrorCode,
  type PayFees,
  type PaySessionInfo,
} from '../../../common/payApi.ts'

/** A refusal from the service (its code), or `network` when there was no readable answer. */
export class PayApiError extends Error {
  readonly code: PayErrorCode | 'network'
  constructor(code: PayErrorCode | 'network', message: string) {
    super(message)
    this.name = 'PayApiError'
    this.code = code
  }
}

export interface PayApi {
  session(): Promise<PaySessionInfo>
  fees(): Promise<PayFees>
  createCheckout(request: PayCheckoutRequest): Promise<PayCheckoutCreated>
  checkout(wait?: { known: CheckoutStatus; seconds: number }): Promise<PayCheckoutState>
  cancelCheckout(): Promise<PayCheckoutState>
}

/** The pages' API on this origin: every answer checked with the schemas of `common/payApi.ts`. */
export function createPayApi(fetchImpl: typeof fetch = (...args) => fetch(...args)): PayApi {
  let csrfToken = ''

  async function call<S extends z.ZodType>(
    schema: S,
    path: string,
    init: RequestInit = {},
  ): Promise<z.output<S>> {
    let response: Response
    try {
      response = await fetchImpl(path, {
        ...init,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(init.method === 'POST'
            ? { 'content-type': 'application/json', [payCsrfHeader]: csrfToken }
            : {}),
        },
      })
    } catch {
      throw new PayApiError('network', 'The service did not answer.')
    }
    const body: unknown = await response.json().catch(() => null)
    if (!response.ok) {
      const error = payErrorSchema.safeParse(body)
      if (error.success) throw new PayApiError(error.data.error.code, error.data.error.message)
      throw new PayApiError('network', `The service answered ${response.status}.`)
    }
    return schema.parse(body)
  }

  return {
    async session() {
      const info = await call(paySessionInfoSchema, payApiPaths.session)
      csrfToken = info.csrfToken
      return info
    },
    fees: () => call(payFeesSchema, payApiPaths.fees),
    createCheckout: (request) =>
      call(payCheckoutCreatedSchema, payApiPaths.checkouts, {
        method: 'POST',
        body: JSON.stringify(request),
      }),
    checkout: (wait) => {
      const query = wait
        ? `?status=${checkoutStatusSchema.parse(wait.known)}&wait=${String(wait.seconds)}`
        : ''
      return call(payCheckoutStateSchema, `${payApiPaths.checkout}${query}`)
    },
    cancelCheckout: () =>
      call(payCheckoutStateSchema, payApiPaths.cancelCheckout, { method: 'POST', body: '{}' }),
  }
}
