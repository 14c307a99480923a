/**
 * An in-memory companion service behind the renderer's `KioskApi` interface (handed to the store
 * as a dependency): patrons by card number, checkouts whose status the test moves along, and a
 * long-poll that answers when the status changes, like the real one.
 */
import type {
  ApiErrorCode,
  CheckoutCreated,
  CheckoutRequest,
  CheckoutState,
  EmailReceiptResponse,
  KioskPayLink,
  KioskSettings,
  Language,
  LookupResponse,
} from '../../../common/api.ts'
import { allocateOldestFirst } from '../../../common/allocation.ts'
import type { KioskApi } from '../../../renderer/src/api/kioskApi.ts'
import { KioskApiError } from '../../../renderer/src/api/kioskApiError.ts'
import { settingsFixture } from './fixtures.ts'

export type PatronRecord = LookupResponse | { error: ApiErrorCode; reason?: string }

interface Waiter {
  known: string | undefined
  resolve: (state: CheckoutState) => void
}

export class FakeKioskApi implements KioskApi {
  settings: KioskSettings
  patrons = new Map<string, PatronRecord>()
  /** While true every call fails as if the service were unreachable. */
  down = false
  /** Errors the next createCheckout call answers with. */
  nextCheckoutError: ApiErrorCode | null = null
  readonly lookups: string[] = []
  readonly checkoutRequests: CheckoutRequest[] = []
  readonly cancelled: string[] = []
  /** Every "Email my receipt" request, as the service received it. */
  readonly receiptEmails: { checkoutId: string; language: Language }[] = []
  /** The error the next emailReceipt call answers with (the service's no_email, …). */
  nextEmailError: ApiErrorCode | null = null
  /** While set, emailReceipt answers only after this settles (the "sending" state). */
  emailGate: Promise<void> | null = null
  /** The masked preferred email the service answers with. */
  sentTo = 'j•••@example.edu'
  private readonly checkouts = new Map<string, CheckoutState>()
  private readonly waiters = new Map<string, Set<Waiter>>()
  private sequence = 0

  constructor(settings: KioskSettings = settingsFixture()) {
    this.settings = settings
  }

  private ensureUp(): void {
    if (this.down) throw new KioskApiError('unavailable', 'The service did not answer')
  }

  getKioskSettings(): Promise<KioskSettings> {
    return this.answer(() => structuredClone(this.settings))
  }

  lookup(cardNumber: string, signal?: AbortSignal): Promise<LookupResponse> {
    return this.answer(() => {
      this.lookups.push(cardNumber)
      const record = this.patrons.get(cardNumber)
      if (!record) throw rejected('not_found')
      if ('error' in record) throw rejected(record.error, record.reason)
      return structuredClone(record)
    }, signal)
  }

  createCheckout(request: CheckoutRequest): Promise<CheckoutCreated> {
    return this.answer(() => {
      this.checkoutRequests.push(request)
      if (this.nextCheckoutError) {
        const code = this.nextCheckoutError
        this.nextCheckoutError = null
        throw rejected(code)
      }
      const lookup = [...this.patrons.values()].find(
        (record): record is LookupResponse =>
          !('error' in record) && record.lookupId === request.lookupId,
      )
      if (!lookup) throw rejected('lookup_expired')
      const fees = lookup.fees.filter((fee) => request.feeIds?.includes(fee.id) ?? true)
      const total = fees.reduce((sum, fee) => sum + fee.balanceCents, 0)
      const amountCents = request.amountCents ?? total
      const lines = allocateOldestFirst(fees, amountCents)
      this.sequence += 1
      const checkoutId = `c_${this.sequence}`
      const expiresAt = '2099-01-01T00:00:00.000Z'
      this.checkouts.set(checkoutId, {
        checkoutId,
        status: 'pending',
        amountCents,
        lines,
        expiresAt,
      })
      return {
        checkoutId,
        checkoutUrl: `http://127.0.0.1:9/cashnet/checkout/${checkoutId}`,
        amountCents,
        lines,
        expiresAt,
      }
    })
  }

