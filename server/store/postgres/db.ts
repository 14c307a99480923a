/**
 * The plumbing every PostgreSQL aggregate shares: queries on a pooled connection, transactions
 * (READ COMMITTED with explicit row locks; retried whole on a deadlock or serialization failure),
 * and the audit event written with a change.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'

/** pg sends a JS array as a PostgreSQL array (`= ANY($1::text[])`). */
export type SqlParam = string | number | boolean | null | readonly (string | null)[]

/**
 * A statement each connection parses and plans once, then runs by name: for the hottest paths,
 * where sending and planning the text again each time is much of the cost. Only for statements
 * whose result columns are spelled out (no `*`): a prepared statement fails when a migration by
 * another instance changes its result's shape.
 */
export interface PreparedSql {
  readonly name: string
  readonly text: string
}

/** `text` as a prepared statement, named by its hash (the same text, the same name). */
export function prepared(text: string): PreparedSql {
  return { name: `k_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text }
}

type Statement = string | PreparedSql

/** What an aggregate gets: one connection, inside a transaction or not. */
export interface Sql {
  all(sql: Statement, params?: readonly SqlParam[]): Promise<Record<string, unknown>[]>
  /** The first row, or undefined. */
  get(sql: Statement, params?: readonly SqlParam[]): Promise<Record<string, unknown> | undefined>
  /** Runs a write; answers the number of rows changed. */
  run(sql: Statement, params?: readonly SqlParam[]): Promise<number>
  /** The audit event recorded with a change, in the change's transaction. */
  event(
    institution: string,
    at: number,
    checkoutId: string | null,
    type: string,
    detail: Record<string, unknown>,
  ): Promise<void>
}

type Queryable = Pick<pg.PoolClient, 'query'>

function queryOf(sql: Statement, params: readonly SqlParam[]): pg.QueryConfig {
  return typeof sql === 'string'
    ? { text: sql, values: [...params] }
    : { name: sql.name, text: sql.text, values: [...params] }
}

function sqlOn(client: Queryable): Sql {
  const all = async (sql: Statement, params: readonly SqlParam[] = []) =>
    (await client.query<Record<string, unknown>>(queryOf(sql, params))).rows
  return {
    all,
    get: async (sql, params) => (await all(sql, params))[0],
    run: async (sql, params = []) => (await client.query(queryOf(sql, params))).rowCount ?? 0,
    event: async (institution, at, checkoutId, type, detail) => {
      await client.query(
        'INSERT INTO events (institution, at, checkout_id, type, detail) VALUES ($1, $2, $3, $4, $5)',
        [institution, at, checkoutId, type, JSON.stringify(detail)],
      )
    },
  }
}

/** deadlock_detected, serialization_failure: the transaction did nothing and may run again. */
const retryableCodes = new Set(['40P01', '40001'])
const maxTries = 3

function isRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    retryableCodes.has(String(error.code))
  )
}

export class PgDb {
  readonly pool: pg.Pool
  private closed = false

  constructor(pool: pg.Pool) {
    this.pool = pool
  }

  private check(): void {
    if (this.closed) throw new Error('The payments store is closed.')
  }

  /** Plain statements, each on whichever pooled connection is free (autocommit). */
  async read<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    this.check()
    return work(sqlOn(this.pool))
  }

  /** One BEGIN … COMMIT on one connection: other connections see the change whole or not at all. */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    this.check()
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect()
      let broken = false
      try {
        await client.query('BEGIN')
        const result = await work(sqlOn(client))
        await client.query('COMMIT')
        return result
      } catch (error) {
        try {
          await client.query('ROLLBACK')
        } catch {
          broken = true
        }
        if (attempt < maxTries && isRetryable(error)) continue
        throw error
      } finally {
        client.release(broken)
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }
}
