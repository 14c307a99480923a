import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { NewCheckout, NewPostback } from '../../../../server/store/repository.ts'
import {
  openSqliteRepository,
  type SqliteRepository,
} from '../../../../server/store/sqlite/index.ts'

const t0 = 1_700_000_000_000

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value')
  return value
}

function checkout(id: string, overrides: Partial<NewCheckout> = {}): NewCheckout {
  return {
    id,
    kioskId: 'kiosk-1',
    primaryId: 'mgarcia01',
    currency: 'USD',
    amountCents: 1775,
    lines: [
      {
        feeId: 'fee-1',
        feeType: 'OVERDUEFINE',
        description: 'Overdue fine',
        title: 'The social life of language',
        feeCreatedAt: '2024-01-01T00:00:00Z',
        amountCents: 1250,
        itemCode: 'LIB-FINE',
      },
      {
        feeId: 'fee-3',
        feeType: 'LOSTITEMPROCESSFEE',
        description: 'Lost item process fee',
        title: null,
        feeCreatedAt: '2024-03-01T00:00:00Z',
        amountCents: 525,
        itemCode: 'LIB-FINE',
      },
    ],
    feeBalances: { 'fee-1': 1250, 'fee-2': 2500, 'fee-3': 525 },
    createdAt: t0,
    expiresAt: t0 + 60_000,
    ...overrides,
  }
}

const rawPostback: NewPostback = {
  receivedAt: t0,
  sourceIp: '127.0.0.1',
  method: 'POST',
  contentType: 'application/x-www-form-urlencoded',
  rawBody: 'result=0&tx=1',
  rawQuery: '',
  bodyBytes: 13,
  truncated: false,
}

