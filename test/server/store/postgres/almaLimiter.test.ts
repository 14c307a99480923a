/**
 * The Alma limiter shared through PostgreSQL, measured on the database's own clock (the clock it
 * decides by): a slot stays taken for the window and the guard after each answer, and calls made
 * through two instances never start more than `limit` in any window.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { PgAlmaLimiter } from '../../../../server/store/postgres/almaLimiter.ts'
import type { PgDb } from '../../../../server/store/postgres/db.ts'
import { openPostgresStore, type PostgresStore } from '../../../../server/store/postgres/index.ts'
import { testDatabase } from './testDatabase.ts'

const database = await testDatabase()
const opened: PostgresStore[] = []
let schemas = 0

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()))
})

/** Two instances' stores on one fresh schema. */
async function twoStores(): Promise<[PostgresStore, PostgresStore]> {
  if (!database.available) throw new Error('no database')
  const connection = { url: database.url, schema: `limiter_${++schemas}` }
  const first = await openPostgresStore(connection)
  const second = await openPostgresStore(connection)
  opened.push(first, second)
  return [first, second]
}

async function databaseNowMs(db: PgDb): Promise<number> {
  const row = await db.read((sql) =>
    sql.get(`SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS now`),
  )
  return z.object({ now: z.number() }).parse(row).now
}

async function freeAtMs(db: PgDb, institution: string): Promise<number[]> {
  const rows = await db.read((sql) =>
    sql.all('SELECT free_at FROM alma_rate_slots WHERE institution = $1 ORDER BY slot', [
      institution,
    ]),
  )
  return rows.map((row) => z.object({ free_at: z.coerce.number() }).parse(row).free_at)
}

describe.skipIf(!database.available)('server/store/postgres: the shared Alma limiter', () => {
  it('keeps a slot for the window and the guard after the answer', async () => {
    const [store] = await twoStores()
    const limiter = new PgAlmaLimiter(store.db, {
      institution: 'SJSU',
      limit: 1,
      windowMs: 200,
      guardMs: 50,
      maxCallMs: 5_000,
    })
    const answeredAt = await limiter.run(() => databaseNowMs(store.db))
    // The release is not awaited by the caller: wait (bounded) for it to replace the in-flight hold.
    let freeAt = (await freeAtMs(store.db, 'SJSU'))[0] ?? 0
    for (let tries = 0; freeAt > answeredAt + 1_000 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      freeAt = (await freeAtMs(store.db, 'SJSU'))[0] ?? 0
    }
    expect(freeAt).toBeLessThan(answeredAt + 1_000)
    expect(freeAt - answeredAt).toBeGreaterThanOrEqual(200 + 50 - 1)

    // The next call waits for it, on the database's clock.
    const startedAt = await limiter.run(() => databaseNowMs(store.db))
    expect(startedAt - answeredAt).toBeGreaterThanOrEqual(200 + 50 - 1)
  })

  it('never lets calls through two instances start more than the limit in a window', async () => {
    const [first, second] = await twoStores()
    const options = { institution: 'CSUF', limit: 3, windowMs: 300, guardMs: 50, maxCallMs: 5_000 }
    const onFirst = new PgAlmaLimiter(first.db, options)
    const onSecond = new PgAlmaLimiter(second.db, options)
    let inFlight = 0
    let mostInFlight = 0
    const starts = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 === 0 ? onFirst : onSecond).run(async () => {
          inFlight += 1
          mostInFlight = Math.max(mostInFlight, inFlight)
          try {
            return await databaseNowMs(first.db)
          } finally {
            inFlight -= 1
          }
        }),
      ),
    )
    expect(mostInFlight).toBeLessThanOrEqual(3)
    const sorted = [...starts].sort((a, b) => a - b)
    // Any four starts span one slot's reuse: its answer, then the window and the guard.
    for (let index = 0; index + 3 < sorted.length; index++) {
      expect((sorted[index + 3] ?? 0) - (sorted[index] ?? 0)).toBeGreaterThanOrEqual(300 + 50 - 1)
    }
    expect(await freeAtMs(first.db, 'CSUF')).toHaveLength(3)
  })
})