  getCheckout(
    checkoutId: string,
    options: { waitSeconds?: number; knownStatus?: string; signal?: AbortSignal } = {},
  ): Promise<CheckoutState> {
    if (this.down) return Promise.reject(new KioskApiError('unavailable', 'down'))
    const state = this.checkouts.get(checkoutId)
    if (!state) return Promise.reject(rejected('checkout_not_found'))
    if (!options.waitSeconds || options.knownStatus !== state.status) {
      return Promise.resolve(structuredClone(state))
    }
    return new Promise((resolve, reject) => {
      const waiters = this.waiters.get(checkoutId) ?? new Set<Waiter>()
      this.waiters.set(checkoutId, waiters)
      const finish = (answer: CheckoutState) => {
        clearTimeout(timer)
        waiters.delete(waiter)
        resolve(structuredClone(answer))
      }
      const waiter: Waiter = { known: options.knownStatus, resolve: finish }
      waiters.add(waiter)
      const timer = setTimeout(
        () => {
          finish(this.checkouts.get(checkoutId) ?? state)
        },
        (options.waitSeconds ?? 0) * 1000,
      )
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        waiters.delete(waiter)
        reject(new KioskApiError('aborted', 'aborted'))
      })
    })
  }

  cancelCheckout(checkoutId: string): Promise<CheckoutState> {
    return this.answer(() => {
      this.cancelled.push(checkoutId)
      const state = this.checkouts.get(checkoutId)
      if (!state) throw rejected('checkout_not_found')
      if (state.status === 'pending') this.setCheckout(checkoutId, { status: 'cancelled' })
      return structuredClone(this.checkouts.get(checkoutId) ?? state)
    })
  }

  async emailReceipt(
    checkoutId: string,
    language: Language,
    signal?: AbortSignal,
  ): Promise<EmailReceiptResponse> {
    if (this.emailGate) await this.emailGate
    return this.answer(() => {
      this.receiptEmails.push({ checkoutId, language })
      const state = this.checkouts.get(checkoutId)
      if (!state) throw rejected('checkout_not_found')
      if (this.nextEmailError) {
        const code = this.nextEmailError
        this.nextEmailError = null
        throw rejected(code)
      }
      if (state.status !== 'posted') throw rejected('not_posted')
      return { sentTo: this.sentTo }
    }, signal)
  }

  /** The service's side: CashNet postbacks, postings, expiry. Wakes up waiting long-polls. */
  setCheckout(checkoutId: string, change: Partial<CheckoutState>): void {
    const state = this.checkouts.get(checkoutId)
    if (!state) throw new Error(`No checkout ${checkoutId}`)
    const next = { ...state, ...change }
    this.checkouts.set(checkoutId, next)
    for (const waiter of [...(this.waiters.get(checkoutId) ?? [])]) {
      if (waiter.known !== next.status) waiter.resolve(next)
    }
  }

  checkout(checkoutId: string): CheckoutState | undefined {
    return this.checkouts.get(checkoutId)
  }

  readonly payLinkRequests: string[] = []

  createPayLink(lookupId: string, signal?: AbortSignal): Promise<KioskPayLink> {
    return this.answer(() => {
      this.payLinkRequests.push(lookupId)
      if (!this.settings.payOnPhone) throw rejected('not_found')
      return {
        url: 'http://127.0.0.1/pay/l/' + 'q'.repeat(43),
        qrSvg:
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
        expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
      }
    }, signal)
  }

  private answer<T>(work: () => T, signal?: AbortSignal): Promise<T> {
    return new Promise((resolve, reject) => {
      // Answer on a later task, as a network call would.
      setTimeout(() => {
        if (signal?.aborted) {
          reject(new KioskApiError('aborted', 'aborted'))
          return
        }
        try {
          this.ensureUp()
          resolve(work())
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      }, 0)
    })
  }
}

function rejected(code: ApiErrorCode, reason?: string): KioskApiError {
  return new KioskApiError('rejected', code, reason === undefined ? { code } : { code, reason })
}
