/**
 * Checkouts for the kiosk API: create one from a lookup (validated against fresh Alma balances and
 * allocated oldest fee first), report its state and receipt, wait for it to change, cancel it, and
 * expire the stale ones. The Alma primary id stays in the store; the kiosk only ever sees fee ids.
 */
import { randomUUID } from 'node:crypto'
import type {
  CheckoutCreated,
  CheckoutRequest,
  CheckoutState,
  CheckoutStatus,
} from '../../common/api.ts'
import { AlmaError } from '../alma/errors.ts'
import type { AlmaFee, AlmaFeeList, AlmaPort } from '../alma/port.ts'
import type { Clock } from '../ops/clock.ts'
import type { LookupStore } from '../patrons/lookupStore.ts'
import type { CheckoutRecord, NewCheckoutLine, PaymentsRepository } from '../store/repository.ts'
import { paymentLimits, spreadOldestFirst } from '../../common/allocation.ts'
import { buildCashnetCheckoutUrl, itemCodeFor, type CashnetUrlOptions } from './cashnetUrl.ts'
import { PaymentError } from './errors.ts'
import { silentLogger, type PaymentsLogger } from './logger.ts'
import type { CheckoutNotifier } from './notifier.ts'
import { holderOf, type HolderRef, type PaymentHolder } from './holder.ts'
import { buildReceipt } from './receipt.ts'

export interface CheckoutServiceDeps {
  /** The institution this service makes checkouts for (its code). */
  institution: string
  repo: PaymentsRepository
  alma: AlmaPort
  lookups: LookupStore
  clock: Clock
  cashnet: CashnetUrlOptions
  /**
   * Where CashNet sends the browser back (`signouturl`) for a holder's checkout; default
   * `cashnet.returnUrl`. A kiosk's frame and a patron's phone come back to different pages.
   */
  returnUrlFor?: (holder: PaymentHolder, checkoutId: string) => string
  /** Smallest partial amount; a selection whose total is below it may still be paid in full. */
  minPaymentCents: number
  /** How long a checkout waits for CashNet before it expires. */
  checkoutTtlMs: number
  notifier: CheckoutNotifier
  newId?: () => string
  logger?: PaymentsLogger
  /** Longest wait `waitForChange` honours (default 60 s). */
  maxWaitMs?: number
  /** Safety-net re-read while waiting, for changes made by another process (default 1 s). */
  waitPollMs?: number
}

/**
 * Every method takes the holder: a kiosk id (the kiosk API) or a `PaymentHolder`. A kiosk sees only
 * its own checkouts; any other holder sees the checkouts of its channel at this institution, and
 * its caller (a patron's pay session, a staff route) checks which of them it may show.
 */
export interface CheckoutService {
  create(holder: HolderRef, request: CheckoutRequest): Promise<CheckoutCreated>
  getState(holder: HolderRef, checkoutId: string): Promise<CheckoutState>
  /** Resolves as soon as the status differs from `knownStatus`, or with the current state at timeout. */
  waitForChange(
    holder: HolderRef,
    checkoutId: string,
    knownStatus: CheckoutStatus,
    timeoutMs: number,
  ): Promise<CheckoutState>
  cancel(holder: HolderRef, checkoutId: string): Promise<CheckoutState>
  /** Expires every pending checkout past its `expiresAt`; returns how many. */
  expireStale(): Promise<number>
}

/** The primary id is an Alma primary identifier, which `all_unique` always resolves. */
const primaryIdType = 'all_unique'

const endMessages: Partial<Record<CheckoutStatus, string>> = {
  cancelled: 'Cancelled at the kiosk.',
  expired: 'The payment was not completed in time.',
}

