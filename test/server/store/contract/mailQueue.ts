import { expect, it } from 'vitest'
import type { NewMail } from '../../../../server/store/mailQueue.ts'
import {
  institution,
  must,
  otherInstitution,
  paid,
  t0,
  type RepositoryFactory,
  using,
} from './support.ts'

const message = (dedupeKey: string, overrides: Partial<NewMail> = {}): NewMail => ({
  institution,
  dedupeKey,
  kind: 'staff_payment',
  checkoutId: null,
  to: ['circ@example.edu'],
  subject: 'Payment posted',
  text: 'plain',
  html: '<p>html</p>',
  secretBody: false,
  notBefore: t0,
  createdAt: t0,
  ...overrides,
})

export function mailQueueContract(open: RepositoryFactory): void {
  it('enqueues a message once per dedupe key and keeps every field', () =>
    using(open, async ({ mail }) => {
      expect(await mail.enqueue(message('k1'))).toBe(true)
      expect(await mail.enqueue(message('k1', { subject: 'again' }))).toBe(false)
      const [stored, ...rest] = await mail.listMail()
      expect(rest).toEqual([])
      expect(stored).toMatchObject({
        ...message('k1'),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: t0,
        lastError: null,
        sentAt: null,
      })
      expect(await mail.getMail(must(stored).id)).toEqual(stored)
      expect(await mail.getMail(999_999)).toBeNull()
      expect(await mail.pendingCount()).toBe(1)
    }))

  it('claims only due messages, leases them to one sender across connections until the lease lapses', () =>
    using(open, async ({ mail, openAnotherMail }) => {
      const other = await openAnotherMail()
      await mail.enqueue(message('due'))
      await mail.enqueue(message('later', { notBefore: t0 + 60_000 }))
      const claimed = await mail.claimDue('s1', t0, 30_000, 10)
      expect(claimed.map((m) => m.dedupeKey)).toEqual(['due'])
      expect(await other.claimDue('s2', t0 + 1, 30_000, 10)).toEqual([])
      const id = must(claimed[0]).id
      // Another sender may not settle a message it does not hold.
      expect(await other.markSent(id, 's2', { now: t0, to: 'c…@example.edu' })).toBe(false)
      const takeover = await other.claimDue('s2', t0 + 30_001, 30_000, 10)
      expect(takeover.map((m) => m.dedupeKey)).toEqual(['due'])
      expect(await mail.markSent(id, 's1', { now: t0, to: 'c…@example.edu' })).toBe(false)
      expect(await other.markSent(id, 's2', { now: t0 + 30_002, to: 'c…@example.edu' })).toBe(true)
      expect(await mail.getMail(id)).toMatchObject({
        status: 'sent',
        sentAt: t0 + 30_002,
        attempts: 1,
      })
      // Sent messages are never claimed again; the later one becomes due in its time.
      expect((await mail.claimDue('s1', t0 + 60_000, 30_000, 10)).map((m) => m.dedupeKey)).toEqual([
        'later',
      ])
      expect(await mail.pendingCount()).toBe(1)
    }))

  it('puts a failed message off to its next attempt, keeping the error, and never drops it', () =>
    using(open, async ({ mail }) => {
      await mail.enqueue(message('k1'))
      const id = must((await mail.claimDue('s1', t0, 30_000, 10))[0]).id
      expect(
        await mail.markFailed(id, 's1', {
          now: t0,
          nextAttemptAt: t0 + 5_000,
          error: 'ECONNREFUSED',
        }),
      ).toBe(true)
      expect(await mail.getMail(id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: t0 + 5_000,
        lastError: 'ECONNREFUSED',
      })
      expect(await mail.claimDue('s1', t0 + 4_999, 30_000, 10)).toEqual([])
      expect(await mail.claimDue('s1', t0 + 5_000, 30_000, 10)).toHaveLength(1)
      expect(
        await mail.markFailed(id, 'someone-else', { now: t0, nextAttemptAt: t0, error: 'x' }),
      ).toBe(false)
    }))

  it('forgets a secret body once the message is sent, keeping who it went to and why', () =>
    using(open, async ({ mail }) => {
      const link = 'https://pay.example.edu/pay/l/s3cr3t-t0ken'
      await mail.enqueue(
        message('secret', {
          kind: 'pay_link',
          subject: 'Pay your library fees',
          text: `Open ${link}`,
          html: `<a href="${link}">Pay</a>`,
          secretBody: true,
        }),
      )
      await mail.enqueue(message('plain'))
      const [secret, plain] = await mail.claimDue('s1', t0, 30_000, 10)
      // A failed attempt keeps the body: the message still has to go out.
      await mail.markFailed(must(secret).id, 's1', { now: t0, nextAttemptAt: t0, error: 'x' })
      expect(await mail.getMail(must(secret).id)).toMatchObject({ text: `Open ${link}` })
      const [again] = await mail.claimDue('s1', t0 + 1, 30_000, 10)
      expect(again?.html).toContain(link)
      await mail.markSent(must(again).id, 's1', { now: t0 + 2, to: 'p…@example.edu' })
      await mail.markSent(must(plain).id, 's1', { now: t0 + 2, to: 'c…@example.edu' })

      expect(await mail.getMail(must(secret).id)).toEqual({
        ...must(again),
        text: '',
        html: '',
        status: 'sent',
        attempts: 2,
        lastError: null,
        sentAt: t0 + 2,
      })
      // Only a secret body is forgotten.
      expect(await mail.getMail(must(plain).id)).toMatchObject({
        secretBody: false,
        text: 'plain',
        html: '<p>html</p>',
        status: 'sent',
      })
    }))

  it('records an email_sent event on the payment it is about, in the same change', () =>
    using(open, async ({ repo, mail }) => {
      await paid(repo, 'c1', 'tx-1')
      await mail.enqueue(message('k1', { checkoutId: 'c1', kind: 'patron_receipt' }))
      await mail.enqueue(message('k2'))
      for (const claimed of await mail.claimDue('s1', t0 + 5, 30_000, 10)) {
        await mail.markSent(claimed.id, 's1', { now: t0 + 6, to: 'm…@example.edu' })
      }
      const sent = (await repo.listEvents({ checkoutId: 'c1' })).filter(
        (e) => e.type === 'email_sent',
      )
      expect(sent).toEqual([
        expect.objectContaining({
          institution,
          at: t0 + 6,
          detail: { kind: 'patron_receipt', to: 'm…@example.edu' },
        }),
      ])
    }))

  it('reads events after a cursor by type, and moves the cursor with the messages in one change', () =>
    using(open, async ({ repo, mail }) => {
      await paid(repo, 'c1', 'tx-1')
      await paid(repo, 'c2', 'tx-2')
      expect(await mail.cursor('events')).toBe(0)
      const events = await mail.eventsAfter(0, ['checkout_paid'], 10)
      expect(events.map((e) => e.checkoutId)).toEqual(['c1', 'c2'])
      const first = must(events[0])
      expect(await mail.eventsAfter(first.id, ['checkout_paid'], 10)).toHaveLength(1)
      expect(await mail.eventsAfter(0, ['checkout_paid'], 1)).toHaveLength(1)
      expect(await mail.eventsAfter(0, [], 10)).toEqual([])
      await mail.enqueueAndAdvance([message('a'), message('a'), message('b')], {
        name: 'events',
        position: first.id,
      })
      expect(await mail.cursor('events')).toBe(first.id)
      // Replaying the same step (a restart) queues nothing twice; a cursor never moves back.
      await mail.enqueueAndAdvance([message('b')], { name: 'events', position: first.id - 1 })
      expect(await mail.cursor('events')).toBe(first.id)
      expect((await mail.listMail()).map((m) => m.dedupeKey)).toEqual(['a', 'b'])
    }))

  it('reads one institution’s events in a time window, and the newest message of a kind', () =>
    using(open, async ({ repo, mail }) => {
      await paid(repo, 'c1', 'tx-1')
      const window = await mail.eventsBetween(institution, ['checkout_paid'], t0, t0 + 2)
      expect(window.map((e) => e.checkoutId)).toEqual(['c1'])
      expect(await mail.eventsBetween(institution, ['checkout_paid'], t0 + 2, t0 + 9)).toEqual([])
      expect(await mail.eventsBetween(otherInstitution, ['checkout_paid'], t0, t0 + 2)).toEqual([])
      expect(await mail.lastOfKind(institution, 'posting_alert')).toBeNull()
      await mail.enqueue(message('p1', { kind: 'posting_alert', createdAt: t0 }))
      await mail.enqueue(message('p2', { kind: 'posting_alert', createdAt: t0 + 10 }))
      await mail.enqueue(
        message('p3', { kind: 'posting_alert', institution: otherInstitution, createdAt: t0 + 20 }),
      )
      expect((await mail.lastOfKind(institution, 'posting_alert'))?.dedupeKey).toBe('p2')
      expect(
        (await mail.listMail({ institution: otherInstitution })).map((m) => m.dedupeKey),
      ).toEqual(['p3'])
      expect(await mail.listMail({ status: 'sent' })).toEqual([])
    }))
}
