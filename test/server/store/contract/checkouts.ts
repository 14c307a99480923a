import { expect, it } from 'vitest'
import { checkout, institution, must, t0, type RepositoryFactory, using } from './support.ts'

export function checkoutContract(open: RepositoryFactory): void {
  it('stores a checkout with its lines, its institution and an audit event', async () => {
    await using(open, async ({ repo }) => {
      await repo.createCheckout(checkout('c1'))
      const stored = await repo.getCheckout('c1')
      expect(stored).toMatchObject({
        id: 'c1',
        institution,
        status: 'pending',
        channel: 'kiosk:kiosk-1',
        primaryId: 'mgarcia01',
        patronName: 'María García',
        amountCents: 1775,
        cashnetTx: null,
        paidAt: null,
        feeBalances: { 'fee-1': 1250, 'fee-2': 2500, 'fee-3': 525 },
      })
      expect(
        stored?.lines.map((l) => [l.lineNo, l.feeId, l.amountCents, l.title, l.itemCode]),
      ).toEqual([
        [1, 'fee-1', 1250, 'The social life of language', 'LIB-FINE'],
        [2, 'fee-3', 525, null, 'LIB-FINE'],
      ])
      const events = await repo.listEvents({ checkoutId: 'c1' })
      expect(events.map((e) => [e.type, e.institution])).toEqual([
        ['checkout_created', institution],
      ])
      expect(await repo.getCheckout('nope')).toBeNull()
    })
  })

  it('rolls a failed multi-step change back whole', async () => {
    await using(open, async ({ repo }) => {
      const bad = checkout('c1')
      bad.lines.push({ ...must(bad.lines[0]), amountCents: 0 })
      await expect(repo.createCheckout(bad)).rejects.toThrow()
      expect(await repo.getCheckout('c1')).toBeNull()
      expect(await repo.listEvents()).toEqual([])
    })
  })

  it('applies guarded transitions only from the allowed statuses', async () => {
    await using(open, async ({ repo }) => {
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
      expect(await repo.transitionCheckout('nope', cancel)).toBeNull()
      expect((await repo.getCheckout('c1'))?.message).toBe('Cancelled at the kiosk.')
      expect((await repo.listEvents({ checkoutId: 'c1' })).map((e) => e.type)).toEqual([
        'checkout_created',
        'checkout_cancelled',
      ])
    })
  })

  it('expires pending checkouts past their time, and only those', async () => {
    await using(open, async ({ repo }) => {
      await repo.createCheckout(checkout('old', { expiresAt: t0 + 10 }))
      await repo.createCheckout(checkout('new', { expiresAt: t0 + 1_000 }))
      expect(await repo.expirePendingCheckouts(t0 + 10)).toEqual(['old'])
      expect(await repo.expirePendingCheckouts(t0 + 10)).toEqual([])
      expect((await repo.getCheckout('old'))?.status).toBe('expired')
      expect((await repo.getCheckout('new'))?.status).toBe('pending')
    })
  })
}
