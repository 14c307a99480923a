import { expect, it } from 'vitest'
import { localDay } from '../../../../server/staff/days.ts'
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

const base = {
  institutions: [institution],
  sort: 'createdAt' as const,
  order: 'desc' as const,
  limit: 50,
}

export function staffQueriesContract(open: RepositoryFactory): void {
  it('lists checkouts of the given institutions, filtered and in keyset pages', () =>
    using(open, async ({ repo, queries }) => {
      await paid(repo, 'c1', 'tx-1')
      await repo.createCheckout(
        checkout('c2', { createdAt: t0 + 1_000, amountCents: 500, channel: 'link', kioskId: '' }),
      )
      await repo.createCheckout(
        checkout('c3', { createdAt: t0 + 2_000, primaryId: 'other-patron', amountCents: 900 }),
      )
      await repo.createCheckout(
        checkout('c4', { institution: otherInstitution, createdAt: t0 + 3_000 }),
      )
      const ids = async (filter: Partial<Parameters<typeof queries.listCheckouts>[0]>) =>
        (await queries.listCheckouts({ ...base, ...filter })).map((found) => found.id)

      expect(await ids({})).toEqual(['c3', 'c2', 'c1'])
      expect(await ids({ institutions: [institution, otherInstitution] })).toEqual([
        'c4',
        'c3',
        'c2',
        'c1',
      ])
      expect(await ids({ status: 'paid' })).toEqual(['c1'])
      expect(await ids({ channel: 'kiosk' })).toEqual(['c3', 'c1'])
      expect(await ids({ channel: 'link' })).toEqual(['c2'])
      expect(await ids({ q: 'tx-1' })).toEqual(['c1'])
      expect(await ids({ q: 'c2' })).toEqual(['c2'])
      expect(await ids({ q: 'other-patron' })).toEqual(['c3'])
      expect(await ids({ fromMs: t0 + 1_000, toMs: t0 + 2_000 })).toEqual(['c2'])
      expect(await ids({ sort: 'amountCents', order: 'asc' })).toEqual(['c2', 'c3', 'c1'])

      // Keyset pages: after (value, id) in either direction, never repeating a row.
      const firstPage = await queries.listCheckouts({ ...base, limit: 2 })
      const last = must(firstPage.at(-1))
      expect(await ids({ limit: 2, after: { value: last.createdAt, id: last.id } })).toEqual(['c1'])
      expect(
        await ids({ sort: 'amountCents', order: 'asc', after: { value: 500, id: 'c2' } }),
      ).toEqual(['c3', 'c1'])
      expect(
        await ids({ sort: 'status', order: 'asc', after: { value: 'paid', id: 'c1' } }),
      ).toEqual(['c2', 'c3'])

      expect(
        (await queries.checkoutsByIds(['c3', 'missing', 'c1'])).map((found) => found.id),
      ).toEqual(['c3', 'c1'])
      expect(await queries.postingsOf(['c1'])).toHaveLength(2)
      expect(await queries.postingsOf([])).toEqual([])
      const postbacks = await queries.postbacksOf('c1')
      expect(postbacks.map((postback) => [postback.outcome, postback.tx])).toEqual([
        ['accepted', 'tx-1'],
      ])
    }))

  it('lists exceptions open (oldest first) or resolved (latest first), by kind and institution', () =>
    using(open, async ({ repo, queries }) => {
      for (const [index, tx] of ['u-1', 'u-2', 'u-3'].entries()) {
        await repo.storePostback(
          rawPostback({ receivedAt: t0 + index }),
          {
            kind: 'unmatched',
            checkoutId: null,
            tx,
            amountCents: 100 + index,
            reason: 'no checkout',
          },
          t0 + index,
        )
      }
      await repo.storePostback(
        rawPostback({ institution: otherInstitution }),
        { kind: 'unmatched', checkoutId: null, tx: 'u-9', amountCents: 1, reason: 'no checkout' },
        t0,
      )
      const open = await queries.listExceptions({
        institutions: [institution],
        state: 'open',
        limit: 10,
      })
      expect(open.map((exception) => exception.tx)).toEqual(['u-1', 'u-2', 'u-3'])
      for (const exception of open.slice(0, 2)) {
        await repo.resolveException({
          exceptionId: exception.id,
          institutions: [institution],
          action: 'written_off',
          by: 'supervisor1',
          note: 'test',
          reference: null,
          feeId: null,
          posting: null,
          now: t0 + 100 + exception.id,
        })
      }
      const resolved = await queries.listExceptions({
        institutions: [institution],
        state: 'resolved',
        limit: 10,
      })
      expect(resolved.map((exception) => exception.tx)).toEqual(['u-2', 'u-1'])
      expect(
        (
          await queries.listExceptions({
            institutions: [institution],
            state: 'open',
            kind: 'alma_refused',
            limit: 10,
          })
        ).length,
      ).toBe(0)
      expect(
        (
          await queries.listExceptions({
            institutions: [otherInstitution],
            state: 'open',
            limit: 1,
          })
        ).map((exception) => exception.tx),
      ).toEqual(['u-9'])
    }))

  it('totals paid money per day, channel and kiosk, leaving out checkouts staff made to carry money', () =>
    using(open, async ({ repo, queries }) => {
      await paid(repo, 'c1', 'tx-1')
      await repo.createCheckout(checkout('c2', { channel: 'link', kioskId: '' }))
      await repo.storePostback(
        rawPostback(),
        { kind: 'accept', checkoutId: 'c2', tx: 'tx-2', amountCents: 1775 },
        t0 + 2,
      )
      await repo.createCheckout(checkout('c3', { channel: 'staff:supervisor1' }))
      await repo.storePostback(
        rawPostback(),
        { kind: 'accept', checkoutId: 'c3', tx: 'tx-3', amountCents: 1775 },
        t0 + 3,
      )
      const range = [t0 - 1, t0 + 86_400_000] as const
      expect(await queries.paidByChannel([institution], ...range)).toEqual([
        { key: 'kiosk:kiosk-1', count: 1, amountCents: 1775 },
        { key: 'link', count: 1, amountCents: 1775 },
      ])
      expect(await queries.paidByKiosk([institution], ...range)).toEqual([
        { key: 'kiosk-1', count: 1, amountCents: 1775 },
      ])
      expect(await queries.paidPerDay([institution], ...range)).toEqual([
        { day: localDay(t0 + 1), count: 2, amountCents: 3550 },
      ])
      expect(await queries.paidByChannel([otherInstitution], ...range)).toEqual([])
      expect(await queries.paidPerDay([institution], t0 + 10, t0 + 20)).toEqual([])
    }))

  it('counts events by type since a time, and what is still unposted', () =>
    using(open, async ({ repo, queries }) => {
      await paid(repo, 'c1', 'tx-1')
      expect(await queries.unposted([institution])).toEqual({ count: 2, oldestCreatedAt: t0 + 1 })
      expect(await queries.unposted([otherInstitution])).toEqual({
        count: 0,
        oldestCreatedAt: null,
      })
      const [first] = must(await repo.claimPostings('w1', t0 + 10, 60_000)).postings
      await repo.recordPayAttempt(must(first).id, 'w1', { now: t0 + 11, settleUntil: t0 + 500 })
      await repo.recordPayOutcome(must(first).id, 'w1', {
        outcome: 'uncertain',
        error: 'timeout',
        unreadable: false,
        now: t0 + 12,
      })
      expect(await queries.countEvents([institution], ['posting_uncertain'], t0)).toBe(1)
      expect(await queries.countEvents([institution], ['posting_uncertain'], t0 + 13)).toBe(0)
      expect(await queries.countEvents([otherInstitution], ['posting_uncertain'], t0)).toBe(0)
      expect(await queries.countEvents([institution], [], t0)).toBe(0)
    }))

  it('gathers reconciliation data: checkouts paid in range, their rows and exceptions, unmatched money', () =>
    using(open, async ({ repo, queries }) => {
      await paid(repo, 'c1', 'tx-1')
      await repo.createCheckout(checkout('c-unpaid'))
      await repo.storePostback(
        rawPostback({ receivedAt: t0 + 5 }),
        { kind: 'unmatched', checkoutId: null, tx: 'u-1', amountCents: 750, reason: 'no checkout' },
        t0 + 5,
      )
      await repo.storePostback(
        rawPostback({ receivedAt: t0 + 86_400_000 * 3 }),
        { kind: 'unmatched', checkoutId: null, tx: 'u-late', amountCents: 1, reason: 'later' },
        t0 + 86_400_000 * 3,
      )
      const data = await queries.reconciliationData([institution], t0, t0 + 86_400_000)
      expect(data.checkouts.map((found) => found.id)).toEqual(['c1'])
      expect(data.postings.map((posting) => posting.checkoutId)).toEqual(['c1', 'c1'])
      expect(data.exceptions.map((exception) => exception.tx)).toEqual(['u-1'])
      expect(data.postbacks.map((postback) => postback.outcome)).toEqual(['accepted', 'unmatched'])
      const elsewhere = await queries.reconciliationData([otherInstitution], t0, t0 + 86_400_000)
      expect(elsewhere).toEqual({ checkouts: [], postings: [], exceptions: [], postbacks: [] })
    }))
}
