import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPostingWorker } from '../../../../server/payments/posting/worker.ts'
import { sandboxCards } from '../../../../server/sandbox/alma/index.ts'
import { openSqliteRepository } from '../../../../server/store/sqlite/index.ts'
import {
  drainOutbox,
  expectPaidExactlyOnce,
  kioskId,
  postForm,
  seededRandom,
  startHarness,
  successPostback,
  type Harness,
  type HarnessOptions,
} from '../harness.ts'

const crashingWorker = fileURLToPath(new URL('../fixtures/crashAfterPayFee.ts', import.meta.url))

let nextTx = 500_000_000
/** Creates a pay-all checkout for a card and delivers CashNet's success postback for it. */
async function paidCheckout(h: Harness, cardNumber: string) {
  const lookup = await h.lookup(cardNumber)
  const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
  const tx = String(nextTx++)
  const answer = await postForm(
    h.postbackUrl,
    successPostback(
      created.checkoutId,
      tx,
      created.lines.map((line) => line.amountCents),
    ),
  )
  expect(answer.status).toBe(200)
  return { ...created, tx }
}

function expectExactlyOnce(
  h: Harness,
  checkouts: { tx: string; lines: { feeId: string; amountCents: number }[] }[],
) {
  expectPaidExactlyOnce(h.sandboxAlma, checkouts)
}

/** Another worker's own Alma client for the same sandbox, as a second process would build it. */
function secondAlma(h: Harness) {
  const alma = h.newAlmaClient()
  return () => ({ alma, paymentMethod: 'ONLINE' })
}

