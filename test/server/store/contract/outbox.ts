import { expect, it } from 'vitest'
import {
  checkout,
  institution,
  must,
  otherInstitution,
  paid,
  t0,
  type RepositoryFactory,
  using,
} from './support.ts'

const posted = (now: number) => ({ balanceAfterCents: 0, foundInAlma: false, now })

export function outboxContract(open: RepositoryFactory): void {
  it('leases a checkout’s rows to one worker at a time, across connections, until released or lapsed', async () => {
    const { repo, openAnother, close } = await open()
    const other = await openAnother()
    try {
      await paid(repo, 'c1', 'tx-1')
      const claim = await repo.claimPostings('w1', t0 + 10, 60_000)
      expect(claim?.postings.map((p) => p.leaseOwner)).toEqual(['w1', 'w1'])
      expect(await other.claimPostings('w2', t0 + 20, 60_000)).toBeNull()
      // A worker that lost its lease cannot write.
      const [first] = must(claim).postings
      expect(await other.markPosted(must(first).id, 'w2', posted(t0))).toBe(false)
      // After the lease lapses the other worker takes over, and the first one's writes are refused.
      const takeover = await other.claimPostings('w2', t0 + 10 + 60_001, 60_000)
      expect(takeover?.checkoutId).toBe('c1')
      expect(await repo.markPosted(must(first).id, 'w1', posted(t0))).toBe(false)
      expect(await repo.renewLease('c1', 'w1', t0 + 999_999)).toBe(false)
      expect(await other.renewLease('c1', 'w2', t0 + 999_999)).toBe(true)
      await other.releaseLeases('c1', 'w2')
      expect((await repo.claimPostings('w1', t0 + 10 + 60_002, 60_000))?.postings).toHaveLength(2)
    } finally {
      await other.close()
      await close()
    }
  })

  it('records each pay attempt before it is sent, and keeps an uncertain one waiting out its window', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      const [first] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      const row = must(first)
      expect(await repo.recordPayAttempt(row.id, 'w2', { now: t0, settleUntil: t0 + 1 })).toBeNull()
      expect(
        await repo.recordPayAttempt(row.id, 'w1', { now: t0 + 20, settleUntil: t0 + 120_020 }),
      ).toBe(1)
      expect(await repo.listPostings('c1')).toContainEqual(
        expect.objectContaining({
          id: row.id,
          attempts: 1,
          lastAttemptAt: t0 + 20,
          attemptOutcome: 'sent',
          nextAttemptAt: t0 + 120_020,
        }),
      )
      expect(
        await repo.recordPayOutcome(row.id, 'w1', {
          outcome: 'uncertain',
          error: 'unavailable: timed out',
          unreadable: false,
          now: t0 + 30,
        }),
      ).toBe(true)
      const after = (await repo.listPostings('c1')).find((p) => p.id === row.id)
      expect(after).toMatchObject({
        attemptOutcome: 'uncertain',
        nextAttemptAt: t0 + 120_020,
        leaseOwner: null,
        lastError: 'unavailable: timed out',
      })
      await repo.releaseLeases('c1', 'w1')
      // The other row is due now; this one only after its window.
      const next = await repo.claimPostings('w1', t0 + 40, 60_000)
      expect(next?.postings.map((p) => p.id)).not.toContain(row.id)
      await repo.releaseLeases('c1', 'w1')
      expect(await repo.nextPostingDueAt()).toBe(t0 + 1)
      const types = (await repo.listEvents({ checkoutId: 'c1' })).map((event) => event.type)
      expect(types).toEqual(expect.arrayContaining(['posting_attempt', 'posting_uncertain']))
    })
  })

  it('keeps the lease after a refused pay so the worker decides at once', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      const [first] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      const row = must(first)
      await repo.recordPayAttempt(row.id, 'w1', { now: t0 + 20, settleUntil: t0 + 120_020 })
      expect(
        await repo.recordPayOutcome(row.id, 'w1', {
          outcome: 'refused',
          error: 'rejected 400 [401666]: amount',
          unreadable: false,
          now: t0 + 30,
        }),
      ).toBe(true)
      const after = must((await repo.listPostings('c1')).find((p) => p.id === row.id))
      expect(after).toMatchObject({
        attemptOutcome: 'refused',
        leaseOwner: 'w1',
        nextAttemptAt: t0 + 30,
      })
    })
  })

  it('counts deferrals apart from attempts and remembers since when answers were unreadable', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      const [first] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      const row = must(first)
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
      let current = (await repo.listPostings('c1')).find((p) => p.id === row.id)
      expect(current).toMatchObject({ attempts: 0, deferrals: 2, unreadableSince: t0 + 100 })
      await repo.claimPostings('w1', t0 + 200, 60_000)
      await later(t0 + 300, false)
      current = (await repo.listPostings('c1')).find((p) => p.id === row.id)
      expect(current?.unreadableSince).toBeNull()
      expect(
        (await repo.listEvents({ checkoutId: 'c1' })).filter((e) => e.type === 'posting_retry'),
      ).toHaveLength(3)
    })
  })

  it('re-allocates a row’s money exactly, with an exception for what is left, and finalizes', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      const [first, second] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
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
      expect(await repo.pendingCentsByFee(institution, ['fee-2', 'fee-3', 'fee-9'])).toEqual(
        new Map([
          ['fee-2', 1000],
          ['fee-3', 525],
        ]),
      )
      // Money queued at one institution says nothing about another's fees.
      expect(await repo.pendingCentsByFee(otherInstitution, ['fee-2', 'fee-3'])).toEqual(new Map())
      expect(
        await repo.markPostingException(must(second).id, 'w1', {
          kind: 'alma_refused',
          reason: 'restricted',
          now: t0,
        }),
      ).toBe(true)
      expect(
        await repo.finalizeCheckout('c1', { remainingBalanceCents: 0, now: t0 + 30 }),
      ).toBeNull()

      const child = must(await repo.claimPostings('w1', t0 + 40, 60_000)).postings
      expect(
        child.map((p) => [p.feeId, p.amountCents, p.parentId, p.lineNo, p.institution]),
      ).toEqual([['fee-2', 1000, must(first).id, null, institution]])
      await repo.markPosted(must(child[0]).id, 'w1', { ...posted(t0), balanceAfterCents: 1500 })
      expect(await repo.checkoutsReadyToFinalize()).toEqual(['c1'])
      const done = await repo.finalizeCheckout('c1', { remainingBalanceCents: 1500, now: t0 + 50 })
      expect(done).toMatchObject({ status: 'posted_with_exceptions', remainingBalanceCents: 1500 })
      expect(
        await repo.finalizeCheckout('c1', { remainingBalanceCents: 0, now: t0 + 60 }),
      ).toBeNull()
      expect(
        (await repo.listExceptions({ checkoutId: 'c1' })).map((e) => [
          e.kind,
          e.amountCents,
          e.reference,
        ]),
      ).toEqual([
        ['unapplied_money', 250, 'EXC-tx-1'],
        ['alma_refused', 525, 'EXC-tx-1'],
      ])
      expect(await repo.outboxDepth()).toBe(0)
      expect(await repo.oldestPendingPostingCreatedAt()).toBeNull()
      expect(await repo.nextPostingDueAt()).toBeNull()
    })
  })

  it('finalizes a checkout whose every row posted as plain posted', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      for (const row of must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings) {
        await repo.markPosted(row.id, 'w1', posted(t0 + 20))
      }
      const done = await repo.finalizeCheckout('c1', { remainingBalanceCents: 2500, now: t0 + 30 })
      expect(done).toMatchObject({
        status: 'posted',
        postedAt: t0 + 30,
        remainingBalanceCents: 2500,
      })
      expect((await repo.listEvents({ checkoutId: 'c1' })).at(-1)?.type).toBe('checkout_posted')
    })
  })

  it('opens one posting_stuck exception per row and closes it when the row posts', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      const [first] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      const row = must(first)
      expect(await repo.openPostingStuck(row.id, { reason: 'unreadable', now: t0 + 20 })).toBe(true)
      expect(await repo.openPostingStuck(row.id, { reason: 'unreadable', now: t0 + 30 })).toBe(
        false,
      )
      expect((await repo.countOpenExceptions(institution)).posting_stuck).toBe(1)
      await repo.markPosted(row.id, 'w1', { ...posted(t0 + 40), foundInAlma: true })
      expect(await repo.listExceptions({ checkoutId: 'c1' })).toEqual([
        expect.objectContaining({
          kind: 'posting_stuck',
          resolvedAt: t0 + 40,
          resolvedBy: 'system',
          resolutionAction: 'posted',
        }),
      ])
      expect((await repo.listEvents({ checkoutId: 'c1' })).map((e) => e.type)).toContain(
        'exception_closed',
      )
      expect(await repo.openPostingStuck(row.id, { reason: 'again', now: t0 + 50 })).toBe(false)
    })
  })

  it('lists exceptions by institution', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      await repo.createCheckout(checkout('c2', { institution: otherInstitution }))
      const [row] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      await repo.markPostingException(must(row).id, 'w1', {
        kind: 'alma_refused',
        reason: 'x',
        now: t0,
      })
      expect((await repo.listExceptions({ institution })).map((e) => e.kind)).toEqual([
        'alma_refused',
      ])
      expect(await repo.listExceptions({ institution: otherInstitution })).toEqual([])
    })
  })
}
