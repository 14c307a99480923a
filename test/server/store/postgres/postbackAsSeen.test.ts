/**
 * PostgreSQL applies a payment for a checkout still as the ingest saw it in one statement, its own
 * commit (the round trips are what a busy instance is short of); only a checkout that changed since
 * takes the locking transaction. What both paths store is the storage contract's to check.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openPostgresStore, type PostgresStore } from '../../../../server/store/postgres/index.ts'
import { accept, checkout, must, paid, rawPostback, t0 } from '../contract/support.ts'
import { testDatabase } from './testDatabase.ts'

const database = await testDatabase()
const opened: PostgresStore[] = []
let schemas = 0

afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(opened.splice(0).map((store) => store.close()))
})

async function store(): Promise<PostgresStore> {
  if (!database.available) throw new Error('no database')
  const next = await openPostgresStore({ url: database.url, schema: `as_seen_${++schemas}` })
  opened.push(next)
  return next
}

describe.skipIf(!database.available)('server/store/postgres: a payment as seen', () => {
  it('goes in one statement when the checkout is as seen, without a transaction', async () => {
    const { repo, db } = await store()
    await repo.createCheckout(checkout('c1'))
    const seen = must(await repo.getCheckout('c1'))
    const reads = vi.spyOn(db, 'read')
    const transactions = vi.spyOn(db, 'transaction')
    const stored = await repo.storePostback(rawPostback(), accept('c1', 'tx-1', 1775, seen), t0)
    expect(stored.kind).toBe('accepted')
    expect(reads).toHaveBeenCalledTimes(1)
    expect(transactions).not.toHaveBeenCalled()
  })

  it('settles the row it already stored when the checkout changed since', async () => {
    const { repo, db } = await store()
    await repo.createCheckout(checkout('c1'))
    const seen = must(await repo.getCheckout('c1'))
    await repo.storePostback(rawPostback(), accept('c1', 'tx-1', 1775, seen), t0)
    const transactions = vi.spyOn(db, 'transaction')
    const again = await repo.storePostback(rawPostback(), accept('c1', 'tx-1', 1775, seen), t0)
    expect(again.kind).toBe('duplicate')
    expect(transactions).toHaveBeenCalledTimes(1)
    expect((await repo.listPostbacks()).map((postback) => postback.outcome)).toEqual([
      'accepted',
      'duplicate',
    ])
  })

  it('applies the payments as seen of one turn in one statement, one commit', async () => {
    const { repo, db } = await store()
    const ids = ['c1', 'c2', 'c3']
    for (const id of ids) await repo.createCheckout(checkout(id))
    const seen = await Promise.all(ids.map(async (id) => must(await repo.getCheckout(id))))
    const reads = vi.spyOn(db, 'read')
    const transactions = vi.spyOn(db, 'transaction')
    const stored = await Promise.all(
      seen.map((one, index) =>
        repo.storePostback(rawPostback(), accept(one.id, `tx-${index}`, 1775, one), t0),
      ),
    )
    expect(stored.map((one) => one.kind)).toEqual(['accepted', 'accepted', 'accepted'])
    expect(reads).toHaveBeenCalledTimes(1)
    expect(transactions).not.toHaveBeenCalled()
  })

  it('applies each alone when the shared statement fails, and keeps none of it twice', async () => {
    const { repo, db } = await store()
    await paid(repo, 'c0', 'tx-0')
    const ids = ['c1', 'c2', 'c3']
    for (const id of ids) await repo.createCheckout(checkout(id))
    const seen = await Promise.all(ids.map(async (id) => must(await repo.getCheckout(id))))
    const reads = vi.spyOn(db, 'read')
    // c1's tx already paid c0: the unique tx fails the shared statement, whole.
    const stored = await Promise.all(
      seen.map((one, index) =>
        repo.storePostback(rawPostback(), accept(one.id, `tx-${index}`, 1775, one), t0),
      ),
    )
    expect(stored.map((one) => one.kind)).toEqual(['unmatched', 'accepted', 'accepted'])
    // The shared statement, then each payment's own.
    expect(reads).toHaveBeenCalledTimes(1 + ids.length)
    expect(await repo.listPostbacks()).toHaveLength(1 + ids.length)
  })
})
