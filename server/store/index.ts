/**
 * The one way the service opens its storage: `DATABASE_URL` says which engine. `postgres://…`
 * opens PostgreSQL (several instances may share it); anything else is a SQLite file (one
 * instance). Both answer the same interfaces, proven by `test/server/store/contract/`.
 */
import type { MailQueue } from './mailQueue.ts'
import type { PayLinkRepository } from './payLinks.ts'
import type { PaySessionStore } from './paySessions.ts'
import {
  connectionFromUrl,
  isPostgresUrl,
  openPostgresStore,
  type PostgresStore,
} from './postgres/index.ts'
import type { PaymentsRepository } from './repository.ts'
import {
  openSqliteMailQueue,
  openSqlitePaySessionStore,
  openSqliteRepository,
  openSqliteStaffStore,
} from './sqlite/index.ts'
import type { StaffRepository } from './staff.ts'
import type { StaffQueries } from './staffQueries.ts'

export interface OpenedStore {
  engine: 'sqlite' | 'postgres'
  repo: PaymentsRepository & { readonly staffQueries: StaffQueries }
  staff: StaffRepository & { readonly payLinks: PayLinkRepository }
  /** The mail queue on the same database (opened on first use: a service without mail has none). */
  openMailQueue(): Promise<MailQueue>
  /** The patron pay pages' sessions, in the same database (shared by every instance on PostgreSQL). */
  paySessions: PaySessionStore
  /** Set on PostgreSQL: what several instances share beyond the repositories. */
  postgres: PostgresStore | null
  close(): Promise<void>
}

export interface OpenStoreOptions {
  /** Relative SQLite paths resolve against this (default: the working directory). */
  cwd?: string
  /** PostgreSQL: the schema the tables live in (tests); default the server's search_path. */
  schema?: string
  /** PostgreSQL: connections per instance (default 10). */
  poolSize?: number
  onPoolError?: (error: Error) => void
}

export async function openStore(
  config: { databaseUrl: string },
  options: OpenStoreOptions = {},
): Promise<OpenedStore> {
  if (isPostgresUrl(config.databaseUrl)) {
    const postgres = await openPostgresStore(
      {
        ...connectionFromUrl(config.databaseUrl),
        ...(options.schema ? { schema: options.schema } : {}),
        ...(options.poolSize ? { max: options.poolSize } : {}),
      },
      options.onPoolError ? { onPoolError: options.onPoolError } : {},
    )
    return {
      engine: 'postgres',
      repo: postgres.repo,
      staff: postgres.staff,
      postgres,
      openMailQueue: () => Promise.resolve(postgres.mail),
      paySessions: postgres.paySessions,
      close: () => postgres.close(),
    }
  }
  const repo = await openSqliteRepository(
    config.databaseUrl,
    options.cwd ? { cwd: options.cwd } : {},
  )
  const staff = await openSqliteStaffStore(config.databaseUrl, options.cwd)
  const paySessions = await openSqlitePaySessionStore(config.databaseUrl, options.cwd)
  return {
    engine: 'sqlite',
    repo,
    staff,
    postgres: null,
    openMailQueue: () => openSqliteMailQueue(config.databaseUrl, options.cwd),
    paySessions,
    close: async () => {
      await paySessions.close()
      await staff.close()
      await repo.close()
    },
  }
}