export function createCheckoutService(deps: CheckoutServiceDeps): CheckoutService {
  const { repo, alma, lookups, clock, notifier } = deps
  const newId = deps.newId ?? randomUUID
  const logger = deps.logger ?? silentLogger
  const maxWaitMs = deps.maxWaitMs ?? 60_000
  const waitPollMs = deps.waitPollMs ?? 1_000

  async function freshFees(primaryId: string): Promise<AlmaFeeList> {
    try {
      return await alma.listActiveFees(primaryId, primaryIdType)
    } catch (error) {
      if (error instanceof AlmaError) {
        logger.warn({ kind: error.kind, status: error.status }, 'fresh fee balances unavailable')
        throw new PaymentError(
          'alma_unavailable',
          'The library system is not reachable right now. Please try again later.',
          { cause: error },
        )
      }
      throw error
    }
  }

  async function create(ref: HolderRef, request: CheckoutRequest): Promise<CheckoutCreated> {
    const holder = holderOf(ref)
    const now = clock.now()
    const lookup = await lookups.get(request.lookupId, now)
    if (
      lookup?.holder !== holder.id ||
      lookup.channel !== holder.channel ||
      lookup.institution !== deps.institution
    ) {
      throw new PaymentError(
        'lookup_expired',
        'This session has expired. Please swipe your card again.',
      )
    }
    const requested = request.feeIds ?? lookup.feeIds
    if (new Set(requested).size !== requested.length) {
      throw new PaymentError('invalid_request', 'A fee is selected more than once.')
    }
    const shown = new Set(lookup.feeIds)
    if (requested.some((feeId) => !shown.has(feeId))) {
      throw new PaymentError('invalid_request', 'Only fees shown for this card can be paid.')
    }
    if (requested.length === 0) throw new PaymentError('invalid_amount', 'There is nothing to pay.')

    const fresh = await freshFees(lookup.primaryId)
    const active = new Map(fresh.fees.map((fee) => [fee.id, fee]))
    const selected: AlmaFee[] = []
    for (const feeId of requested) {
      const fee = active.get(feeId)
      if (!fee || fee.balanceCents <= 0) {
        throw new PaymentError('fees_changed', 'Your fees changed. Please review them again.')
      }
      selected.push(fee)
    }

    // Another kiosk (or this patron a minute ago) may have paid one of these fees since the lookup:
    // its money waits in the outbox, and charging the fee again would take it twice.
    const pending = await repo.pendingCentsByFee(deps.institution, requested)
    if (requested.some((feeId) => (pending.get(feeId) ?? 0) > 0)) {
      throw new PaymentError(
        'fee_being_posted',
        'A payment for one of these fees is still being posted. Please try again later.',
      )
    }

    const totalCents = selected.reduce((sum, fee) => sum + fee.balanceCents, 0)
    const amountCents = request.amountCents ?? totalCents
    // The same limits the kiosk's amount screen shows (common/allocation.ts).
    const limits = paymentLimits(totalCents, deps.minPaymentCents)
    if (amountCents > limits.maxCents) {
      throw new PaymentError('invalid_amount', 'The amount is more than the selected fees total.')
    }
    if (amountCents < limits.minCents) {
      throw new PaymentError(
        'invalid_amount',
        `The smallest partial payment is ${(deps.minPaymentCents / 100).toFixed(2)}.`,
      )
    }

    const allocation = spreadOldestFirst(
      amountCents,
      selected.map((fee) => ({
        id: fee.id,
        createdAt: fee.creationTime,
        balanceCents: fee.balanceCents,
      })),
    )
    const lines: NewCheckoutLine[] = allocation.lines.map((line) => {
      const fee = active.get(line.feeId)
      if (!fee) throw new Error(`Allocated fee ${line.feeId} is not among the selected fees.`)
      return {
        feeId: fee.id,
        feeType: fee.typeCode,
        description: fee.typeDescription,
        title: fee.title,
        feeCreatedAt: fee.creationTime,
        amountCents: line.amountCents,
        itemCode: itemCodeFor(deps.cashnet.itemCodes, fee.typeCode, fee.ownerCode),
      }
    })

    const checkoutId = newId()
    const expiresAt = now + deps.checkoutTtlMs
    const returnUrl = deps.returnUrlFor?.(holder, checkoutId) ?? deps.cashnet.returnUrl
    const checkoutUrl = buildCashnetCheckoutUrl(
      { ...deps.cashnet, returnUrl },
      {
        checkoutId,
        lines: lines.map((line) => ({
          itemCode: line.itemCode,
          description: line.description,
          amountCents: line.amountCents,
        })),
      },
    )
    await repo.createCheckout({
      id: checkoutId,
      institution: deps.institution,
      kioskId: holder.kioskId,
      channel: holder.channel,
      primaryId: lookup.primaryId,
      patronName: lookup.patronName,
      currency: fresh.currency,
      amountCents,
      lines,
      feeBalances: Object.fromEntries(fresh.fees.map((fee) => [fee.id, fee.balanceCents])),
      createdAt: now,
      expiresAt,
    })
    logger.info(
      { checkoutId, channel: holder.channel, amountCents, lines: lines.length },
      'checkout created',
    )
    return {
      checkoutId,
      checkoutUrl,
      amountCents,
      lines: lines.map((line) => ({ feeId: line.feeId, amountCents: line.amountCents })),
      expiresAt: new Date(expiresAt).toISOString(),
    }
  }

  async function stateOf(checkout: CheckoutRecord): Promise<CheckoutState> {
    const state: CheckoutState = {
      checkoutId: checkout.id,
      status: checkout.status,
      amountCents: checkout.amountCents,
      lines: checkout.lines.map((line) => ({ feeId: line.feeId, amountCents: line.amountCents })),
      expiresAt: new Date(checkout.expiresAt).toISOString(),
    }
    if (checkout.status === 'posted' || checkout.status === 'posted_with_exceptions') {
      const [postings, exceptions] = await Promise.all([
        repo.listPostings(checkout.id),
        repo.listExceptions({ checkoutId: checkout.id }),
      ])
      const receipt = buildReceipt(checkout, postings, exceptions)
      if (receipt) state.receipt = receipt
      if (receipt?.exceptionReference) {
        state.message = `Part of this payment could not be applied to a fee. Library staff will finish it (reference ${receipt.exceptionReference}).`
      }
    } else {
      const message = checkout.message ?? endMessages[checkout.status]
      if (message) state.message = message
    }
    return state
  }

  /** The holder's checkout, expired first if its time ran out; never another kiosk's. */
  async function current(ref: HolderRef, checkoutId: string): Promise<CheckoutRecord> {
    const holder = holderOf(ref)
    const checkout = await repo.getCheckout(checkoutId)
    // Never another kiosk's (or channel's) checkout, and never another institution's.
    if (
      checkout?.kioskId !== holder.kioskId ||
      checkout.channel !== holder.channel ||
      checkout.institution !== deps.institution
    ) {
      throw new PaymentError('checkout_not_found', 'That payment was not found.')
    }
    if (checkout.status === 'pending' && checkout.expiresAt <= clock.now()) {
      const expired = await repo.transitionCheckout(checkoutId, {
        from: ['pending'],
        to: 'expired',
        now: clock.now(),
        message: endMessages.expired,
        event: 'checkout_expired',
      })
      if (expired) return expired
      return (await repo.getCheckout(checkoutId)) ?? checkout
    }
    return checkout
  }

  async function getState(holder: HolderRef, checkoutId: string): Promise<CheckoutState> {
    return stateOf(await current(holder, checkoutId))
  }

  async function waitForChange(
    holder: HolderRef,
    checkoutId: string,
    knownStatus: CheckoutStatus,
    timeoutMs: number,
  ): Promise<CheckoutState> {
    const changed = new Promise<void>((resolve) => {
      const unsubscribe = notifier.subscribe(checkoutId, (change) => {
        if (change.status !== knownStatus) finish()
      })
      const timers: NodeJS.Timeout[] = []
      let done = false
      function finish() {
        if (done) return
        done = true
        unsubscribe()
        for (const timer of timers) clearTimeout(timer)
        resolve()
      }
      const waitMs = Math.max(0, Math.min(timeoutMs, maxWaitMs))
      timers.push(setTimeout(finish, waitMs))
      // Another process (a second worker) changes the file without telling this notifier.
      const poll = () => {
        if (done) return
        timers.push(
          setTimeout(() => {
            repo
              .getCheckout(checkoutId)
              .then((checkout) => {
                if (checkout?.status !== knownStatus) finish()
                else poll()
              })
              .catch(finish)
          }, waitPollMs),
        )
      }
      poll()
      // Subscribed first, read second: a change in between is not missed.
      current(holder, checkoutId)
        .then((checkout) => {
          if (checkout.status !== knownStatus) {
            finish()
          } else if (checkout.status === 'pending') {
            const untilExpiry = checkout.expiresAt - clock.now() + 1
            if (untilExpiry < waitMs) timers.push(setTimeout(finish, Math.max(0, untilExpiry)))
          }
        })
        .catch(finish)
    })
    await changed
    return getState(holder, checkoutId)
  }

  async function cancel(holder: HolderRef, checkoutId: string): Promise<CheckoutState> {
    const checkout = await current(holder, checkoutId)
    if (checkout.status !== 'pending') return stateOf(checkout)
    const cancelled = await repo.transitionCheckout(checkoutId, {
      from: ['pending'],
      to: 'cancelled',
      now: clock.now(),
      message: endMessages.cancelled,
      event: 'checkout_cancelled',
    })
    if (cancelled)
      logger.info({ checkoutId, channel: holderOf(holder).channel }, 'checkout cancelled')
    return getState(holder, checkoutId)
  }

  async function expireStale(): Promise<number> {
    return (await repo.expirePendingCheckouts(clock.now())).length
  }

  return { create, getState, waitForChange, cancel, expireStale }
}
