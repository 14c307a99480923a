/**
 * PostgreSQL connections: one `pg` pool per store, every connection with a statement and a lock
 * timeout (a stuck query or a held lock fails the request instead of hanging the service), an
 * optional schema (tests give each run its own), and bigints returned as JS numbers — money is
 * integer cents and times are epoch milliseconds, both far inside 2^53, and a value outside it is
 * an error, never a silently rounded number.
 */
import pg from 'pg'

export interface PgConnectionOptions {
  /** `postgres://user@host:port/database` (or `postgresql://`). */
  url: string
  /** Tables live in this schema (created when missing); default: the server's search_path. */
  schema?: string
  /** Connections in the pool (default 10). */
  max?: number
  statementTimeoutMs?: number
  lockTimeoutMs?: number
  /** Shown in pg_stat_activity. */
  applicationName?: string
}

const defaultStatementTimeoutMs = 15_000
const defaultLockTimeoutMs = 5_000

/** Whether `DATABASE_URL` names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim())
}

/**
 * The connection a `DATABASE_URL` describes. `?schema=name` (ours, not libpq's) keeps the tables in
 * that schema, e.g. one database for several services or test runs.
 */
export function connectionFromUrl(databaseUrl: string): PgConnectionOptions {
  const parsed = new URL(databaseUrl.trim())
  const schema = parsed.searchParams.get('schema')
  parsed.searchParams.delete('schema')
  return { url: parsed.toString(), ...(schema ? { schema: checkedSchema(schema) } : {}) }
}

/** A schema name we put in SQL unquoted: plain lower-case identifiers only. */
function checkedSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Not a plain PostgreSQL schema name: "${schema}".`)
  }
  return schema
}

function parseBigint(text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`A bigint from PostgreSQL is beyond a safe JS integer: ${text}.`)
  }
  return value
}

/** bigint's type id (int8) in every PostgreSQL. */
const int8Oid = 20

/** Type parsers for this pool only (the global `pg.types` stay untouched). */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format: 'text' | 'binary' = 'text') =>
    oid === int8Oid
      ? parseBigint
      : (pg.types.getTypeParser as (id: number, f: string) => unknown)(
          oid,
          format,
        )) as pg.CustomTypesConfig['getTypeParser'],
}

/** The settings every connection starts with, as libpq `options`. */
function connectionOptions(options: PgConnectionOptions): string {
  const settings = [
    `statement_timeout=${options.statementTimeoutMs ?? defaultStatementTimeoutMs}`,
    `lock_timeout=${options.lockTimeoutMs ?? defaultLockTimeoutMs}`,
    // Times are epoch ms in bigint columns; UTC keeps any timestamp arithmetic unambiguous.
    'TimeZone=UTC',
  ]
  if (options.schema) settings.push(`search_path=${checkedSchema(options.schema)}`)
  return settings.map((setting) => `-c ${setting}`).join(' ')
}

function pgClientConfig(options: PgConnectionOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    options: connectionOptions(options),
    application_name: options.applicationName ?? 'library-kiosk',
    types,
  }
}

/** A pool whose idle-client errors are logged instead of crashing the process. */
export function createPool(
  options: PgConnectionOptions,
  onError: (error: Error) => void = () => undefined,
): pg.Pool {
  const pool = new pg.Pool({
    ...pgClientConfig(options),
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  })
  pool.on('error', onError)
  return pool
}

/** A single client outside the pool (LISTEN needs one that stays). */
export function createClient(options: PgConnectionOptions): pg.Client {
  return new pg.Client(pgClientConfig(options))
}
