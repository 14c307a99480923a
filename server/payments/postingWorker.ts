/**
 * Posts paid checkouts to Alma from the outbox, exactly once, correct after a crash at any point:
 *
 * - rows are claimed per checkout with a lease in a transaction, so two workers on one file never
 *   work on the same checkout at the same time;
 * - before every try the fee is re-read, and a `transaction[]` entry carrying our CashNet tx (and the
 *   row's amount) means Alma already has the payment — the crash-between-answer-and-commit case;
 * - money for a fee that was closed or reduced goes to the patron's other active fees, oldest first;
 *   what no fee can take becomes an unapplied-money exception for staff;
 * - Alma being busy or down is retried forever with capped, jittered exponential backoff.
 */
import { randomUUID } from 'node:crypto'
import { AlmaError } from '../alma/errors.ts'
import type { AlmaFee, AlmaPort } from '../alma/port.ts'
import type { Clock } from '../ops/clock.ts'
import type { PaymentsRepository, PostingRecord, ReallocationTarget } from '../store/repository.ts'
import { spreadOldestFirst } from '../../common/allocation.ts'
import { backoffDelayMs } from '../../common/backoff.ts'
import { checkAlmaForPayment } from './alreadyPosted.ts'
import { silentLogger, type PaymentsLogger } from './logger.ts'
import type { CheckoutNotifier } from './notifier.ts'

export interface PostingWorkerDeps {
  repo: PaymentsRepository
  alma: AlmaPort
  notifier: CheckoutNotifier
  clock: Clock
  /** Alma payment method code (default ONLINE). */
  paymentMethod?: string
  /** How often `start()` looks for due rows when nothing woke it (default 1 s). */
  pollIntervalMs?: number
  /**
   * How long a claim holds a checkout's rows without a heartbeat (default 15 s). A live worker
   * renews it every third of that while it works, so it only lapses when the worker died: keep it
   * above the Alma request timeout, so a dead worker's last request has landed before anyone else
   * re-reads the fee.
   */
  leaseMs?: number
  backoff?: { baseMs?: number; maxMs?: number }
  /** 0..1, for the backoff jitter (default Math.random). */
  random?: () => number
  /** Warn once when a payment has waited this long to be posted (default 15 min). */
  warnAfterMs?: number
  workerId?: string
  logger?: PaymentsLogger
  /** Test seams for crash simulation; never set in production. */
  hooks?: { afterPayFee?: (posting: PostingRecord) => void | Promise<void> }
}

export interface PostingWorker {
  start(): void
  stop(): Promise<void>
  /** Look for work now instead of at the next poll. */
  wake(): void
  /** Processes everything due now; returns how many outbox rows were settled. */
  runOnce(): Promise<number>
  outboxDepth(): Promise<number>
  oldestUnpostedAgeSeconds(): Promise<number>
}

/** The primary id is an Alma primary identifier, which `all_unique` always resolves. */
const primaryIdType = 'all_unique'
/** Bounds one `runOnce` (each claim settles or defers at least one row). */
const maxClaimsPerRun = 1000

type RowResult = 'settled' | 'deferred' | 'lost'

function describe(error: unknown): string {
  if (error instanceof AlmaError) {
    return `${error.kind}${error.status === null ? '' : ` ${error.status}`}${
      error.codes.length ? ` [${error.codes.join(',')}]` : ''
    }: ${error.message}`
  }
  return error instanceof Error ? error.message : String(error)
}

/**
 * Worth waiting for: Alma busy or unreachable, but also a bad API key (fixed by configuration, not by
 * giving the money up) and an unreadable answer (the payment may have happened: re-read first).
 * Anything that is not an Alma error is ours and waits for a fix too.
 */
function worthRetrying(error: unknown): boolean {
  if (!(error instanceof AlmaError)) return true
  return error.retryable || error.kind === 'auth' || error.kind === 'invalid_response'
}

