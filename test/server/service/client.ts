/** A kiosk's view of the service in tests: authenticated JSON calls over real HTTP. */
import {
  checkoutCreatedSchema,
  checkoutStateSchema,
  lookupResponseSchema,
  type CheckoutCreated,
  type CheckoutRequest,
  type CheckoutState,
  type CheckoutStatus,
  type LookupResponse,
} from '../../../common/api.ts'

export interface KioskClient {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>
  lookup(cardNumber: string): Promise<LookupResponse>
  checkout(request: CheckoutRequest): Promise<CheckoutCreated>
  state(
    checkoutId: string,
    wait?: { status: CheckoutStatus; seconds: number },
  ): Promise<CheckoutState>
  /** Long-polls until the checkout reaches one of `statuses` (bounded by `timeoutMs`). */
  until(checkoutId: string, statuses: CheckoutStatus[], timeoutMs?: number): Promise<CheckoutState>
}

export function kioskClient(baseUrl: string, kioskKey: string | null): KioskClient {
  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(kioskKey ? { authorization: `Bearer ${kioskKey}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null }
  }

  async function expectOk(method: string, path: string, status: number, body?: unknown) {
    const answer = await call(method, path, body)
    if (answer.status !== status) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`)
    }
    return answer.body
  }

  async function state(checkoutId: string, wait?: { status: CheckoutStatus; seconds: number }) {
    const query = wait ? `?status=${wait.status}&wait=${wait.seconds}` : ''
    return checkoutStateSchema.parse(
      await expectOk('GET', `/api/v1/checkouts/${checkoutId}${query}`, 200),
    )
  }

  return {
    call,
    lookup: async (cardNumber) =>
      lookupResponseSchema.parse(await expectOk('POST', '/api/v1/lookups', 200, { cardNumber })),
    checkout: async (request) =>
      checkoutCreatedSchema.parse(await expectOk('POST', '/api/v1/checkouts', 201, request)),
    state,
    until: async (checkoutId, statuses, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs
      let current = await state(checkoutId)
      while (!statuses.includes(current.status)) {
        if (Date.now() > deadline) {
          throw new Error(`checkout still ${current.status}, wanted ${statuses.join('|')}`)
        }
        current = await state(checkoutId, { status: current.status, seconds: 2 })
      }
      return current
    },
  }
}
