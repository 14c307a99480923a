import { describe, it } from 'vitest'
import { openPostgresStore, type PostgresStore } from '../../../../server/store/postgres/index.ts'
import { createClient } from '../../../../server/store/postgres/pool.ts'
import { describePaymentsRepositoryContract } from '../contract/index.ts'
import { testDatabase } from './testDatabase.ts'

const database = await testDatabase()

if (database.available) {
  let schemas = 0
  // Every test gets a schema of its own in this file's database: empty tables, fresh ids.
  describePaymentsRepositoryContract('server/store/postgres', async () => {
    const connection = { url: database.url, schema: `contract_${++schemas}`, max: 4 }
    const store = await openPostgresStore(connection)
    const others: PostgresStore[] = []
    return {
      repo: store.repo,
      staff: store.staff,
      queries: store.repo.staffQueries,
      mail: store.mail,
      async openAnotherMail() {
        const other = await openPostgresStore({ ...connection, max: 2 })
        others.push(other)
        return other.mail
      },
      paySessions: store.paySessions,
      async openAnotherPaySessions() {
        const other = await openPostgresStore({ ...connection, max: 2 })
        others.push(other)
        return other.paySessions
      },
      async openAnother() {
        const other = await openPostgresStore({ ...connection, max: 2 })
        others.push(other)
        return other.repo
      },
      async execRaw(sql) {
        const client = createClient(connection)
        await client.connect()
        try {
          await client.query(sql)
        } finally {
          await client.end()
        }
      },
      async close() {
        for (const other of others) await other.close()
        await store.close()
      },
    }
  })
} else {
  describe.skip(`server/store/postgres: ${database.reason}`, () => {
    it('needs PostgreSQL', () => undefined)
  })
}
