import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkoutCreatedSchema, checkoutStateSchema } from '../../../common/api.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { createPostingWorker } from '../../../server/payments/posting/worker.ts'
import { withPayFaults, type PayFault } from './almaFaults.ts'
import {
  drainOutbox,
  kioskId,
  payOnSandbox,
  postForm,
  startHarness,
  successPostback,
  type Harness,
} from './harness.ts'

function paymentsFor(h: Harness, tx: string) {
  return h.sandboxAlma.ledger().filter((payment) => payment.externalTransactionId === tx)
}

/** One Alma payment per (fee, tx): the exactly-once property. */
function expectNoDoublePosting(h: Harness) {
  const seen = new Map<string, number>()
  for (const payment of h.sandboxAlma.ledger()) {
    const key = `${payment.feeId}|${payment.externalTransactionId ?? ''}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  for (const [key, count] of seen) expect({ key, count }).toEqual({ key, count: 1 })
}

/** Another worker's own Alma client for the same sandbox, as a second process would build it. */
function secondAlma(h: Harness) {
  const alma = h.newAlmaClient()
  return () => ({ alma, paymentMethod: 'ONLINE' })
}

describe('server/payments: checkout → CashNet → postback → Alma', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness()
  })
  afterEach(async () => {
    await h.close()
  })

  it('posts a paid checkout to Alma once per line carrying the CashNet tx, then shows the receipt', async () => {
    const lookup = await h.lookup(sandboxCards.severalFees)
    const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees)
    const created = checkoutCreatedSchema.parse(
      await h.checkouts.create(kioskId, { lookupId: lookup.lookupId }),
    )
    expect(created.amountCents).toBe(4275)
    expect(created.lines.map((line) => line.amountCents)).toEqual([1250, 2500, 525])
    expect(created.checkoutUrl.startsWith(h.cashnet.storeUrl)).toBe(true)
    expect(created.checkoutUrl).not.toContain(primaryId)

    const paid = await payOnSandbox(created.checkoutUrl)
    expect(paid.status).toBe(302)
    expect(paid.location?.startsWith(`${h.baseUrl}/cashnet/return?`)).toBe(true)
    const returnPage = await fetch(paid.location ?? '')
    expect(await returnPage.text()).toContain('Returning to the kiosk')

    const [sale] = h.cashnet.transactions()
    const tx = sale?.tx ?? ''
    expect(sale?.postbacks.map((attempt) => attempt.status)).toEqual([200])
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('paid')
    expect(h.outcomes).toEqual(['accepted'])

    expect(await h.worker.runOnce()).toBe(3)
    const state = checkoutStateSchema.parse(await h.checkouts.getState(kioskId, created.checkoutId))
    expect(state.status).toBe('posted')
    expect(JSON.stringify(state)).not.toContain(primaryId)

    const ledger = paymentsFor(h, tx)
    expect(ledger.map((p) => [p.feeId, p.amountCents, p.method, p.userPrimaryId])).toEqual(
      created.lines.map((line) => [line.feeId, line.amountCents, 'ONLINE', primaryId]),
    )
    expect(h.sandboxAlma.ledger()).toHaveLength(3)

    expect(state.receipt).toMatchObject({
      transactionId: tx,
      amountCents: 4275,
      unappliedCents: 0,
      exceptionReference: null,
      remainingBalanceCents: 0,
    })
    expect(state.receipt?.lines.map((l) => [l.feeId, l.amountCents, l.remainingCents])).toEqual(
      created.lines.map((line) => [line.feeId, line.amountCents, 0]),
    )
    expect(state.receipt?.lines[0]?.description).toBe('Overdue fine')
    expect(await h.worker.outboxDepth()).toBe(0)
    expect(await h.worker.oldestUnpostedAgeSeconds()).toBe(0)
  })

  it('lets a waiting kiosk see paid and then posted while the started worker runs', async () => {
    h.worker.start()
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const waiting = h.checkouts.waitForChange(kioskId, created.checkoutId, 'pending', 15_000)
    await payOnSandbox(created.checkoutUrl)
    const first = await waiting
    expect(['paid', 'posted']).toContain(first.status)
    const final =
      first.status === 'posted'
        ? first
        : await h.checkouts.waitForChange(kioskId, created.checkoutId, 'paid', 15_000)
    expect(final.status).toBe('posted')
    expect(final.receipt?.remainingBalanceCents).toBe(0)
    expect(h.sandboxAlma.ledger()).toHaveLength(1)
  })

  it('never charges a fee twice while its payment waits to be posted', async () => {
    // Two kiosks look the same patron up; one pays, and Alma is down so the payment waits.
    const firstLookup = await h.lookup(sandboxCards.severalFees)
    const secondLookup = await h.lookup(sandboxCards.severalFees)
    const [oldest, lost] = firstLookup.fees
    if (!oldest || !lost) throw new Error('seeded')
    const created = await h.checkouts.create(kioskId, {
      lookupId: firstLookup.lookupId,
      feeIds: [lost.id],
      amountCents: 1000,
    })
    h.sandboxAlma.setFaults({ down: true })
    await payOnSandbox(created.checkoutUrl)
    await h.worker.runOnce()
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('paid')
    h.sandboxAlma.setFaults({ down: false })

    // The other kiosk's earlier lookup still offers the fee: the checkout is refused.
    await expect(
      h.checkouts.create(kioskId, { lookupId: secondLookup.lookupId, feeIds: [lost.id] }),
    ).rejects.toMatchObject({ kind: 'fee_being_posted' })
    // A fresh lookup shows the fee as being posted and does not offer it.
    const fresh = await h.lookup(sandboxCards.severalFees)
    expect(fresh.fees.map((fee) => fee.id)).not.toContain(lost.id)
    expect(fresh.feesBeingPosted).toEqual([
      expect.objectContaining({ id: lost.id, balanceCents: 2500, postingCents: 1000 }),
    ])
    expect(fresh.totalCents).toBe(4275 - 2500)
    // Other fees stay payable.
    const other = await h.checkouts.create(kioskId, {
      lookupId: secondLookup.lookupId,
      feeIds: [oldest.id],
    })
    expect(other.amountCents).toBe(oldest.balanceCents)

    await drainOutbox(h)
    const after = await h.lookup(sandboxCards.severalFees)
    expect(after.feesBeingPosted).toEqual([])
    expect(after.fees.find((fee) => fee.id === lost.id)?.balanceCents).toBe(1500)
    expectNoDoublePosting(h)
  })

  it('posts two rows for one fee (its own line and money re-allocated onto it) without a false mismatch', async () => {
    // Lines: 12.50 on the oldest fee, 7.50 on the 25.00 fee. Staff waive the oldest fee before
    // posting, so its 12.50 is re-allocated onto the 25.00 fee, which then carries two rows.
    const lookup = await h.lookup(sandboxCards.severalFees)
    const [oldest, lost] = lookup.fees
    if (!oldest || !lost) throw new Error('seeded')
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      feeIds: [oldest.id, lost.id],
      amountCents: 2000,
    })
    expect(created.lines.map((line) => line.amountCents)).toEqual([1250, 750])
    h.sandboxAlma.closeFee(oldest.id)
    // Each pay on the 25.00 fee fails in turn so that the re-allocated row re-reads the fee while
    // Alma already holds the other row's payment, not yet recorded as posted.
    const plan: Record<string, PayFault[]> = {
      [`${lost.id}:750`]: ['lost_request', 'lost_answer'],
      [`${lost.id}:1250`]: ['lost_request'],
    }
    const worker = createPostingWorker({
      repo: h.repo,
      almaFor: () => ({
        alma: withPayFaults(h.alma, (feeId, cents) => plan[`${feeId}:${cents}`]?.shift() ?? 'none'),
        paymentMethod: 'ONLINE',
      }),
      notifier: h.notifier,
      clock: h.clock,
      settleMs: 30_000,
      backoff: { baseMs: 5, maxMs: 40 },
    })
    const tx = '710000001'
    await postForm(h.postbackUrl, successPostback(created.checkoutId, tx, [1250, 750]))

    await drainOutbox({ worker, repo: h.repo, clock: h.clock })
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted')
    expect(await h.repo.listExceptions({ checkoutId: created.checkoutId })).toEqual([])
    expect(paymentsFor(h, tx).map((p) => `${p.feeId}:${p.amountCents}`)).toEqual(
      expect.arrayContaining([`${lost.id}:750`, `${lost.id}:1250`]),
    )
    expect(paymentsFor(h, tx)).toHaveLength(2)
    expect(state.receipt?.lines).toEqual([
      expect.objectContaining({ feeId: lost.id, amountCents: 2000, remainingCents: 500 }),
    ])
  })

  it('spreads a partial amount over three fees oldest first and reports what is left', async () => {
    const lookup = await h.lookup(sandboxCards.severalFees)
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      amountCents: 4000,
    })
    expect(created.lines.map((l) => l.amountCents)).toEqual([1250, 2500, 250])
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted')
    expect(state.receipt?.lines.map((l) => [l.amountCents, l.remainingCents])).toEqual([
      [1250, 0],
      [2500, 0],
      [250, 275],
    ])
    expect(state.receipt?.remainingBalanceCents).toBe(275)
    expect(h.sandboxAlma.ledger().map((p) => p.amountCents)).toEqual([1250, 2500, 250])
  })

  it('pays only the selected fees, in oldest-first order', async () => {
    const lookup = await h.lookup(sandboxCards.severalFees)
    const [oldest, middle, newest] = lookup.fees
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      feeIds: [newest?.id ?? '', oldest?.id ?? ''],
    })
    expect(created.lines).toEqual([
      { feeId: oldest?.id, amountCents: 1250 },
      { feeId: newest?.id, amountCents: 525 },
    ])
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted')
    expect(state.receipt?.remainingBalanceCents).toBe(2500)
    expect(h.sandboxAlma.ledger().map((p) => p.feeId)).toEqual([oldest?.id, newest?.id])
    expect(h.sandboxAlma.ledger().some((p) => p.feeId === middle?.id)).toBe(false)
  })

  it('re-allocates money for a fee closed between checkout and postback to the next oldest fee', async () => {
    const lookup = await h.lookup(sandboxCards.severalFees)
    const [oldest, middle] = lookup.fees
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      feeIds: [oldest?.id ?? ''],
    })
    h.sandboxAlma.closeFee(oldest?.id ?? '')
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)

    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted')
    const tx = state.receipt?.transactionId ?? ''
    expect(paymentsFor(h, tx).map((p) => [p.feeId, p.amountCents])).toEqual([[middle?.id, 1250]])
    expect(state.receipt?.lines).toEqual([
      expect.objectContaining({ feeId: middle?.id, amountCents: 1250, remainingCents: 1250 }),
    ])
    const postings = await h.repo.listPostings(created.checkoutId)
    expect(postings.map((p) => [p.status, p.feeId, p.parentId !== null])).toEqual([
      ['reallocated', oldest?.id, false],
      ['posted', middle?.id, true],
    ])
    const events = await h.repo.listEvents({ checkoutId: created.checkoutId })
    expect(events.map((e) => e.type)).toContain('posting_reallocated')
  })

  it('pays what still fits on a reduced fee and moves the rest', async () => {
    const lookup = await h.lookup(sandboxCards.severalFees)
    const [oldest, middle] = lookup.fees
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      feeIds: [oldest?.id ?? ''],
    })
    h.sandboxAlma.setFeeBalance(oldest?.id ?? '', 500)
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted')
    expect(h.sandboxAlma.ledger().map((p) => [p.feeId, p.amountCents])).toEqual([
      [oldest?.id, 500],
      [middle?.id, 750],
    ])
    expect(state.receipt?.lines.map((l) => [l.feeId, l.amountCents, l.remainingCents])).toEqual([
      [oldest?.id, 500, 0],
      [middle?.id, 750, 1750],
    ])
  })

  it('turns money that fits no fee into an exception for staff: posted_with_exceptions', async () => {
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    h.sandboxAlma.closeFee(lookup.fees[0]?.id ?? '')
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)

    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted_with_exceptions')
    const tx = state.receipt?.transactionId ?? ''
    expect(state.receipt).toMatchObject({
      lines: [],
      unappliedCents: 300,
      exceptionReference: `EXC-${tx}`,
      remainingBalanceCents: 0,
    })
    expect(state.message).toContain(`EXC-${tx}`)
    expect(h.sandboxAlma.ledger()).toEqual([])
    const exceptions = await h.repo.listExceptions({ checkoutId: created.checkoutId })
    expect(exceptions).toEqual([
      expect.objectContaining({ kind: 'unapplied_money', amountCents: 300, tx, resolvedAt: null }),
    ])
  })

  it('makes money on a fee Alma restricts an exception, while the other lines post', async () => {
    const lookup = await h.lookup(sandboxCards.severalFees)
    const [oldest, middle] = lookup.fees
    h.sandboxAlma.setFeeRestricted(middle?.id ?? '', true)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state.status).toBe('posted_with_exceptions')
    expect(state.receipt?.unappliedCents).toBe(2500)
    expect(h.sandboxAlma.ledger().map((p) => p.feeId)).not.toContain(middle?.id)
    expect(h.sandboxAlma.ledger().map((p) => p.feeId)).toContain(oldest?.id)
    const [exception] = await h.repo.listExceptions({ checkoutId: created.checkoutId })
    expect(exception).toMatchObject({ kind: 'alma_refused', amountCents: 2500 })
    expect(exception?.reason).toMatch(/restricted/)
  })

  it('answers the same postback sent 5 times in sequence once, and Alma gets one payment per line', async () => {
    h.cashnet.setOptions({ duplicatePostbacks: 4 })
    const lookup = await h.lookup(sandboxCards.severalFees)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    await payOnSandbox(created.checkoutUrl)
    const [sale] = h.cashnet.transactions()
    expect(sale?.postbacks.map((p) => p.status)).toEqual([200, 200, 200, 200, 200])
    expect(h.outcomes).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate'])
    await drainOutbox(h)
    expect(h.sandboxAlma.ledger()).toHaveLength(3)
    expectNoDoublePosting(h)
    const postbacks = await h.repo.listPostbacks()
    expect(postbacks).toHaveLength(5)
    expect(postbacks.every((p) => p.checkoutId === created.checkoutId && p.tx === sale?.tx)).toBe(
      true,
    )
  })

  it('answers the same postback sent 5 times concurrently once, even with two workers', async () => {
    const lookup = await h.lookup(sandboxCards.severalFees)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const body = successPostback(
      created.checkoutId,
      '880000001',
      created.lines.map((l) => l.amountCents),
    )
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => postForm(h.postbackUrl, body)),
    )
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
    expect([...h.outcomes].sort()).toEqual([
      'accepted',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ])
    expect(await h.worker.outboxDepth()).toBe(3)

    const { createPostingWorker } = await import('../../../server/payments/posting/worker.ts')
    const second = createPostingWorker({
      repo: h.repo,
      almaFor: secondAlma(h),
      notifier: h.notifier,
      clock: h.clock,
      backoff: { baseMs: 5, maxMs: 40 },
    })
    await Promise.all([h.worker.runOnce(), second.runOnce(), h.worker.runOnce()])
    await drainOutbox(h)
    expect(paymentsFor(h, '880000001')).toHaveLength(3)
    expectNoDoublePosting(h)
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('posted')
  })

  it('honours a successful postback for a checkout the kiosk already cancelled', async () => {
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    expect((await h.checkouts.cancel(kioskId, created.checkoutId)).status).toBe('cancelled')
    await payOnSandbox(created.checkoutUrl)
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('paid')
    await drainOutbox(h)
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('posted')
    expect(h.sandboxAlma.ledger()).toHaveLength(1)
    const [postback] = await h.repo.listPostbacks()
    expect(postback?.reason).toBe('honoured although the checkout was cancelled')
  })

  it('marks a declined payment failed with CashNet’s message and posts nothing', async () => {
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const declined = await payOnSandbox(created.checkoutUrl, { card: '4000 0000 0000 0002' })
    expect(declined.location).toContain('result=230')
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    expect(state).toMatchObject({ status: 'failed', message: 'DECLINED' })
    expect(h.outcomes).toEqual(['declined'])
    await h.worker.runOnce()
    expect(h.sandboxAlma.ledger()).toEqual([])
  })

  it('leaves a checkout pending when the patron cancels on the CashNet page (no postback)', async () => {
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const cancelled = await payOnSandbox(created.checkoutUrl, { action: 'cancel' })
    expect(cancelled.location).toContain('result=902')
    expect(await h.repo.listPostbacks()).toEqual([])
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('pending')
  })

  it('keeps a second payment for an already paid checkout as an exception instead of losing it', async () => {
    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    await postForm(h.postbackUrl, successPostback(created.checkoutId, '770000001', [300]))
    const second = await postForm(
      h.postbackUrl,
      successPostback(created.checkoutId, '770000002', [300]),
    )
    expect(second.status).toBe(200)
    expect(h.outcomes).toEqual(['accepted', 'unmatched'])
    await drainOutbox(h)
    expect(h.sandboxAlma.ledger()).toHaveLength(1)
    const exceptions = await h.repo.listExceptions({ checkoutId: created.checkoutId })
    expect(exceptions).toEqual([
      expect.objectContaining({
        kind: 'unmatched_payment',
        reference: 'EXC-770000002',
        amountCents: 300,
        resolvedAt: null,
      }),
    ])
    // The first payment's receipt is clean: the second payment is staff business.
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('posted')
  })
})
