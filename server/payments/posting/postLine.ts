/**
 * Posting one outbox row to Alma, exactly once:
 * - every pay call is recorded (attempt number, sent-at) before it is sent;
 * - a row's first attempt pays at once; after an attempt whose outcome is unknown (timeout, network
 *   error, 5xx, 429, an unreadable answer, a crash while the call was out) nothing happens until its
 *   settle window has passed, then the fee is re-read: our tx there → posted; absent → pay again;
 * - a fee closed or reduced meanwhile has the row's money re-allocated; what fits nowhere, and what
 *   Alma refuses, becomes an exception for staff.
 */
import { backoffDelayMs } from '../../../common/backoff.ts'
import { AlmaError } from '../../alma/errors.ts'
import type { AlmaFee, AlmaPort } from '../../alma/port.ts'
import type { Clock } from '../../ops/clock.ts'
import type {
  PaymentsRepository,
  PostingExceptionKind,
  PostingRecord,
} from '../../store/repository.ts'
import type { PaymentsLogger } from '../logger.ts'
import { checkAlmaForPayment } from './almaCheck.ts'
import {
  classifyPayFailure,
  describeFailure,
  isUnreadable,
  nextStep,
  worthRetrying,
} from './decisions.ts'
import { planReallocation } from './reallocationPlan.ts'

/** `settled`: the row reached a final state; `deferred`: it waits; `lost`: another worker has it. */
export type RowResult = 'settled' | 'deferred' | 'lost'

export interface LinePosterDeps {
  repo: PaymentsRepository
  /** Each institution's own Alma (its key, its limiter) and payment method code, e.g. ONLINE. */
  almaFor: (institution: string) => { alma: AlmaPort; paymentMethod: string }
  clock: Clock
  workerId: string
  leaseMs: number
  /** How long after an attempt with an unknown outcome before the fee is re-read. */
  settleMs: number
  backoff: { baseMs: number; maxMs: number }
  random: () => number
  /** Warn once per row that has waited this long. */
  warnAfterMs: number
  /** Open a `posting_stuck` exception once Alma's answers for a row were unreadable this long. */
  stuckAfterMs: number
  logger: PaymentsLogger
  onPayUncertain?: () => void
  hooks?: { afterPayFee?: (posting: PostingRecord) => void | Promise<void> }
}

/** The primary id is an Alma primary identifier, which `all_unique` always resolves. */
const primaryIdType = 'all_unique'
/** Rows warned about, remembered so each is warned once; bounded like everything held in memory. */
const maxWarnedRows = 10_000