describe('server/payments/posting/worker', () => {
  let h: Harness | undefined
  const start = async (options: HarnessOptions = {}) => {
    h = await startHarness(options)
    return h
  }
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('posts everything exactly once while Alma fails 30% of requests with 429 and 5xx', async () => {
    const h = await start({ sandboxAlma: { random: seededRandom(42) } })
    const cards = [
      sandboxCards.severalFees,
      sandboxCards.oneFee,
      sandboxCards.external,
      sandboxCards.unicode,
      sandboxCards.manyFees,
    ]
    const checkouts = []
    for (const card of cards) checkouts.push(await paidCheckout(h, card))
    h.sandboxAlma.setFaults({ errorRate: 0.3 })

    await drainOutbox(h)

    expectExactlyOnce(h, checkouts)
    const injected = h.sandboxAlma.requests().filter((r) => [429, 500, 503].includes(r.status))
    expect(injected.length).toBeGreaterThan(0)
    const retried = []
    for (const checkout of checkouts) {
      expect((await h.checkouts.getState(kioskId, checkout.checkoutId)).status).toBe('posted')
      retried.push(
        ...(await h.repo.listPostings(checkout.checkoutId)).filter((p) => p.attempts > 0),
      )
    }
    expect(retried.length).toBeGreaterThan(0)
  })

  it('keeps payments while Alma is down, warns once past the threshold, and posts when it returns', async () => {
    const h = await start({ worker: { warnAfterMs: 1_000 } })
    const checkout = await paidCheckout(h, sandboxCards.severalFees)
    h.sandboxAlma.setFaults({ down: true })
    h.clock.advance(5_000)
    for (let pass = 0; pass < 4; pass++) {
      expect(await h.worker.runOnce()).toBe(0)
      h.clock.advance(60_000)
    }
    const postings = await h.repo.listPostings(checkout.checkoutId)
    expect(postings.every((p) => p.status === 'pending' && p.attempts > 0)).toBe(true)
    expect(postings[0]?.lastError).toMatch(/unavailable/)
    expect(await h.worker.outboxDepth()).toBe(3)
    expect(await h.worker.oldestUnpostedAgeSeconds()).toBeGreaterThanOrEqual(240)
    expect((await h.checkouts.getState(kioskId, checkout.checkoutId)).status).toBe('paid')
    const warnings = h.workerLogger.lines.filter((l) => l.message.includes('waited too long'))
    expect(warnings.length).toBeGreaterThan(0)
    expect(new Set(warnings.map((w) => (w.object as { postingId: number }).postingId)).size).toBe(
      warnings.length,
    )
    expect(h.sandboxAlma.ledger()).toEqual([])

    h.sandboxAlma.setFaults({ down: false })
    await drainOutbox(h)
    expectExactlyOnce(h, [checkout])
    expect((await h.checkouts.getState(kioskId, checkout.checkoutId)).status).toBe('posted')
  })

  it('backs off exponentially with a cap between reads, after the settle window', async () => {
    const h = await start({
      worker: { backoff: { baseMs: 1_000, maxMs: 8_000 }, random: () => 1 },
    })
    const checkout = await paidCheckout(h, sandboxCards.oneFee)
    h.sandboxAlma.setFaults({ down: true })
    // The first attempt pays at once; the 503 leaves its outcome unknown: 30 s settle window.
    await h.worker.runOnce()
    h.clock.advance(30_000)
    for (let pass = 0; pass < 5; pass++) {
      await h.worker.runOnce()
      h.clock.advance(10_000)
    }
    const events = await h.repo.listEvents({ checkoutId: checkout.checkoutId })
    expect(events.filter((event) => event.type.startsWith('posting_')).map((e) => e.type)).toEqual([
      'posting_attempt',
      'posting_uncertain',
      ...Array<string>(5).fill('posting_retry'),
    ])
    // random() = 1 → the full delay: base · 2^deferrals, capped.
    const retries = events.filter((event) => event.type === 'posting_retry')
    expect(retries.map((event) => Number(event.detail.nextAttemptAt) - event.at)).toEqual([
      1_000, 2_000, 4_000, 8_000, 8_000,
    ])
    const [posting] = await h.repo.listPostings(checkout.checkoutId)
    // Only the real pay call counts as an attempt; the failed reads are deferrals.
    expect([posting?.attempts, posting?.deferrals]).toEqual([1, 5])
  })

  it('does not post again after a crash between Alma’s answer and the commit (in process)', async () => {
    let crashes = 1
    const h = await start({
      worker: {
        hooks: {
          afterPayFee: () => {
            if (crashes-- > 0) throw new Error('simulated crash after payFee')
          },
        },
      },
    })
    const checkout = await paidCheckout(h, sandboxCards.severalFees)
    await expect(h.worker.runOnce()).rejects.toThrow('simulated crash')
    // The three lines were paid in parallel; one answer was never recorded.
    expect(h.sandboxAlma.ledger()).toHaveLength(3)
    await drainOutbox(h)
    expectExactlyOnce(h, [checkout])
    const postings = await h.repo.listPostings(checkout.checkoutId)
    expect(postings.filter((p) => p.foundInAlma)).toHaveLength(1)
  })

  it('posts exactly once after the worker process is killed with SIGKILL right after Alma accepted', async () => {
    const h = await start()
    const checkout = await paidCheckout(h, sandboxCards.severalFees)

    const child = spawn(
      process.execPath,
      [crashingWorker, h.dbPath, h.sandboxAlma.url, h.sandboxAlma.apiKey],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on('exit', (code, signal) => {
        resolve({ code, signal })
      })
    })
    expect({ ...exit, stderr: stderr.replace(/^.*ExperimentalWarning.*$/gm, '').trim() }).toEqual({
      code: null,
      signal: 'SIGKILL',
      stderr: '',
    })

    // Alma took the line whose answer killed the worker, and maybe the other two that were out at
    // the same time; our outbox still says pending for all three, each with its attempt on record.
    const landed = h.sandboxAlma.ledger().length
    expect(landed).toBeGreaterThanOrEqual(1)
    const before = await h.repo.listPostings(checkout.checkoutId)
    expect(before.map((p) => [p.status, p.attempts, p.attemptOutcome])).toEqual(
      Array(3).fill(['pending', 1, 'sent']),
    )

    // Nobody pays again while the settle window lasts, even well past the dead worker's lease…
    h.clock.advance(20_000)
    expect(await h.worker.runOnce()).toBe(0)
    expect(h.sandboxAlma.requests().filter((r) => r.method === 'POST')).toHaveLength(3)
    // …and after it, the restarted worker finds each landed payment instead of repeating it.
    h.clock.advance(10_000)
    await drainOutbox(h)
    expectExactlyOnce(h, [checkout])
    const after = await h.repo.listPostings(checkout.checkoutId)
    expect(after.every((p) => p.status === 'posted')).toBe(true)
    expect(after.filter((p) => p.foundInAlma)).toHaveLength(landed)
    expect((await h.checkouts.getState(kioskId, checkout.checkoutId)).status).toBe('posted')
  })

  it('lets two workers on two connections to one file share the outbox without double posting', async () => {
    const h = await start()
    const checkouts = []
    for (const card of [
      sandboxCards.severalFees,
      sandboxCards.oneFee,
      sandboxCards.external,
      sandboxCards.manyFees,
    ]) {
      checkouts.push(await paidCheckout(h, card))
    }
    const otherRepo = await openSqliteRepository(h.dbPath)
    try {
      const other = createPostingWorker({
        repo: otherRepo,
        almaFor: secondAlma(h),
        notifier: h.notifier,
        clock: h.clock,
        workerId: 'second-worker',
        settleMs: 30_000,
      })
      // Both at 25 requests/s against a sandbox threshold of 25/s: some 429s are expected too,
      // and each leaves its pay uncertain until the settle window (virtual time) has passed.
      let settled = 0
      for (let pass = 0; pass < 200 && (await h.worker.outboxDepth()) > 0; pass++) {
        const [mine, theirs] = await Promise.all([h.worker.runOnce(), other.runOnce()])
        settled += mine + theirs
        const due = await h.repo.nextPostingDueAt()
        if (due !== null && due > h.clock.now()) h.clock.advance(due - h.clock.now())
      }
      await h.worker.runOnce()
      expect(settled).toBe(14)
      expectExactlyOnce(h, checkouts)
      for (const checkout of checkouts) {
        expect((await h.checkouts.getState(kioskId, checkout.checkoutId)).status).toBe('posted')
      }
    } finally {
      await otherRepo.close()
    }
  })

  it('keeps its claim alive while Alma is slower than the lease, so no other worker steps in', async () => {
    const h = await start({ worker: { leaseMs: 400 } })
    const checkout = await paidCheckout(h, sandboxCards.oneFee)
    const callsBefore = h.sandboxAlma.requests().length
    // The payment takes 2 s at Alma.
    h.sandboxAlma.setFaults({ latencyMs: 2_000 })
    const second = createPostingWorker({
      repo: h.repo,
      almaFor: secondAlma(h),
      notifier: h.notifier,
      clock: h.clock,
      leaseMs: 400,
      workerId: 'second-worker',
    })
    const first = h.worker.runOnce()
    // Mid-payment, well past the lease taken before it: only the heartbeat still holds the claim.
    await vi.waitFor(
      () => {
        expect(h.sandboxAlma.requests().filter((r) => r.method === 'POST')).toHaveLength(1)
      },
      { timeout: 5_000, interval: 20 },
    )
    await new Promise((resolve) => setTimeout(resolve, 1_200))
    expect(await second.runOnce()).toBe(0)
    expect(await first).toBe(1)
    expectExactlyOnce(h, [checkout])
    // A line's first attempt pays without reading the fee first: one Alma call, not two.
    expect(
      h.sandboxAlma
        .requests()
        .slice(callsBefore)
        .map((r) => r.method),
    ).toEqual(['POST'])
  })

  it('never pays twice when Alma applies a pay only after the client timed out', async () => {
    // Alma takes 2.5 s and applies the payment when it answers; the client gives up after 1 s.
    const h = await start({ almaTimeoutMs: 1_000 })
    const lookup = await h.lookup(sandboxCards.severalFees)
    const lost = lookup.fees[1]
    if (lost?.balanceCents !== 2500) throw new Error('seeded: a 25.00 fee')
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      feeIds: [lost.id],
      amountCents: 1000,
    })
    const tx = '700000001'
    await postForm(h.postbackUrl, successPostback(created.checkoutId, tx, [1000]))
    h.sandboxAlma.setFaults({ payDelayMs: 2_500 })

    expect(await h.worker.runOnce()).toBe(0)
    const [posting] = await h.repo.listPostings(created.checkoutId)
    expect(posting).toMatchObject({ attempts: 1, attemptOutcome: 'uncertain', status: 'pending' })
    expect(posting?.lastError).toMatch(/timed out/)
    // Alma applies it a moment later, answering nobody.
    await vi.waitFor(
      () => {
        expect(h.sandboxAlma.ledger()).toHaveLength(1)
      },
      { timeout: 5_000, interval: 20 },
    )
    h.sandboxAlma.setFaults({ payDelayMs: 0 })
    // Until a second before the settle window ends, nothing happens, however often the worker looks.
    h.clock.advance((posting?.lastAttemptAt ?? 0) + 30_000 - 1_000 - h.clock.now())
    expect(await h.worker.runOnce()).toBe(0)
    expect(h.sandboxAlma.requests().filter((r) => r.method === 'POST')).toHaveLength(1)

    await drainOutbox(h)
    expect(
      h.sandboxAlma.ledger().map((p) => [p.feeId, p.amountCents, p.externalTransactionId]),
    ).toEqual([[lost.id, 1000, tx]])
    const [after] = await h.repo.listPostings(created.checkoutId)
    expect(after).toMatchObject({ status: 'posted', foundInAlma: true, balanceAfterCents: 1500 })
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted')
    expect(state.receipt?.lines.map((line) => line.remainingCents)).toEqual([1500])
  })

  it('pays again after the settle window when the uncertain attempt never reached Alma', async () => {
    const h = await start()
    const checkout = await paidCheckout(h, sandboxCards.oneFee)
    h.sandboxAlma.setFaults({ down: true })
    expect(await h.worker.runOnce()).toBe(0)
    h.sandboxAlma.setFaults({ down: false })
    await drainOutbox(h)
    expectExactlyOnce(h, [checkout])
    const [posting] = await h.repo.listPostings(checkout.checkoutId)
    expect(posting).toMatchObject({ status: 'posted', attempts: 2, foundInAlma: false })
  })

  it('posts the lines of one payment in parallel and builds the receipt from the pay answers', async () => {
    const h = await start()
    const checkout = await paidCheckout(h, sandboxCards.severalFees)
    const callsBefore = h.sandboxAlma.requests().length
    h.sandboxAlma.setFaults({ latencyMs: 300 })
    expect(await h.worker.runOnce()).toBe(3)
    const calls = h.sandboxAlma.requests().slice(callsBefore)
    // One pay per line, nothing else: no fee re-reads, no fees list for the receipt.
    expect(calls.map((call) => call.method)).toEqual(['POST', 'POST', 'POST'])
    for (const call of calls) {
      for (const other of calls) {
        expect(call.startedAt).toBeLessThan(other.endedAt)
      }
    }
    const state = await h.checkouts.getState(kioskId, checkout.checkoutId)
    expect(state.receipt?.remainingBalanceCents).toBe(0)
    expect(state.receipt?.lines.map((line) => line.remainingCents)).toEqual([0, 0, 0])
  })

  it('opens posting_stuck while Alma’s pay answers cannot be understood, and closes it once posted', async () => {
    const h = await start({ postingStuckMinutes: 5 })
    const checkout = await paidCheckout(h, sandboxCards.oneFee)
    // Twenty pay answers in a row that are not the fee JSON, none of them applied.
    h.sandboxAlma.failPays({ answer: 'truncatedJson', count: 20 })

    // Ten minutes of settle windows: the exception opens after five, once, while retries go on.
    for (let round = 0; round < 20 && h.clock.offsetMs < 10 * 60_000; round++) {
      await h.worker.runOnce()
      const due = await h.repo.nextPostingDueAt()
      if (due !== null && due > h.clock.now()) h.clock.advance(due - h.clock.now())
    }
    const open = await h.repo.listExceptions({ checkoutId: checkout.checkoutId })
    expect(open).toEqual([
      expect.objectContaining({ kind: 'posting_stuck', resolvedAt: null, amountCents: 300 }),
    ])
    expect((await h.repo.countOpenExceptions(h.institution)).posting_stuck).toBe(1)
    expect(h.sandboxAlma.ledger()).toEqual([])

    await drainOutbox(h)
    expectExactlyOnce(h, [checkout])
    const [closed] = await h.repo.listExceptions({ checkoutId: checkout.checkoutId })
    expect(closed).toMatchObject({ resolvedBy: 'system', resolutionAction: 'posted' })
    expect((await h.checkouts.getState(kioskId, checkout.checkoutId)).status).toBe('posted')
    const [posting] = await h.repo.listPostings(checkout.checkoutId)
    expect(posting?.attempts).toBe(21)
  })

  it('finds a pay Alma applied before answering with something unreadable, without paying again', async () => {
    const h = await start()
    const checkout = await paidCheckout(h, sandboxCards.oneFee)
    h.sandboxAlma.failPays({ answer: 'signInPage', applied: true })
    expect(await h.worker.runOnce()).toBe(0)
    expect(h.sandboxAlma.ledger()).toHaveLength(1)
    await drainOutbox(h)
    expectExactlyOnce(h, [checkout])
    const [posting] = await h.repo.listPostings(checkout.checkoutId)
    expect(posting).toMatchObject({ status: 'posted', attempts: 1, foundInAlma: true })
  })

  it('wakes on a postback when started, and stop() waits for the pass in flight', async () => {
    const h = await start({ worker: { pollIntervalMs: 60_000 } })
    h.worker.start()
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    await postForm(h.postbackUrl, successPostback(created.checkoutId, '600000001', [300]))
    // The poll interval is a minute: only the wake-up can post it within this wait.
    const state = await h.checkouts.waitForChange(kioskId, created.checkoutId, 'paid', 15_000)
    expect(state.status).toBe('posted')
    await h.worker.stop()
    expect(h.sandboxAlma.ledger()).toHaveLength(1)
  })
})
