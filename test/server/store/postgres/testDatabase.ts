/**
 * Where PostgreSQL comes from in tests: `TEST_DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/test`) names a server and a database to connect to; each test
 * file creates its own database `kiosk_test_<random>` there and drops it after. When the server
 * cannot be reached, CI (the `CI` variable set) fails the file; elsewhere (a laptop without
 * PostgreSQL) the file's tests are skipped with the reason printed.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll } from 'vitest'

const defaultTestDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/test'

export type TestDatabase =
  | { available: true; url: string; name: string; schemaUrl: (schema: string) => string }
  | { available: false; reason: string }

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/**
 * A fresh database for this test file (dropped after all its tests), or why there is none. Call at
 * the top level of a test file: `const db = await testDatabase()`.
 */
export async function testDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? defaultTestDatabaseUrl
  const name = `kiosk_test_${randomBytes(6).toString('hex')}`
  try {
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`)
  } catch (error) {
    const reason = `PostgreSQL at ${serverUrl.replace(/\/\/[^@/]*@/, '//…@')} is not reachable (${error instanceof Error ? error.message : String(error)})`
    if (process.env.CI) {
      throw new Error(`${reason}; CI must run the PostgreSQL suite. Set TEST_DATABASE_URL.`, {
        cause: error,
      })
    }
    console.warn(`Skipping the PostgreSQL tests: ${reason}. Set TEST_DATABASE_URL to run them.`)
    return { available: false, reason }
  }
  afterAll(async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })
  const url = withDatabase(serverUrl, name)
  return { available: true, url, name, schemaUrl: () => url }
}
