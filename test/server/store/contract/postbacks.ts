import { expect, it } from 'vitest'
import {
  accept,
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

export function postbackContract(open: RepositoryFactory): void {
  it('accepts a payment once: paid, one outbox row per line, an event, the postback settled', async () => {
    await using(open, async ({ repo }) => {
      const postbackId = await paid(repo, 'c1', 'tx-1')
      expect(await repo.getCheckout('c1')).toMatchObject({
        status: 'paid',
        cashnetTx: 'tx-1',
        paidAt: t0 + 1,
      })
      const postings = await repo.listPostings('c1')
      expect(
        postings.map((p) => [p.lineNo, p.feeId, p.amountCents, p.tx, p.status, p.institution]),
      ).toEqual([
        [1, 'fee-1', 1250, 'tx-1', 'pending', institution],
        [2, 'fee-3', 525, 'tx-1', 'pending', institution],
      ])
      expect(await repo.getPostback(postbackId)).toMatchObject({
        institution,
        outcome: 'accepted',
        tx: 'tx-1',
        checkoutId: 'c1',
        rawBody: 'result=0&tx=1',
      })

      const again = await repo.storePostback(rawPostback(), accept('c1', 'tx-1'), t0 + 2)
      expect(again.kind).toBe('duplicate')
      expect(await repo.listPostings('c1')).toHaveLength(2)
      expect(await repo.outboxDepth()).toBe(2)
      expect(await repo.oldestPendingPostingCreatedAt()).toBe(t0 + 1)
    })
  })

  it('honours a payment for a cancelled checkout, saying so', async () => {
    await using(open, async ({ repo }) => {
      await repo.createCheckout(checkout('c1'))
      await repo.transitionCheckout('c1', {
        from: ['pending'],
        to: 'cancelled',
        now: t0,
        event: 'checkout_cancelled',
      })
      const stored = await repo.storePostback(rawPostback(), accept('c1', 'tx-1'), t0 + 1)
      expect(stored).toMatchObject({ kind: 'accepted', previousStatus: 'cancelled' })
      expect((await repo.getPostback(stored.postbackId))?.reason).toBe(
        'honoured although the checkout was cancelled',
      )
    })
  })

  it('keeps a tx already used by another checkout and a second payment as unmatched exceptions', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c1', 'tx-1')
      await repo.createCheckout(checkout('c2'))
      const reused = await repo.storePostback(rawPostback(), accept('c2', 'tx-1'), t0)
      expect(reused).toMatchObject({
        kind: 'unmatched',
        because: 'tx_reused',
        reference: 'EXC-tx-1',
        duplicate: false,
      })
      expect((await repo.getCheckout('c2'))?.status).toBe('pending')
      expect(await repo.getPostback(reused.postbackId)).toMatchObject({
        outcome: 'unmatched',
        reason: 'CashNet tx tx-1 already paid checkout c1',
      })

      const second = await repo.storePostback(rawPostback(), accept('c1', 'tx-2'), t0)
      expect(second).toMatchObject({
        kind: 'unmatched',
        because: 'second_payment',
        reference: 'EXC-tx-2',
      })
      expect(await repo.listExceptions()).toEqual([
        expect.objectContaining({
          kind: 'unmatched_payment',
          tx: 'tx-1',
          checkoutId: 'c2',
          institution,
        }),
        expect.objectContaining({ kind: 'unmatched_payment', tx: 'tx-2', amountCents: 1775 }),
      ])
      expect(await repo.listPostings('c1')).toHaveLength(2)
    })
  })

  it('applies a payment as the ingest saw the checkout, and decides again when it changed', async () => {
    await using(open, async ({ repo }) => {
      for (const id of ['c1', 'c2', 'c3']) await repo.createCheckout(checkout(id))
      const seen = async (id: string) => must(await repo.getCheckout(id))
      const [c1, c2, c3] = [await seen('c1'), await seen('c2'), await seen('c3')]

      // Still as seen: paid, settled, one outbox row per line, the answer the checkout as it is.
      const first = await repo.storePostback(rawPostback(), accept('c1', 'tx-1', 1775, c1), t0 + 1)
      expect(first).toMatchObject({ kind: 'accepted', previousStatus: 'pending' })
      if (first.kind !== 'accepted') throw new Error('not accepted')
      expect(first.checkout).toEqual(await repo.getCheckout('c1'))
      expect(await repo.getPostback(first.postbackId)).toMatchObject({
        outcome: 'accepted',
        reason: null,
        tx: 'tx-1',
        checkoutId: 'c1',
        settledAt: t0 + 1,
      })
      expect(await repo.listPostings('c1')).toHaveLength(2)

      // The same postback again, decided on the same (now stale) view: a duplicate, nothing more.
      const again = await repo.storePostback(rawPostback(), accept('c1', 'tx-1', 1775, c1), t0 + 2)
      expect(again.kind).toBe('duplicate')
      expect(await repo.getPostback(again.postbackId)).toMatchObject({ outcome: 'duplicate' })
      expect(await repo.listPostings('c1')).toHaveLength(2)

      // Its tx paid another checkout meanwhile: unmatched, and c2 stays as it was.
      const reused = await repo.storePostback(rawPostback(), accept('c2', 'tx-1', 1775, c2), t0 + 3)
      expect(reused).toMatchObject({ kind: 'unmatched', because: 'tx_reused' })
      expect((await repo.getCheckout('c2'))?.status).toBe('pending')
      expect(await repo.listPostings('c2')).toEqual([])

      // Cancelled after it was seen: honoured all the same, and the reason says what it was.
      await repo.transitionCheckout('c3', {
        from: ['pending'],
        to: 'cancelled',
        now: t0 + 4,
        event: 'checkout_cancelled',
      })
      const honoured = await repo.storePostback(
        rawPostback(),
        accept('c3', 'tx-3', 1775, c3),
        t0 + 5,
      )
      expect(honoured).toMatchObject({ kind: 'accepted', previousStatus: 'cancelled' })
      expect((await repo.getPostback(honoured.postbackId))?.reason).toBe(
        'honoured although the checkout was cancelled',
      )

      // One raw row per postback, whichever way each went.
      expect((await repo.listPostbacks()).map((postback) => postback.outcome)).toEqual([
        'accepted',
        'duplicate',
        'unmatched',
        'accepted',
      ])
    })
  })

  it('applies payments that arrive together each on its own merits, none lost', async () => {
    await using(open, async ({ repo }) => {
      await paid(repo, 'c0', 'tx-0')
      const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']
      for (const id of ids) await repo.createCheckout(checkout(id))
      const seen = new Map(ids.map((id) => [id, repo.getCheckout(id)]))
      const view = async (id: string) => must(await seen.get(id))
      // c2 is paid after it was seen: the view the next payment is decided on is stale.
      await repo.storePostback(rawPostback(), accept('c2', 'tx-2a'), t0 + 2)
      const together = async (payments: [string, string][]) =>
        Promise.all(
          await Promise.all(
            payments.map(async ([id, tx]) => accept(id, tx, 1775, await view(id))),
          ).then((actions) =>
            actions.map((action) => repo.storePostback(rawPostback(), action, t0 + 3)),
          ),
        )

      const first = await together([
        ['c1', 'tx-1'],
        ['c2', 'tx-2b'],
        ['c4', 'tx-4'],
      ])
      expect(first.map((one) => [one.kind, 'because' in one ? one.because : null])).toEqual([
        ['accepted', null],
        ['unmatched', 'second_payment'],
        ['accepted', null],
      ])
      // A tx that already paid c0, arriving with two good payments: refused, and they go in.
      const second = await together([
        ['c3', 'tx-0'],
        ['c5', 'tx-5'],
        ['c6', 'tx-6'],
      ])
      expect(second.map((one) => [one.kind, 'because' in one ? one.because : null])).toEqual([
        ['unmatched', 'tx_reused'],
        ['accepted', null],
        ['accepted', null],
      ])
      expect((await repo.getCheckout('c3'))?.status).toBe('pending')
      expect(await repo.listPostings('c3')).toEqual([])

      // Each payment that went in: its checkout paid by its tx, its own raw row settled, its
      // outbox rows, and an event naming its postback.
      const events = await repo.listEvents()
      for (const [index, stored] of [...first, ...second].entries()) {
        if (stored.kind !== 'accepted') continue
        const { id, cashnetTx } = stored.checkout
        expect(await repo.getCheckout(id)).toEqual(stored.checkout)
        expect(cashnetTx).toBe(['tx-1', 'tx-2b', 'tx-4', 'tx-0', 'tx-5', 'tx-6'][index])
        expect(await repo.getPostback(stored.postbackId)).toMatchObject({
          outcome: 'accepted',
          tx: cashnetTx,
          checkoutId: id,
          settledAt: t0 + 3,
        })
        expect((await repo.listPostings(id)).map((posting) => posting.tx)).toEqual([
          cashnetTx,
          cashnetTx,
        ])
        expect(
          events
            .filter((event) => event.checkoutId === id && event.type === 'checkout_paid')
            .map((event) => event.detail),
        ).toEqual([
          { tx: cashnetTx, postbackId: stored.postbackId, from: 'pending', amountCents: 1775 },
        ])
      }
      // One raw row per postback, each settled once: c0's, c2's first, and the six.
      const postbacks = await repo.listPostbacks()
      expect(postbacks).toHaveLength(8)
      expect(new Set(postbacks.map((postback) => postback.id)).size).toBe(8)
      expect(postbacks.every((postback) => postback.outcome !== null)).toBe(true)
    })
  })

  it('settles eight copies of one payment, decided on one view, as one payment', async () => {
    await using(open, async ({ repo }) => {
      await repo.createCheckout(checkout('c1'))
      const seen = must(await repo.getCheckout('c1'))
      const stored = await Promise.all(
        Array.from({ length: 8 }, () =>
          repo.storePostback(rawPostback(), accept('c1', 'tx-1', 1775, seen), t0 + 1),
        ),
      )
      expect(stored.map((one) => one.kind).sort()).toEqual([
        'accepted',
        ...Array<string>(7).fill('duplicate'),
      ])
      expect(await repo.listPostings('c1')).toHaveLength(2)
      expect(await repo.listPostbacks()).toHaveLength(8)
    })
  })

  it('records an unmatched payment once per tx, and one without a tx by its postback', async () => {
    await using(open, async ({ repo }) => {
      const action = {
        kind: 'unmatched' as const,
        checkoutId: null,
        amountCents: 1200,
        reason: 'no known checkout',
      }
      const first = await repo.storePostback(rawPostback(), { ...action, tx: 'tx-9' }, t0)
      expect(first).toMatchObject({ kind: 'unmatched', reference: 'EXC-tx-9', duplicate: false })
      const repeat = await repo.storePostback(rawPostback(), { ...action, tx: 'tx-9' }, t0)
      expect(repeat).toMatchObject({ kind: 'unmatched', reference: 'EXC-tx-9', duplicate: true })
      const anonymous = await repo.storePostback(
        rawPostback(),
        { ...action, amountCents: null, tx: null },
        t0,
      )
      expect(anonymous).toMatchObject({ reference: `EXC-PB${anonymous.postbackId}` })
      expect(
        (await repo.listExceptions()).map((e) => [e.reference, e.amountCents, e.postbackId]),
      ).toEqual([
        ['EXC-tx-9', 1200, first.postbackId],
        [`EXC-PB${anonymous.postbackId}`, null, anonymous.postbackId],
      ])
      expect((await repo.getPostback(repeat.postbackId))?.outcome).toBe('unmatched')
      expect(await repo.countOpenExceptions(institution)).toEqual({
        unapplied_money: 0,
        unmatched_payment: 2,
        posting_stuck: 0,
        alma_refused: 0,
        alma_mismatch: 0,
      })
      expect((await repo.countOpenExceptions(otherInstitution)).unmatched_payment).toBe(0)
    })
  })

  it('records a decline: a pending checkout fails, any other is left alone', async () => {
    await using(open, async ({ repo }) => {
      await repo.createCheckout(checkout('c1'))
      const decline = (tx: string) => ({
        kind: 'decline' as const,
        checkoutId: 'c1',
        tx,
        message: 'DECLINED',
      })
      const failed = await repo.storePostback(rawPostback(), decline('f-1'), t0)
      expect(failed).toMatchObject({
        kind: 'declined',
        changed: true,
        checkout: { status: 'failed', message: 'DECLINED' },
      })
      const ignored = await repo.storePostback(rawPostback(), decline('f-2'), t0)
      expect(ignored).toMatchObject({ kind: 'declined', changed: false })
      expect((await repo.getPostback(ignored.postbackId))?.reason).toBe(
        'checkout was failed; nothing changed',
      )
    })
  })

  it('never lets a postback of one institution touch another institution’s checkout', async () => {
    await using(open, async ({ repo }) => {
      await repo.createCheckout(checkout('c1'))
      const foreign = rawPostback({ institution: otherInstitution })
      const stored = await repo.storePostback(foreign, accept('c1', 'tx-1'), t0)
      expect(stored).toMatchObject({ kind: 'unmatched', because: 'not_matched' })
      expect((await repo.getCheckout('c1'))?.status).toBe('pending')
      const declined = await repo.storePostback(
        foreign,
        { kind: 'decline', checkoutId: 'c1', tx: null, message: 'no' },
        t0,
      )
      expect(declined.kind).toBe('rejected')
      expect((await repo.getCheckout('c1'))?.status).toBe('pending')
      expect((await repo.listExceptions())[0]?.institution).toBe(otherInstitution)
    })
  })

  it('keeps raw postbacks append-only and settled once, enforced by the database', async () => {
    await using(open, async ({ repo, execRaw }) => {
      const { postbackId: id } = await repo.storePostback(
        rawPostback(),
        {
          kind: 'reject',
          outcome: 'rejected_oversized',
          reason: 'too big',
          tx: null,
          checkoutId: null,
        },
        t0,
      )
      await expect(
        execRaw(`UPDATE postbacks SET raw_body = 'forged' WHERE id = ${id}`),
      ).rejects.toThrow(/raw postback never changes/)
      await expect(
        execRaw(`UPDATE postbacks SET institution = 'X' WHERE id = ${id}`),
      ).rejects.toThrow(/raw postback never changes/)
      await expect(
        execRaw(`UPDATE postbacks SET outcome = 'accepted' WHERE id = ${id}`),
      ).rejects.toThrow(/settled once/)
      await expect(execRaw(`DELETE FROM postbacks WHERE id = ${id}`)).rejects.toThrow(/append-only/)
      expect(await repo.getPostback(id)).toMatchObject({
        rawBody: 'result=0&tx=1',
        outcome: 'rejected_oversized',
        reason: 'too big',
      })
      expect(await repo.listPostbacks({ afterId: id })).toEqual([])
      expect((await repo.listPostbacks()).map((postback) => postback.id)).toEqual([id])
    })
  })

  it('keeps the raw postback, alone and unsettled, when applying it fails', async () => {
    await using(open, async ({ repo }) => {
      const broken = {
        kind: 'unmatched' as const,
        checkoutId: null,
        tx: 'tx-broken',
        amountCents: 100,
        // The exception's reason is NOT NULL: applying this fails inside the database.
        reason: null as unknown as string,
      }
      await expect(
        repo.storePostback(rawPostback({ rawBody: 'result=0&tx=tx-broken' }), broken, t0),
      ).rejects.toThrow()
      const kept = await repo.listPostbacks()
      expect(kept.map((postback) => [postback.rawBody, postback.outcome])).toEqual([
        ['result=0&tx=tx-broken', null],
      ])
      expect(await repo.listExceptions()).toEqual([])
    })
  })

  it('stores concurrent postbacks each once, whatever else fails beside them', async () => {
    await using(open, async ({ repo }) => {
      for (const id of ['c1', 'c2', 'c3']) await repo.createCheckout(checkout(id))
      const results = await Promise.allSettled([
        repo.storePostback(rawPostback(), accept('c1', 'tx-1'), t0),
        repo.storePostback(
          rawPostback(),
          // Fails inside the database (NOT NULL reason), between the others.
          {
            kind: 'unmatched',
            checkoutId: null,
            tx: 'tx-x',
            amountCents: 100,
            reason: null as unknown as string,
          },
          t0,
        ),
        repo.storePostback(rawPostback(), accept('c2', 'tx-2'), t0),
        repo.storePostback(rawPostback(), accept('c3', 'tx-3'), t0),
        repo.storePostback(rawPostback(), accept('c1', 'tx-1'), t0),
      ])
      const kinds = results.map((result) =>
        result.status === 'fulfilled' ? result.value.kind : 'failed',
      )
      // The two postbacks of tx-1 may settle in either order (PostgreSQL runs them in parallel).
      expect([kinds[0], kinds[4]].sort()).toEqual(['accepted', 'duplicate'])
      expect(kinds.slice(1, 4)).toEqual(['failed', 'accepted', 'accepted'])
      for (const id of ['c1', 'c2', 'c3']) {
        expect((await repo.getCheckout(id))?.status).toBe('paid')
      }
      expect(await repo.listPostbacks()).toHaveLength(5)
      expect((await repo.listPostings('c1')).length).toBe(checkout('c1').lines.length)
    })
  })

  it('keeps only the newest refused requests, never a body', async () => {
    await using(open, async ({ repo }) => {
      for (let i = 0; i < 7; i++) {
        await repo.recordRefusedRequest(
          {
            institution: i === 6 ? institution : null,
            receivedAt: t0 + i,
            sourceIp: `203.0.113.${i}`,
            method: 'POST',
            reason: i === 6 ? 'address_not_allowed' : 'wrong_secret',
            contentType: 'application/x-www-form-urlencoded',
            bodyBytes: 15_000,
          },
          5,
        )
      }
      const kept = await repo.listRefusedRequests()
      expect(kept.map((r) => r.sourceIp)).toEqual([
        '203.0.113.6',
        '203.0.113.5',
        '203.0.113.4',
        '203.0.113.3',
        '203.0.113.2',
      ])
      expect(must(kept[0])).toMatchObject({ institution, reason: 'address_not_allowed' })
      expect(await repo.listRefusedRequests({ limit: 2 })).toHaveLength(2)
    })
  })
}
