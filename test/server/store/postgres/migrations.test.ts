import { describe, expect, it } from 'vitest'
import { migratePostgres, openPostgresStore } from '../../../../server/store/postgres/index.ts'
import { pgMigrations } from '../../../../server/store/postgres/migrations.ts'
import { createClient, type PgConnectionOptions } from '../../../../server/store/postgres/pool.ts'
import {
  legacyMailColumns,
  legacyMailRows,
  upgradedMailQuery,
  upgradedMailRows,
} from '../secretMailUpgrade.ts'
import { testDatabase } from './testDatabase.ts'

const database = await testDatabase()

async function query(connection: PgConnectionOptions, sql: string): Promise<unknown[]> {
  const client = createClient(connection)
  await client.connect()
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows
  } finally {
    await client.end()
  }
}

describe.skipIf(!database.available)('server/store/postgres: migrations and connections', () => {
  const url = database.available ? database.url : ''

  it('migrates once when two instances start at the same moment on an empty database', async () => {
    const connection = { url, schema: 'race', max: 2 }
    const [first, second] = await Promise.all([
      openPostgresStore(connection),
      openPostgresStore(connection),
    ])
    try {
      await Promise.all([first.repo.ping(), second.repo.ping()])
      expect(await query(connection, 'SELECT version FROM schema_migrations ORDER BY 1')).toEqual(
        pgMigrations.map((step) => ({ version: step.version })),
      )
      // Both see the same tables: what one writes, the other reads.
      await first.staff.appendAudit({
        at: 1,
        actor: 'a',
        institution: null,
        action: 'x',
        target: null,
        detail: {},
      })
      expect(await second.staff.listAudit()).toHaveLength(1)
      expect(await migratePostgres(connection)).toEqual([])
    } finally {
      await first.close()
      await second.close()
    }
  })

  it('empties the bodies of pay link emails sent before secret bodies were forgotten', async () => {
    const connection = { url, schema: 'secret_mail' }
    await migratePostgres(
      connection,
      pgMigrations.filter((step) => step.version <= 3),
    )
    const client = createClient(connection)
    await client.connect()
    try {
      for (const row of legacyMailRows) {
        await client.query(
          `INSERT INTO mail_messages (${legacyMailColumns})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [...row],
        )
      }
    } finally {
      await client.end()
    }
    expect(await migratePostgres(connection)).toContain(4)
    expect(await query(connection, upgradedMailQuery)).toEqual(upgradedMailRows((on) => on))
  })

  it('refuses a database a newer service migrated', async () => {
    const connection = { url, schema: 'newer' }
    await migratePostgres(connection)
    await query(connection, `INSERT INTO schema_migrations VALUES (999, 'future', 0)`)
    await expect(openPostgresStore(connection)).rejects.toThrow(/newer than this service knows/)
  })

  it('sets the statement and lock timeouts on every connection and refuses TRUNCATE of evidence', async () => {
    const connection = { url, schema: 'settings', statementTimeoutMs: 1234, lockTimeoutMs: 567 }
    await migratePostgres(connection)
    expect(await query(connection, 'SHOW statement_timeout')).toEqual([
      { statement_timeout: '1234ms' },
    ])
    expect(await query(connection, 'SHOW lock_timeout')).toEqual([{ lock_timeout: '567ms' }])
    await expect(query(connection, 'TRUNCATE postbacks CASCADE')).rejects.toThrow(/append-only/)
    await expect(query(connection, 'TRUNCATE audit_log')).rejects.toThrow(/append-only/)
    await expect(query(connection, 'SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/)
  })

  it('returns bigint money and times as JS numbers, and refuses one beyond 2^53', async () => {
    const store = await openPostgresStore({ url, schema: 'numbers' })
    try {
      const big = 90_071_992_547_409 // cents: far beyond any payment, still exact
      expect(await store.db.read((sql) => sql.get('SELECT $1::bigint AS n', [big]))).toEqual({
        n: big,
      })
      await expect(
        store.db.read((sql) => sql.get(`SELECT '9007199254740993'::bigint AS n`)),
      ).rejects.toThrow(/beyond a safe JS integer/)
    } finally {
      await store.close()
    }
  })
})