export function createPostingWorker(deps: PostingWorkerDeps): PostingWorker {
  const { repo, alma, notifier, clock } = deps
  const workerId = deps.workerId ?? `worker-${randomUUID()}`
  const method = deps.paymentMethod ?? 'ONLINE'
  const pollIntervalMs = deps.pollIntervalMs ?? 1_000
  const leaseMs = deps.leaseMs ?? 15_000
  const baseMs = deps.backoff?.baseMs ?? 1_000
  const maxMs = deps.backoff?.maxMs ?? 300_000
  const random = deps.random ?? Math.random
  const warnAfterMs = deps.warnAfterMs ?? 15 * 60_000
  const logger = deps.logger ?? silentLogger
  const warned = new Set<number>()

  let running = false
  let stopping = false
  let loop: Promise<void> | null = null
  let wakeRequested = false
  let wakeSleeper: (() => void) | null = null
  let unsubscribe: (() => void) | null = null
  let inFlight: Promise<number> | null = null

  function backoffMs(attempts: number): number {
    return backoffDelayMs(attempts, { baseMs, maxMs, jitter: 'equal' }, random)
  }

  async function defer(posting: PostingRecord, error: unknown): Promise<RowResult> {
    const now = clock.now()
    const delay = backoffMs(posting.attempts)
    const ok = await repo.reschedulePosting(posting.id, workerId, {
      nextAttemptAt: now + delay,
      error: describe(error),
      now,
    })
    const waitedMs = now - posting.createdAt
    const log = {
      postingId: posting.id,
      checkoutId: posting.checkoutId,
      attempts: posting.attempts + 1,
      retryInMs: delay,
      error: describe(error),
    }
    if (waitedMs > warnAfterMs && !warned.has(posting.id)) {
      warned.add(posting.id)
      logger.warn(
        { ...log, waitingSeconds: Math.round(waitedMs / 1000) },
        'payment has waited too long to be posted to Alma',
      )
    } else if (!(error instanceof AlmaError)) {
      logger.error(log, 'posting to Alma failed unexpectedly; will retry')
    } else {
      logger.info(log, 'posting to Alma deferred')
    }
    return ok ? 'deferred' : 'lost'
  }

  async function toException(posting: PostingRecord, reason: string): Promise<RowResult> {
    const ok = await repo.markPostingException(posting.id, workerId, {
      reason,
      now: clock.now(),
    })
    logger.warn(
      { postingId: posting.id, checkoutId: posting.checkoutId, reason },
      'payment could not be applied in Alma: exception for staff',
    )
    return ok ? 'settled' : 'lost'
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
      fees = (await alma.listActiveFees(posting.primaryId, primaryIdType)).fees
    } catch (error) {
      if (worthRetrying(error)) return defer(posting, error)
      return toException(posting, `Could not list the patron's fees: ${describe(error)}`)
    }
    const others = fees.filter((other) => other.id !== posting.feeId && other.balanceCents > 0)
    const pending = await repo.pendingCentsByFee([posting.feeId, ...others.map((f) => f.id)])

    const targets: ReallocationTarget[] = []
    let remaining = posting.amountCents
    if (fee?.status === 'ACTIVE') {
      // `pending` still counts this row itself.
      const ownRoom = fee.balanceCents - ((pending.get(posting.feeId) ?? 0) - posting.amountCents)
      const take = Math.min(remaining, Math.max(0, ownRoom))
      if (take > 0) {
        targets.push({
          feeId: posting.feeId,
          feeDescription: posting.feeDescription,
          feeTitle: posting.feeTitle,
          amountCents: take,
        })
        remaining -= take
      }
    }
    const allocation = spreadOldestFirst(
      remaining,
      others.map((other) => ({
        id: other.id,
        createdAt: other.creationTime,
        balanceCents: Math.max(0, other.balanceCents - (pending.get(other.id) ?? 0)),
      })),
    )
    for (const line of allocation.lines) {
      const other = others.find((candidate) => candidate.id === line.feeId)
      if (!other) continue
      targets.push({
        feeId: other.id,
        feeDescription: other.typeDescription,
        feeTitle: other.title,
        amountCents: line.amountCents,
      })
    }
    const reason = !fee
      ? `fee ${posting.feeId} no longer exists in Alma`
      : fee.status !== 'ACTIVE'
        ? `fee ${posting.feeId} is ${fee.status}`
        : `fee ${posting.feeId} balance ${fee.balanceCents} is below ${posting.amountCents}`
    const unapplied =
      allocation.unallocatedCents > 0
        ? {
            amountCents: allocation.unallocatedCents,
            reason: `No active fee could take this money (${reason}).`,
          }
        : null
    const ok = await repo.reallocatePosting(posting.id, workerId, {
      targets: targets.map((target) => ({ ...target })),
      unapplied,
      reason,
      now: clock.now(),
    })
    logger.info(
      {
        postingId: posting.id,
        checkoutId: posting.checkoutId,
        reason,
        targets: targets.map((t) => ({ feeId: t.feeId, amountCents: t.amountCents })),
        unappliedCents: allocation.unallocatedCents,
      },
      'payment re-allocated',
    )
    return ok ? 'settled' : 'lost'
  }

  /** Reads the fee; null when Alma says it does not exist. */
  async function readFee(posting: PostingRecord): Promise<AlmaFee | null> {
    try {
      return await alma.getFee(posting.primaryId, posting.feeId)
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
      const siblings = await repo.listPostings(posting.checkoutId)
      const check = checkAlmaForPayment(fee, posting, siblings)
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
          `Alma shows a payment with tx ${posting.tx} on fee ${posting.feeId} for another amount; not posting again.`,
        )
      }
    }
    if (fee?.status !== 'ACTIVE' || fee.balanceCents < posting.amountCents) {
      return reallocate(posting, fee)
    }
    return 'pay'
  }

  async function processPosting(posting: PostingRecord): Promise<RowResult> {
    let fee: AlmaFee | null
    try {
      fee = await readFee(posting)
    } catch (error) {
      if (worthRetrying(error)) return defer(posting, error)
      return toException(posting, `Alma refused to show the fee: ${describe(error)}`)
    }
    const decided = await settleFromAlma(posting, fee)
    if (decided !== 'pay') return decided

    // Last look before money moves: if the lease went to another worker, leave the row to it.
    if (!(await repo.renewLease(posting.checkoutId, workerId, clock.now() + leaseMs))) {
      return 'lost'
    }
    let balanceAfterCents: number
    try {
      const after = await alma.payFee(posting.primaryId, posting.feeId, {
        amountCents: posting.amountCents,
        method,
        externalTransactionId: posting.tx,
      })
      balanceAfterCents = after.balanceCents
    } catch (error) {
      if (worthRetrying(error)) return defer(posting, error)
      // Refused (restricted, not found, rejected): see whether the fee changed under us first.
      let reread: AlmaFee | null
      try {
        reread = await readFee(posting)
      } catch (readError) {
        if (worthRetrying(readError)) return defer(posting, readError)
        return toException(posting, `Alma refused the payment: ${describe(error)}`)
      }
      const settled = await settleFromAlma(posting, reread)
      if (settled !== 'pay') return settled
      return toException(posting, `Alma refused the payment: ${describe(error)}`)
    }
    await deps.hooks?.afterPayFee?.(posting)
    return markPosted(posting, balanceAfterCents, false)
  }

  async function finalize(checkoutId: string): Promise<void> {
    const checkout = await repo.getCheckout(checkoutId)
    if (checkout?.status !== 'paid') return
    // Not while rows remain (deferred, or another worker's): no Alma call for nothing.
    if ((await repo.listPostings(checkoutId)).some((p) => p.status === 'pending')) return
    let remainingBalanceCents: number | null = null
    try {
      const list = await alma.listActiveFees(checkout.primaryId, primaryIdType)
      remainingBalanceCents = list.fees.reduce((sum, fee) => sum + Math.max(0, fee.balanceCents), 0)
    } catch (error) {
      // The receipt says "unknown" rather than keep the patron waiting on a courtesy figure.
      logger.warn({ checkoutId, error: describe(error) }, 'remaining balance unavailable')
    }
    const done = await repo.finalizeCheckout(checkoutId, {
      remainingBalanceCents,
      now: clock.now(),
    })
    if (done) {
      notifier.publish({ checkoutId, status: done.status })
      logger.info({ checkoutId, status: done.status }, 'checkout posted to Alma')
    }
  }

  /** Keeps the claim alive while this worker works on it, however long Alma takes. */
  function heartbeat(checkoutId: string): () => void {
    const timer = setInterval(
      () => {
        repo.renewLease(checkoutId, workerId, clock.now() + leaseMs).catch((error: unknown) => {
          logger.error({ checkoutId, error: describe(error) }, 'lease renewal failed')
        })
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    )
    timer.unref()
    return () => {
      clearInterval(timer)
    }
  }

  async function processClaim(checkoutId: string, postings: PostingRecord[]): Promise<number> {
    const stopHeartbeat = heartbeat(checkoutId)
    try {
      return await processClaimedRows(checkoutId, postings)
    } finally {
      stopHeartbeat()
    }
  }

  async function processClaimedRows(checkoutId: string, postings: PostingRecord[]) {
    let settled = 0
    for (let index = 0; index < postings.length; index++) {
      const posting = postings[index]
      if (!posting || stopping) break
      if (!(await repo.renewLease(checkoutId, workerId, clock.now() + leaseMs))) break
      const result = await processPosting(posting)
      if (result === 'settled') settled++
      if (result === 'lost') break
      if (result === 'deferred') {
        // Alma is struggling: the rest of this checkout waits as long instead of hammering it.
        for (const rest of postings.slice(index + 1)) {
          await repo.reschedulePosting(rest.id, workerId, {
            nextAttemptAt: clock.now() + backoffMs(rest.attempts),
            error: 'deferred with an earlier line of the same payment',
            now: clock.now(),
          })
        }
        break
      }
    }
    return settled
  }

  async function runOnceNow(): Promise<number> {
    let settled = 0
    for (let claims = 0; claims < maxClaimsPerRun && !stopping; claims++) {
      const claim = await repo.claimPostings(workerId, clock.now(), leaseMs)
      if (!claim) break
      try {
        settled += await processClaim(claim.checkoutId, claim.postings)
      } finally {
        await repo.releaseLeases(claim.checkoutId, workerId)
      }
      await finalize(claim.checkoutId)
    }
    // Also finishes checkouts whose last row was settled by a worker that died before finalizing.
    if (!stopping)
      for (const checkoutId of await repo.checkoutsReadyToFinalize()) await finalize(checkoutId)
    return settled
  }

  function runOnce(): Promise<number> {
    // One pass at a time per worker: a wake during a pass just asks for another.
    if (inFlight) return inFlight
    const pass = runOnceNow().finally(() => {
      inFlight = null
    })
    inFlight = pass
    return pass
  }

  function wake(): void {
    wakeRequested = true
    wakeSleeper?.()
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wakeSleeper = null
        resolve()
      }
      wakeSleeper = done
    })
  }

  async function runLoop(): Promise<void> {
    // Read through functions: the flags change in other turns of the event loop.
    const keepRunning = () => running
    const wasWoken = () => wakeRequested
    while (keepRunning()) {
      wakeRequested = false
      try {
        await runOnce()
      } catch (error) {
        logger.error({ error: describe(error) }, 'posting worker pass failed')
      }
      if (keepRunning() && !wasWoken()) await sleep(pollIntervalMs)
    }
  }

  return {
    start() {
      if (running) return
      running = true
      stopping = false
      unsubscribe = notifier.subscribeAll((change) => {
        if (change.status === 'paid') wake()
      })
      loop = runLoop()
    },
    async stop() {
      running = false
      stopping = true
      unsubscribe?.()
      unsubscribe = null
      wakeSleeper?.()
      await loop
      await inFlight
      loop = null
      stopping = false
    },
    wake,
    runOnce,
    outboxDepth: () => repo.outboxDepth(),
    async oldestUnpostedAgeSeconds() {
      const oldest = await repo.oldestPendingPostingCreatedAt()
      return oldest === null ? 0 : Math.max(0, (clock.now() - oldest) / 1000)
    },
  }
}
