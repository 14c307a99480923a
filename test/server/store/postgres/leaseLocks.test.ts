/**
 * A worker posts a checkout's lines in parallel, and each line's pay renews the checkout's lease:
 * several statements that lock all of a checkout's rows run at once, beside transactions that
 * update one row each. They must take the rows in one order, or PostgreSQL finds a deadlock and
 * kills one (which, outside a transaction, nothing retries).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openPostgresStore, type PostgresStore } from '../../../../server/store/postgres/index.ts'
import { accept, checkout, rawPostback, t0 } from '../contract/support.ts'
import { testDatabase } from './testDatabase.ts'

const database = await testDatabase()
const opened: PostgresStore[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()))
})

describe.skipIf(!database.available)('server/store/postgres: a checkout’s lease', () => {
  it('is renewed by parallel pays beside per-row attempts without a deadlock', async () => {
    if (!database.available) throw new Error('no database')
    const store = await openPostgresStore({ url: database.url, schema: 'lease_locks', max: 20 })
    opened.push(store)
    const { repo } = store
    const [line] = checkout('c1').lines
    if (!line) throw new Error('the test checkout has no line')
    const lines = Array.from({ length: 8 }, (_, index) => ({
      ...line,
      feeId: `fee-${index}`,
      amountCents: 100,
    }))
    await repo.createCheckout(checkout('c1', { lines, amountCents: 800 }))
    await repo.storePostback(rawPostback(), accept('c1', 'tx-1', 800), t0)
    const claim = await repo.claimPostings('worker-a', t0, 60_000)
    expect(claim?.postings).toHaveLength(8)
    const ids = claim?.postings.map((posting) => posting.id) ?? []

    const failures: unknown[] = []
    for (let round = 0; round < 60; round++) {
      const now = t0 + round
      const results = await Promise.allSettled([
        ...[...ids, ...ids].map(() => repo.renewLease('c1', 'worker-a', now + 60_000)),
        ...ids.map((id) =>
          repo.recordPayAttempt(id, 'worker-a', { now, settleUntil: now + 120_000 }),
        ),
      ])
      failures.push(...results.filter((result) => result.status === 'rejected'))
    }
    expect(failures).toEqual([])
  }, 60_000)
})