describe('server/store/sqlite/sqliteRepository', () => {
  let dir: string
  let path: string
  let repo: SqliteRepository

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-repo-'))
    path = join(dir, 'kiosk.sqlite')
    repo = await openSqliteRepository(path)
  })
  afterEach(async () => {
    await repo.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function paid(id: string, tx: string) {
    await repo.createCheckout(checkout(id))
    const postbackId = await repo.recordPostback(rawPostback)
    const result = await repo.acceptPayment({
      postbackId,
      checkoutId: id,
      tx,
      amountCents: 1775,
      now: t0 + 1,
    })
    expect(result.kind).toBe('accepted')
    return postbackId
  }

  it('stores a checkout with its lines and an audit event', async () => {
    await repo.createCheckout(checkout('c1'))
    const stored = await repo.getCheckout('c1')
    expect(stored).toMatchObject({
      id: 'c1',
      status: 'pending',
      primaryId: 'mgarcia01',
      amountCents: 1775,
      cashnetTx: null,
      paidAt: null,
    })
    expect(stored?.lines.map((l) => [l.lineNo, l.feeId, l.amountCents, l.title])).toEqual([
      [1, 'fee-1', 1250, 'The social life of language'],
      [2, 'fee-3', 525, null],
    ])
    expect((await repo.listEvents({ checkoutId: 'c1' })).map((e) => e.type)).toEqual([
      'checkout_created',
    ])
    expect(await repo.getCheckout('nope')).toBeNull()
  })

  it('rolls a failed multi-step change back whole', async () => {
    const bad = checkout('c1')
    bad.lines.push({ ...must(bad.lines[0]), amountCents: 0 })
    await expect(repo.createCheckout(bad)).rejects.toThrow(/CHECK constraint/)
    expect(await repo.getCheckout('c1')).toBeNull()
    expect(await repo.listEvents()).toEqual([])
  })

  it('applies guarded transitions only from the allowed statuses', async () => {
    await repo.createCheckout(checkout('c1'))
    const cancel = {
      from: ['pending'] as const,
      to: 'cancelled' as const,
      now: t0 + 5,
      message: 'Cancelled at the kiosk.',
      event: 'checkout_cancelled',
    }
    expect((await repo.transitionCheckout('c1', cancel))?.status).toBe('cancelled')
    expect(await repo.transitionCheckout('c1', cancel)).toBeNull()
    expect((await repo.getCheckout('c1'))?.message).toBe('Cancelled at the kiosk.')
  })

  it('expires pending checkouts past their time, and only those', async () => {
    await repo.createCheckout(checkout('old', { expiresAt: t0 + 10 }))
    await repo.createCheckout(checkout('new', { expiresAt: t0 + 1_000 }))
    expect(await repo.expirePendingCheckouts(t0 + 10)).toEqual(['old'])
    expect(await repo.expirePendingCheckouts(t0 + 10)).toEqual([])
    expect((await repo.getCheckout('old'))?.status).toBe('expired')
    expect((await repo.getCheckout('new'))?.status).toBe('pending')
  })

  it('accepts a payment once: paid, one outbox row per line, an event, the postback settled', async () => {
    const postbackId = await paid('c1', 'tx-1')
    const stored = await repo.getCheckout('c1')
    expect(stored).toMatchObject({ status: 'paid', cashnetTx: 'tx-1', paidAt: t0 + 1 })
    const postings = await repo.listPostings('c1')
    expect(postings.map((p) => [p.lineNo, p.feeId, p.amountCents, p.tx, p.status])).toEqual([
      [1, 'fee-1', 1250, 'tx-1', 'pending'],
      [2, 'fee-3', 525, 'tx-1', 'pending'],
    ])
    expect(await repo.getPostback(postbackId)).toMatchObject({
      outcome: 'accepted',
      tx: 'tx-1',
      checkoutId: 'c1',
    })

    const again = await repo.recordPostback(rawPostback)
    expect(
      (
        await repo.acceptPayment({
          postbackId: again,
          checkoutId: 'c1',
          tx: 'tx-1',
          amountCents: 1775,
          now: t0,
        })
      ).kind,
    ).toBe('duplicate')
    expect(await repo.listPostings('c1')).toHaveLength(2)
    expect(await repo.outboxDepth()).toBe(2)
    expect(await repo.oldestPendingPostingCreatedAt()).toBe(t0 + 1)
  })

  it('keeps a tx already used by another checkout and a second payment as unmatched exceptions', async () => {
    await paid('c1', 'tx-1')
    await repo.createCheckout(checkout('c2'))
    const reused = await repo.recordPostback(rawPostback)
    expect(
      await repo.acceptPayment({
        postbackId: reused,
        checkoutId: 'c2',
        tx: 'tx-1',
        amountCents: 1775,
        now: t0,
      }),
    ).toEqual({ kind: 'tx_reused', otherCheckoutId: 'c1', exceptionReference: 'EXC-tx-1' })
    expect((await repo.getCheckout('c2'))?.status).toBe('pending')
    expect(await repo.getPostback(reused)).toMatchObject({
      outcome: 'unmatched',
      reason: 'CashNet tx tx-1 already paid checkout c1',
    })

    const second = await repo.recordPostback(rawPostback)
    const result = await repo.acceptPayment({
      postbackId: second,
      checkoutId: 'c1',
      tx: 'tx-2',
      amountCents: 1775,
      now: t0,
    })
    expect(result).toMatchObject({ kind: 'second_payment', exceptionReference: 'EXC-tx-2' })
    expect(await repo.listExceptions()).toEqual([
      expect.objectContaining({ kind: 'unmatched_payment', tx: 'tx-1', checkoutId: 'c2' }),
      expect.objectContaining({ kind: 'unmatched_payment', tx: 'tx-2', amountCents: 1775 }),
    ])
    expect(await repo.listPostings('c1')).toHaveLength(2)
  })

  it('records an unmatched payment once per tx, and one without a tx by its postback', async () => {
    const first = await repo.recordPostback(rawPostback)
    const input = { checkoutId: null, amountCents: 1200, reason: 'no known checkout', now: t0 }
    expect(await repo.recordUnmatchedPayment({ ...input, postbackId: first, tx: 'tx-9' })).toEqual({
      kind: 'recorded',
      reference: 'EXC-tx-9',
    })
    const repeat = await repo.recordPostback(rawPostback)
    expect(await repo.recordUnmatchedPayment({ ...input, postbackId: repeat, tx: 'tx-9' })).toEqual(
      {
        kind: 'duplicate',
        reference: 'EXC-tx-9',
      },
    )
    const anonymous = await repo.recordPostback(rawPostback)
    expect(
      await repo.recordUnmatchedPayment({
        ...input,
        amountCents: null,
        postbackId: anonymous,
        tx: null,
      }),
    ).toEqual({ kind: 'recorded', reference: `EXC-PB${anonymous}` })
    expect(
      (await repo.listExceptions()).map((e) => [e.reference, e.amountCents, e.postbackId]),
    ).toEqual([
      ['EXC-tx-9', 1200, first],
      [`EXC-PB${anonymous}`, null, anonymous],
    ])
    expect((await repo.getPostback(repeat))?.outcome).toBe('unmatched')
    expect(await repo.countOpenExceptions()).toEqual({
      unapplied_money: 0,
      unmatched_payment: 2,
      posting_stuck: 0,
      alma_refused: 0,
      alma_mismatch: 0,
    })
  })

  it('opens one posting_stuck exception per row and closes it when the row posts', async () => {
    await paid('c1', 'tx-1')
    const [row] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
    expect(await repo.openPostingStuck(must(row).id, { reason: 'unreadable', now: t0 + 20 })).toBe(
      true,
    )
    expect(await repo.openPostingStuck(must(row).id, { reason: 'unreadable', now: t0 + 30 })).toBe(
      false,
    )
    expect((await repo.countOpenExceptions()).posting_stuck).toBe(1)
    await repo.markPosted(must(row).id, 'w1', {
      balanceAfterCents: 0,
      foundInAlma: true,
      now: t0 + 40,
    })
    expect(await repo.listExceptions({ checkoutId: 'c1' })).toEqual([
      expect.objectContaining({
        kind: 'posting_stuck',
        resolvedAt: t0 + 40,
        resolvedBy: 'system',
        resolution: 'posted',
      }),
    ])
    expect((await repo.listEvents({ checkoutId: 'c1' })).map((e) => e.type)).toContain(
      'exception_closed',
    )
  })

  it('records a decline: a pending checkout fails, any other is left alone', async () => {
    await repo.createCheckout(checkout('c1'))
    const first = await repo.recordPostback(rawPostback)
    const failed = await repo.recordDecline({
      postbackId: first,
      checkoutId: 'c1',
      tx: 'f-1',
      message: 'DECLINED',
      now: t0,
    })
    expect(failed).toMatchObject({
      kind: 'failed',
      checkout: { status: 'failed', message: 'DECLINED' },
    })
    const second = await repo.recordPostback(rawPostback)
    const ignored = await repo.recordDecline({
      postbackId: second,
      checkoutId: 'c1',
      tx: 'f-2',
      message: 'DECLINED',
      now: t0,
    })
    expect(ignored.kind).toBe('ignored')
    expect((await repo.getPostback(second))?.reason).toBe('checkout was failed; nothing changed')
  })

  it('keeps raw postbacks append-only and settles each exactly once, enforced by the database', async () => {
    const id = await repo.recordPostback(rawPostback)
    await repo.settlePostback(id, {
      outcome: 'rejected_secret',
      reason: 'wrong postback secret',
      tx: null,
      checkoutId: null,
      now: t0,
    })
    await expect(
      repo.settlePostback(id, {
        outcome: 'accepted',
        reason: null,
        tx: null,
        checkoutId: null,
        now: t0,
      }),
    ).rejects.toThrow(/already settled/)

    const db = new DatabaseSync(path)
    try {
      const run = (sql: string) => () => {
        db.exec(sql)
      }
      expect(run(`UPDATE postbacks SET raw_body = 'forged' WHERE id = ${id}`)).toThrow(
        /raw postback never changes/,
      )
      expect(run(`UPDATE postbacks SET outcome = 'accepted' WHERE id = ${id}`)).toThrow(
        /settled once/,
      )
      expect(run(`DELETE FROM postbacks WHERE id = ${id}`)).toThrow(/append-only/)
    } finally {
      db.close()
    }
    expect(await repo.getPostback(id)).toMatchObject({
      rawBody: 'result=0&tx=1',
      outcome: 'rejected_secret',
    })
  })

  it('leases a checkout’s rows to one worker at a time, across connections, until released or lapsed', async () => {
    await paid('c1', 'tx-1')
    const other = await openSqliteRepository(path)
    try {
      const claim = await repo.claimPostings('w1', t0 + 10, 60_000)
      expect(claim?.postings.map((p) => p.leaseOwner)).toEqual(['w1', 'w1'])
      expect(await other.claimPostings('w2', t0 + 20, 60_000)).toBeNull()
      // A worker that lost its lease cannot write.
      expect(
        await other.markPosted(must(must(claim).postings[0]).id, 'w2', {
          balanceAfterCents: 0,
          foundInAlma: false,
          now: t0,
        }),
      ).toBe(false)
      // After the lease lapses the other worker takes over, and the first one's writes are refused.
      const takeover = await other.claimPostings('w2', t0 + 10 + 60_001, 60_000)
      expect(takeover?.checkoutId).toBe('c1')
      expect(
        await repo.markPosted(must(must(claim).postings[0]).id, 'w1', {
          balanceAfterCents: 0,
          foundInAlma: false,
          now: t0,
        }),
      ).toBe(false)
      expect(await repo.renewLease('c1', 'w1', t0 + 999_999)).toBe(false)
      await other.releaseLeases('c1', 'w2')
      expect((await repo.claimPostings('w1', t0 + 10 + 60_002, 60_000))?.postings).toHaveLength(2)
    } finally {
      await other.close()
    }
  })

  it('records each pay attempt before it is sent, and keeps an uncertain one waiting out its window', async () => {
    await paid('c1', 'tx-1')
    const claim = await repo.claimPostings('w1', t0 + 10, 60_000)
    const [first] = claim?.postings ?? []
    if (!first) throw new Error('claimed')
    expect(await repo.recordPayAttempt(first.id, 'w2', { now: t0, settleUntil: t0 + 1 })).toBeNull()
    expect(
      await repo.recordPayAttempt(first.id, 'w1', { now: t0 + 20, settleUntil: t0 + 120_020 }),
    ).toBe(1)
    expect(await repo.listPostings('c1')).toContainEqual(
      expect.objectContaining({
        id: first.id,
        attempts: 1,
        lastAttemptAt: t0 + 20,
        attemptOutcome: 'sent',
        nextAttemptAt: t0 + 120_020,
      }),
    )
    expect(
      await repo.recordPayOutcome(first.id, 'w1', {
        outcome: 'uncertain',
        error: 'unavailable: timed out',
        unreadable: false,
        now: t0 + 30,
      }),
    ).toBe(true)
    const [after] = (await repo.listPostings('c1')).filter((p) => p.id === first.id)
    expect(after).toMatchObject({
      attemptOutcome: 'uncertain',
      nextAttemptAt: t0 + 120_020,
      leaseOwner: null,
      lastError: 'unavailable: timed out',
    })
    await repo.releaseLeases('c1', 'w1')
    // The other row is due now; this one only after its window.
    expect(
      (await repo.claimPostings('w1', t0 + 40, 60_000))?.postings.map((p) => p.id),
    ).not.toContain(first.id)
    await repo.releaseLeases('c1', 'w1')
    expect(await repo.nextPostingDueAt()).toBe(t0 + 1)
    const types = (await repo.listEvents({ checkoutId: 'c1' })).map((event) => event.type)
    expect(types).toEqual(expect.arrayContaining(['posting_attempt', 'posting_uncertain']))
  })

  it('counts deferrals apart from attempts and remembers since when answers were unreadable', async () => {
    await paid('c1', 'tx-1')
    const [row] = (await repo.claimPostings('w1', t0 + 10, 60_000))?.postings ?? []
    if (!row) throw new Error('claimed')
    const later = async (at: number, unreadable: boolean) => {
      await repo.reschedulePosting(row.id, 'w1', {
        nextAttemptAt: at,
        error: 'x',
        unreadable,
        now: at,
      })
      await repo.releaseLeases('c1', 'w1')
    }
    await later(t0 + 100, true)
    await repo.claimPostings('w1', t0 + 100, 60_000)
    await later(t0 + 200, true)
    let [current] = (await repo.listPostings('c1')).filter((p) => p.id === row.id)
    expect(current).toMatchObject({ attempts: 0, deferrals: 2, unreadableSince: t0 + 100 })
    await repo.claimPostings('w1', t0 + 200, 60_000)
    await later(t0 + 300, false)
    ;[current] = (await repo.listPostings('c1')).filter((p) => p.id === row.id)
    expect(current?.unreadableSince).toBeNull()
  })

  it('re-allocates a row’s money exactly, with an exception for what is left, and finalizes', async () => {
    await paid('c1', 'tx-1')
    const claim = await repo.claimPostings('w1', t0 + 10, 60_000)
    const [first, second] = must(claim).postings
    await expect(
      repo.reallocatePosting(must(first).id, 'w1', {
        targets: [{ feeId: 'fee-2', feeDescription: 'Lost', feeTitle: null, amountCents: 1 }],
        unapplied: null,
        reason: 'fee closed',
        now: t0,
      }),
    ).rejects.toThrow(/exactly 1250/)
    expect(
      await repo.reallocatePosting(must(first).id, 'w1', {
        targets: [{ feeId: 'fee-2', feeDescription: 'Lost', feeTitle: null, amountCents: 1000 }],
        unapplied: { amountCents: 250, reason: 'nothing else owed' },
        reason: 'fee-1 is CLOSED',
        now: t0 + 20,
      }),
    ).toBe(true)
    expect(await repo.pendingCentsByFee(['fee-2', 'fee-3', 'fee-9'])).toEqual(
      new Map([
        ['fee-2', 1000],
        ['fee-3', 525],
      ]),
    )
    expect(
      await repo.markPostingException(must(second).id, 'w1', {
        kind: 'alma_refused',
        reason: 'restricted',
        now: t0,
      }),
    ).toBe(true)
    expect(await repo.finalizeCheckout('c1', { remainingBalanceCents: 0, now: t0 + 30 })).toBeNull()

    const child = must(await repo.claimPostings('w1', t0 + 40, 60_000)).postings
    expect(child.map((p) => [p.feeId, p.amountCents, p.parentId, p.lineNo])).toEqual([
      ['fee-2', 1000, must(first).id, null],
    ])
    await repo.markPosted(must(child[0]).id, 'w1', {
      balanceAfterCents: 1500,
      foundInAlma: false,
      now: t0,
    })
    expect(await repo.checkoutsReadyToFinalize()).toEqual(['c1'])
    const done = await repo.finalizeCheckout('c1', { remainingBalanceCents: 1500, now: t0 + 50 })
    expect(done).toMatchObject({ status: 'posted_with_exceptions', remainingBalanceCents: 1500 })
    expect(
      (await repo.listExceptions({ checkoutId: 'c1' })).map((e) => [e.amountCents, e.reference]),
    ).toEqual([
      [250, 'EXC-tx-1'],
      [525, 'EXC-tx-1'],
    ])
    expect(await repo.outboxDepth()).toBe(0)
    expect(await repo.oldestPendingPostingCreatedAt()).toBeNull()
  })

  it('says it is closed instead of answering after close()', async () => {
    await repo.close()
    await expect(repo.ping()).rejects.toThrow(/closed/)
    repo = await openSqliteRepository(path)
  })
})
