import { expect, it } from 'vitest'
import {
  checkout,
  institution,
  must,
  otherInstitution,
  paid,
  rawPostback,
  t0,
  type RepositoryFactory,
  using,
} from './support.ts'

const fee = {
  primaryId: 'mgarcia01',
  feeId: 'fee-2',
  feeDescription: 'Lost item replacement fee',
  feeTitle: 'Pride and prejudice',
  amountCents: 525,
}

export function resolutionContract(open: RepositoryFactory): void {
  it('applies an exception’s money to a fee through the outbox, once, and audits it as an event', () =>
    using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      const [, second] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      await repo.markPostingException(must(second).id, 'w1', {
        kind: 'alma_refused',
        reason: 'restricted',
        now: t0 + 20,
      })
      await repo.releaseLeases('c1', 'w1')
      const [exception] = await repo.listExceptions({ checkoutId: 'c1' })
      const input = {
        exceptionId: must(exception).id,
        institutions: [institution],
        action: 'apply_to_fee' as const,
        by: 'supervisor1',
        note: 'fee-3 was restricted; the patron owes fee-2',
        reference: null,
        feeId: 'fee-2',
        posting: fee,
        now: t0 + 30,
      }
      const resolved = await repo.resolveException(input)
      expect(resolved).toMatchObject({
        kind: 'resolved',
        exception: {
          resolvedAt: t0 + 30,
          resolvedBy: 'supervisor1',
          resolutionAction: 'apply_to_fee',
          resolution: { note: input.note, feeId: 'fee-2', reference: null },
        },
      })
      const queued = (await repo.listPostings('c1')).filter((p) => p.exceptionId !== null)
      expect(queued.map((p) => [p.feeId, p.amountCents, p.tx, p.status, p.exceptionId])).toEqual([
        ['fee-2', 525, 'tx-1', 'pending', must(exception).id],
      ])
      // The same resolution again changes nothing; another one is refused.
      expect((await repo.resolveException(input)).kind).toBe('repeat')
      expect((await repo.listPostings('c1')).filter((p) => p.exceptionId !== null)).toHaveLength(1)
      expect(
        await repo.resolveException({
          ...input,
          action: 'written_off',
          feeId: null,
          posting: null,
        }),
      ).toMatchObject({ kind: 'conflict' })
      expect((await repo.listEvents({ checkoutId: 'c1' })).map((e) => e.type)).toContain(
        'exception_resolved',
      )
      expect((await repo.countOpenExceptions(institution)).alma_refused).toBe(0)
    }))

  it('gives money that named no checkout a checkout of its own to post from', () =>
    using(open, async ({ repo }) => {
      const stored = await repo.storePostback(
        rawPostback(),
        {
          kind: 'unmatched',
          checkoutId: null,
          tx: 'tx-9',
          amountCents: 700,
          reason: 'no known checkout',
        },
        t0,
      )
      const exception = must(
        (await repo.listExceptions()).find((e) => e.postbackId === stored.postbackId),
      )
      const result = await repo.resolveException({
        exceptionId: exception.id,
        institutions: [institution],
        action: 'apply_to_fee',
        by: 'supervisor1',
        note: 'the patron called: it was for her lost book',
        reference: null,
        feeId: 'fee-2',
        posting: { ...fee, amountCents: 700 },
        now: t0 + 5,
      })
      expect(result.kind).toBe('resolved')
      const holder = must(await repo.getCheckout(`resolution-${exception.id}`))
      expect(holder).toMatchObject({
        status: 'paid',
        channel: 'staff:supervisor1',
        primaryId: 'mgarcia01',
        amountCents: 700,
        cashnetTx: null,
      })
      const [row] = await repo.listPostings(holder.id)
      expect(row).toMatchObject({
        feeId: 'fee-2',
        amountCents: 700,
        tx: 'tx-9',
        exceptionId: exception.id,
      })
      // Posted, it finishes like any payment.
      const claim = must(await repo.claimPostings('w1', t0 + 10, 60_000))
      await repo.markPosted(must(claim.postings[0]).id, 'w1', {
        balanceAfterCents: 0,
        foundInAlma: false,
        now: t0 + 11,
      })
      await repo.releaseLeases(holder.id, 'w1')
      expect(
        await repo.finalizeCheckout(holder.id, { remainingBalanceCents: null, now: t0 + 12 }),
      ).toMatchObject({
        status: 'posted',
      })
    }))

  it('nudges a stuck line instead of queueing its money twice, and refuses what does not apply', () =>
    using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      const [row] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      await repo.reschedulePosting(must(row).id, 'w1', {
        nextAttemptAt: t0 + 999_999,
        error: 'invalid_response',
        unreadable: true,
        now: t0 + 20,
      })
      await repo.openPostingStuck(must(row).id, { reason: 'unreadable', now: t0 + 30 })
      const stuck = must((await repo.listExceptions()).find((e) => e.kind === 'posting_stuck'))
      const base = {
        exceptionId: stuck.id,
        institutions: [institution],
        by: 'supervisor1',
        note: 'Alma is fixed',
        reference: null,
        feeId: null,
        posting: null,
        now: t0 + 40,
      }
      expect(await repo.resolveException({ ...base, action: 'written_off' })).toMatchObject({
        kind: 'not_allowed',
      })
      expect((await repo.resolveException({ ...base, action: 'retry_posting' })).kind).toBe(
        'resolved',
      )
      const after = must((await repo.listPostings('c1')).find((p) => p.id === must(row).id))
      expect([after.nextAttemptAt, after.deferrals, after.status]).toEqual([t0 + 40, 0, 'pending'])
      expect(await repo.listPostings('c1')).toHaveLength(2)
    }))

  it('never resolves another institution’s exception', () =>
    using(open, async ({ repo }) => {
      await repo.createCheckout(checkout('c1'))
      await repo.storePostback(
        rawPostback(),
        { kind: 'unmatched', checkoutId: 'c1', tx: 'tx-5', amountCents: 100, reason: 'amount' },
        t0,
      )
      const [exception] = await repo.listExceptions()
      expect(
        await repo.resolveException({
          exceptionId: must(exception).id,
          institutions: [otherInstitution],
          action: 'written_off',
          by: 'someone',
          note: 'x',
          reference: null,
          feeId: null,
          posting: null,
          now: t0,
        }),
      ).toEqual({ kind: 'not_found' })
      expect(await repo.getException(must(exception).id)).toMatchObject({ resolvedAt: null })
      expect(await repo.getException(999_999)).toBeNull()
    }))
}
