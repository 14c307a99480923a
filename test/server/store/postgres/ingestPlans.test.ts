/**
 * The ingest's batched statements (checkouts read together, payments applied together) are
 * planned once per connection and then reused, whatever the size of each call's batch: planning
 * them afresh for every call had cost PostgreSQL more than running them.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openPostgresStore, type PostgresStore } from '../../../../server/store/postgres/index.ts'
import { accept, checkout, must, rawPostback, t0 } from '../contract/support.ts'
import { testDatabase } from './testDatabase.ts'

const database = await testDatabase()
const opened: PostgresStore[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()))
})

/** Calls of each batch size, so a plan tailored to the size would show as a custom plan a call. */
const batchSizes = [2, 3, 2, 4, 3, 2, 5, 3, 2, 4]

describe.skipIf(!database.available)('server/store/postgres: the ingest statements', () => {
  it('are planned once per connection, not once per batch', async () => {
    if (!database.available) throw new Error('no database')
    // One connection, so every call and the view of its prepared statements share it.
    const store = await openPostgresStore({ url: database.url, schema: 'ingest_plans', max: 1 })
    opened.push(store)
    const { repo, db } = store
    let next = 0
    for (const size of batchSizes) {
      const ids = Array.from({ length: size }, () => `c${++next}`)
      for (const id of ids) await repo.createCheckout(checkout(id))
      // Read together (one query), then paid together (one statement).
      const seen = await Promise.all(ids.map(async (id) => must(await repo.getCheckout(id))))
      const stored = await Promise.all(
        seen.map((one) =>
          repo.storePostback(rawPostback(), accept(one.id, `tx-${one.id}`, 1775, one), t0),
        ),
      )
      expect(stored.map((one) => one.kind)).toEqual(ids.map(() => 'accepted'))
    }
    const plans = await db.read((sql) =>
      sql.all(
        `SELECT statement, generic_plans::int AS generic, custom_plans::int AS custom
         FROM pg_prepared_statements`,
      ),
    )
    // PostgreSQL tries five custom plans before it weighs the generic one; past that, a statement
    // still planned afresh for each call is one whose plan follows its batch's size.
    for (const plan of plans) expect(plan.custom, String(plan.statement)).toBeLessThanOrEqual(5)
    // The read and the payments statement were among them, run once a batch.
    const runs = plans.map((plan) => Number(plan.generic) + Number(plan.custom))
    expect(runs.filter((count) => count >= batchSizes.length).length).toBeGreaterThanOrEqual(2)
  })
})
