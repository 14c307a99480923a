/**
 * The posting worker's loop: claims a paid checkout's due outbox rows under a lease, keeps the lease
 * alive while it works (so only a dead worker's rows are taken over), posts the rows — rows for
 * different fees in parallel, within the Alma limiter — and finishes the checkout once none is left.
 * What posting one row means is `postLine.ts`; this file only schedules.
 */
import { randomUUID } from 'node:crypto'
import type { AlmaPort } from '../../alma/port.ts'
import type { Clock } from '../../ops/clock.ts'
import type { CheckoutRecord, PaymentsRepository, PostingRecord } from '../../store/repository.ts'
import { silentLogger, type PaymentsLogger } from '../logger.ts'
import type { CheckoutNotifier } from '../notifier.ts'
import { createLinePoster, type RowResult } from './postLine.ts'
import { remainingBalanceAfter } from './remainingBalance.ts'

export interface PostingWorkerDeps {
  repo: PaymentsRepository
  /** Each institution's own Alma client (its key, its limiter) and payment method code. */
  almaFor: (institution: string) => { alma: AlmaPort; paymentMethod: string }
  /** The worker wakes when a checkout becomes paid. */
  notifier: CheckoutNotifier
  clock: Clock
  /** How often `start()` looks for due rows when nothing woke it (default 1 s). */
  pollIntervalMs?: number
  /**
   * How long a claim holds a checkout's rows without a heartbeat (default 15 s). A live worker
   * renews it every third of that while it works, so it only lapses when the worker died.
   */
  leaseMs?: number
  /**
   * After a pay call whose outcome is unknown, how long before the fee is re-read and the pay
   * decided again (default 120 s, `ALMA_SETTLE_SECONDS`): long enough for Alma to have applied a
   * call it was still working on.
   */
  settleMs?: number
  backoff?: { baseMs?: number; maxMs?: number }
  /** 0..1, for the backoff jitter (default Math.random). */
  random?: () => number
  /** Warn once when a payment has waited this long to be posted (default 15 min). */
  warnAfterMs?: number
  /**
   * Alma's answers for a line unreadable this long → a `posting_stuck` exception for staff while
   * retries continue (default 30 min, `POSTING_STUCK_MINUTES`).
   */
  stuckAfterMs?: number
  workerId?: string
  logger?: PaymentsLogger
  /** Counts pay calls whose outcome was unknown (`alma_pay_uncertain_total`). */
  onPayUncertain?: () => void
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

/** Bounds one `runOnce` (each claim settles or defers at least one row). */
const maxClaimsPerRun = 1000

export function createPostingWorker(deps: PostingWorkerDeps): PostingWorker {
  const { repo, notifier, clock } = deps
  const workerId = deps.workerId ?? `worker-${randomUUID()}`
  const pollIntervalMs = deps.pollIntervalMs ?? 1_000
  const leaseMs = deps.leaseMs ?? 15_000
  const logger = deps.logger ?? silentLogger
  const poster = createLinePoster({
    repo,
    almaFor: deps.almaFor,
    clock,
    workerId,
    leaseMs,
    settleMs: deps.settleMs ?? 120_000,
    backoff: { baseMs: deps.backoff?.baseMs ?? 1_000, maxMs: deps.backoff?.maxMs ?? 300_000 },
    random: deps.random ?? Math.random,
    warnAfterMs: deps.warnAfterMs ?? 15 * 60_000,
    stuckAfterMs: deps.stuckAfterMs ?? 30 * 60_000,
    logger,
    ...(deps.onPayUncertain ? { onPayUncertain: deps.onPayUncertain } : {}),
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  })

  let running = false
  let stopping = false
  let loop: Promise<void> | null = null
  let wakeRequested = false
  let wakeSleeper: (() => void) | null = null
  let unsubscribe: (() => void) | null = null
  let inFlight: Promise<number> | null = null

  /**
   * On the usual path every line posted as planned: the balances at checkout and the pay answers
   * give the remaining balance without another Alma call. When money moved (a fee changed under
   * us), only a fresh list is right; the receipt says "unknown" rather than wait on it.
   */
  async function remainingBalance(
    checkout: CheckoutRecord,
    postings: readonly PostingRecord[],
  ): Promise<number | null> {
    const asPlanned = postings.every((posting) => posting.status === 'posted')
    if (asPlanned && checkout.feeBalances !== null) {
      return remainingBalanceAfter(checkout.feeBalances, postings)
    }
    try {
      const { alma } = deps.almaFor(checkout.institution)
      const list = await alma.listActiveFees(checkout.primaryId, 'all_unique')
      return list.fees.reduce((sum, fee) => sum + Math.max(0, fee.balanceCents), 0)
    } catch (error) {
      logger.warn(
        { checkoutId: checkout.id, error: error instanceof Error ? error.message : String(error) },
        'remaining balance unavailable',
      )
      return null
    }
  }

  async function finalize(checkoutId: string): Promise<void> {
    const checkout = await repo.getCheckout(checkoutId)
    if (checkout?.status !== 'paid') return
    const postings = await repo.listPostings(checkoutId)
    // Not while rows remain (deferred, or another worker's).
    if (postings.some((posting) => posting.status === 'pending')) return
    const done = await repo.finalizeCheckout(checkoutId, {
      remainingBalanceCents: await remainingBalance(checkout, postings),
      now: clock.now(),
    })
    if (done) logger.info({ checkoutId, status: done.status }, 'checkout posted to Alma')
  }

  /** Keeps the claim alive while this worker works on it, however long Alma takes. */
  function heartbeat(checkoutId: string): () => void {
    const timer = setInterval(
      () => {
        repo.renewLease(checkoutId, workerId, clock.now() + leaseMs).catch((error: unknown) => {
          logger.error(
            { checkoutId, error: error instanceof Error ? error.message : String(error) },
            'lease renewal failed',
          )
        })
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    )
    timer.unref()
    return () => {
      clearInterval(timer)
    }
  }

  /** Rows of one fee one after another (each may depend on the last); different fees at once. */
  async function postFeeRows(checkoutId: string, rows: PostingRecord[]): Promise<RowResult[]> {
    const results: RowResult[] = []
    for (const posting of rows) {
      if (stopping) break
      if (!(await repo.renewLease(checkoutId, workerId, clock.now() + leaseMs))) break
      const result = await poster.post(posting)
      results.push(result)
      if (result === 'lost') break
    }
    return results
  }

  async function processClaim(checkoutId: string, postings: PostingRecord[]): Promise<number> {
    const stopHeartbeat = heartbeat(checkoutId)
    try {
      const byFee = new Map<string, PostingRecord[]>()
      for (const posting of postings) {
        byFee.set(posting.feeId, [...(byFee.get(posting.feeId) ?? []), posting])
      }
      // Every group finishes before the lease is released, even when one of them throws.
      const outcomes = await Promise.allSettled(
        [...byFee.values()].map((rows) => postFeeRows(checkoutId, rows)),
      )
      const failed = outcomes.find((outcome) => outcome.status === 'rejected')
      if (failed) throw failed.reason
      return outcomes
        .flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []))
        .filter((result) => result === 'settled').length
    } finally {
      stopHeartbeat()
    }
  }

  async function runOnceNow(): Promise<number> {
    let settled = 0
    const passStartedAt = clock.now()
    for (let claims = 0; claims < maxClaimsPerRun && !stopping; claims++) {
      const claim = await repo.claimPostings(workerId, clock.now(), leaseMs)
      if (!claim) break
      // Rows that fell due during this pass (a short backoff) wait for the next one: a pass
      // handles what was due when it started, and ends.
      if (claim.postings.every((posting) => posting.nextAttemptAt > passStartedAt)) {
        await repo.releaseLeases(claim.checkoutId, workerId)
        break
      }
      try {
        settled += await processClaim(claim.checkoutId, claim.postings)
      } finally {
        await repo.releaseLeases(claim.checkoutId, workerId)
      }
      await finalize(claim.checkoutId)
    }
    // Also finishes checkouts whose last row was settled by a worker that died before finalizing.
    if (!stopping) {
      for (const checkoutId of await repo.checkoutsReadyToFinalize()) await finalize(checkoutId)
    }
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
        logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'posting worker pass failed',
        )
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