export function createLinePoster(deps: LinePosterDeps) {
  const { repo, clock, workerId, logger } = deps
  const warned = new Set<number>()

  function warnOnce(posting: PostingRecord, log: object): boolean {
    if (warned.has(posting.id)) return false
    if (warned.size >= maxWarnedRows) {
      const [oldest] = warned
      if (oldest !== undefined) warned.delete(oldest)
    }
    warned.add(posting.id)
    logger.warn(
      { ...log, waitingSeconds: Math.round((clock.now() - posting.createdAt) / 1000) },
      'payment has waited too long to be posted to Alma',
    )
    return true
  }

  async function defer(posting: PostingRecord, error: unknown): Promise<RowResult> {
    const now = clock.now()
    const nextAttemptAt =
      now +
      backoffDelayMs(
        posting.deferrals,
        { baseMs: deps.backoff.baseMs, maxMs: deps.backoff.maxMs, jitter: 'equal' },
        deps.random,
      )
    const ok = await repo.reschedulePosting(posting.id, workerId, {
      nextAttemptAt,
      error: describeFailure(error),
      unreadable: isUnreadable(error),
      now,
    })
    await watchUnreadable(posting, error)
    const log = {
      postingId: posting.id,
      checkoutId: posting.checkoutId,
      deferrals: posting.deferrals + 1,
      retryInMs: nextAttemptAt - now,
      error: describeFailure(error),
    }
    const warnedNow = now - posting.createdAt > deps.warnAfterMs && warnOnce(posting, log)
    if (warnedNow) {
      // The warning carries the same details.
    } else if (error instanceof AlmaError) {
      logger.info(log, 'posting to Alma deferred')
    } else {
      logger.error(log, 'posting to Alma failed unexpectedly; will retry')
    }
    return ok ? 'deferred' : 'lost'
  }

  /** An earlier attempt may still be applied by Alma: put the row off until its window is over. */
  async function waitOut(posting: PostingRecord, until: number): Promise<RowResult> {
    const ok = await repo.reschedulePosting(posting.id, workerId, {
      nextAttemptAt: until,
      error: posting.lastError ?? 'an earlier pay attempt may still be applied',
      unreadable: posting.unreadableSince !== null,
      now: clock.now(),
    })
    logger.info(
      { postingId: posting.id, checkoutId: posting.checkoutId, attempts: posting.attempts, until },
      'waiting for an earlier pay attempt to settle',
    )
    return ok ? 'deferred' : 'lost'
  }

  async function toException(
    posting: PostingRecord,
    kind: PostingExceptionKind,
    reason: string,
  ): Promise<RowResult> {
    const ok = await repo.markPostingException(posting.id, workerId, {
      kind,
      reason,
      now: clock.now(),
    })
    logger.warn(
      { postingId: posting.id, checkoutId: posting.checkoutId, kind, reason },
      'payment could not be applied in Alma: exception for staff',
    )
    return ok ? 'settled' : 'lost'
  }

  /**
   * Alma's answers for this row have not been understandable for `stuckAfterMs`: staff should know
   * (`posting_stuck`), while the retries go on. Posting the row later closes it.
   */
  async function watchUnreadable(posting: PostingRecord, error: unknown): Promise<void> {
    if (!isUnreadable(error)) return
    const now = clock.now()
    const since = posting.unreadableSince ?? now
    if (now - since < deps.stuckAfterMs) return
    const opened = await repo.openPostingStuck(posting.id, {
      reason: `Alma's answers for this line could not be understood since ${new Date(since).toISOString()}: ${describeFailure(error)}. Retries continue.`,
      now,
    })
    if (opened) {
      logger.warn(
        { postingId: posting.id, checkoutId: posting.checkoutId, error: describeFailure(error) },
        'posting stuck on answers Alma sends that cannot be understood: exception for staff',
      )
    }
  }

  async function markPosted(
    posting: PostingRecord,
    balanceAfterCents: number,
    foundInAlma: boolean,
  ): Promise<RowResult> {
    const ok = await repo.markPosted(posting.id, workerId, {
      balanceAfterCents,
      foundInAlma,
      now: clock.now(),
    })
    return ok ? 'settled' : 'lost'
  }

  /** The fee was closed, reduced or vanished: spread the row's money over what can take it. */
  async function reallocate(posting: PostingRecord, fee: AlmaFee | null): Promise<RowResult> {
    let fees: AlmaFee[]
    try {
      fees = (
        await deps
          .almaFor(posting.institution)
          .alma.listActiveFees(posting.primaryId, primaryIdType)
      ).fees
    } catch (error) {
      if (worthRetrying(error)) return defer(posting, error)
      return toException(
        posting,
        'alma_refused',
        `Could not list the patron's fees: ${describeFailure(error)}`,
      )
    }
    const pending = await repo.pendingCentsByFee(posting.institution, [
      posting.feeId,
      ...fees.map((f) => f.id),
    ])
    const plan = planReallocation(posting, fee, fees, pending)
    const ok = await repo.reallocatePosting(posting.id, workerId, { ...plan, now: clock.now() })
    logger.info(
      {
        postingId: posting.id,
        checkoutId: posting.checkoutId,
        reason: plan.reason,
        targets: plan.targets.map((t) => ({ feeId: t.feeId, amountCents: t.amountCents })),
        unappliedCents: plan.unapplied?.amountCents ?? 0,
      },
      'payment re-allocated',
    )
    return ok ? 'settled' : 'lost'
  }

  /** Reads the fee; null when Alma says it does not exist. */
  async function readFee(posting: PostingRecord): Promise<AlmaFee | null> {
    try {
      return await deps.almaFor(posting.institution).alma.getFee(posting.primaryId, posting.feeId)
    } catch (error) {
      if (error instanceof AlmaError && error.kind === 'not_found') return null
      throw error
    }
  }

  /** Decides from a fresh read of the fee whether to record, re-allocate or pay. */
  async function settleFromAlma(
    posting: PostingRecord,
    fee: AlmaFee | null,
  ): Promise<RowResult | 'pay'> {
    if (fee) {
      const check = checkAlmaForPayment(fee, posting, await repo.listPostings(posting.checkoutId))
      if (check === 'present') {
        logger.info(
          { postingId: posting.id, checkoutId: posting.checkoutId },
          'payment already in Alma: recorded without posting again',
        )
        return markPosted(posting, fee.balanceCents, true)
      }
      if (check === 'mismatch') {
        return toException(
          posting,
          'alma_mismatch',
          `Alma shows a payment with tx ${posting.tx} on fee ${posting.feeId} that this payment's lines do not explain; not posting again.`,
        )
      }
    }
    if (fee?.status !== 'ACTIVE' || fee.balanceCents < posting.amountCents) {
      return reallocate(posting, fee)
    }
    return 'pay'
  }

  /** Re-reads the fee, then records, re-allocates, or says to pay. */
  async function reread(posting: PostingRecord): Promise<RowResult | 'pay'> {
    let fee: AlmaFee | null
    try {
      fee = await readFee(posting)
    } catch (error) {
      if (worthRetrying(error)) return defer(posting, error)
      return toException(
        posting,
        'alma_refused',
        `Alma refused to show the fee: ${describeFailure(error)}`,
      )
    }
    return settleFromAlma(posting, fee)
  }

  async function pay(posting: PostingRecord): Promise<RowResult> {
    // Last look before money moves: if the lease went to another worker, leave the row to it.
    if (!(await repo.renewLease(posting.checkoutId, workerId, clock.now() + deps.leaseMs))) {
      return 'lost'
    }
    const sentAt = clock.now()
    const attempt = await repo.recordPayAttempt(posting.id, workerId, {
      now: sentAt,
      settleUntil: sentAt + deps.settleMs,
    })
    if (attempt === null) return 'lost'
    let after: AlmaFee
    try {
      const { alma, paymentMethod } = deps.almaFor(posting.institution)
      after = await alma.payFee(posting.primaryId, posting.feeId, {
        amountCents: posting.amountCents,
        method: paymentMethod,
        externalTransactionId: posting.tx,
      })
    } catch (error) {
      return afterFailedPay(posting, attempt, error)
    }
    await deps.hooks?.afterPayFee?.(posting)
    return markPosted(posting, after.balanceCents, false)
  }

  async function afterFailedPay(
    posting: PostingRecord,
    attempt: number,
    error: unknown,
  ): Promise<RowResult> {
    const failure = classifyPayFailure(error)
    const now = clock.now()
    const recorded = await repo.recordPayOutcome(posting.id, workerId, {
      outcome: failure.outcome,
      error: describeFailure(error),
      unreadable: failure.unreadable,
      now,
    })
    if (!recorded) return 'lost'
    if (failure.outcome === 'uncertain') {
      deps.onPayUncertain?.()
      await watchUnreadable(posting, error)
      logger.warn(
        {
          postingId: posting.id,
          checkoutId: posting.checkoutId,
          attempt,
          settleSeconds: Math.round(deps.settleMs / 1000),
          error: describeFailure(error),
        },
        'Alma pay outcome unknown: waiting out the settle window before looking again',
      )
      return 'deferred'
    }
    if (failure.retryLater) return defer(posting, error)
    // Refused (restricted, not found, rejected): see whether the fee changed under us first.
    const settled = await reread({ ...posting, attempts: attempt })
    if (settled !== 'pay') return settled
    return toException(
      posting,
      'alma_refused',
      `Alma refused the payment: ${describeFailure(error)}`,
    )
  }

  /** Processes one claimed row; the caller holds the lease on its checkout. */
  async function post(posting: PostingRecord): Promise<RowResult> {
    const step = nextStep(posting, clock.now(), deps.settleMs)
    if (step.kind === 'wait') return waitOut(posting, step.until)
    if (step.kind === 'reread') {
      const decided = await reread(posting)
      if (decided !== 'pay') return decided
    }
    return pay(posting)
  }

  return { post }
}
