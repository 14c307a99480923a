/**
 * Opens the PostgreSQL store: migrations first (on a dedicated connection, under the advisory lock
 * in `migrations.ts`), then one pool shared by the payments repository, the staff store, the
 * staff console's reads, the mail queue and the pay sessions.
 */
import { PgDb } from './db.ts'
import { applyPgMigrations, pgMigrations, type PgMigration } from './migrations.ts'
import { PgMailQueue } from './mailQueue.ts'
import { PgPaySessionStore } from './paySessionStore.ts'
import { PgRepository } from './pgRepository.ts'
import { createClient, createPool, type PgConnectionOptions } from './pool.ts'
import { PgStaffStore } from './staffStore.ts'

export { connectionFromUrl, isPostgresUrl, type PgConnectionOptions } from './pool.ts'

export interface PostgresStore {
  repo: PgRepository
  staff: PgStaffStore
  mail: PgMailQueue
  paySessions: PgPaySessionStore
  db: PgDb
  /** How to open more connections to the same database and schema (LISTEN, tests). */
  connection: PgConnectionOptions
  close(): Promise<void>
}

/** Applies pending migrations on a connection of its own; answers the versions applied now. */
export async function migratePostgres(
  connection: PgConnectionOptions,
  steps: readonly PgMigration[] = pgMigrations,
): Promise<number[]> {
  const client = createClient(connection)
  await client.connect()
  try {
    return await applyPgMigrations(client, {
      steps,
      ...(connection.schema ? { schema: connection.schema } : {}),
    })
  } finally {
    await client.end()
  }
}

export async function openPostgresStore(
  connection: PgConnectionOptions,
  options: { migrations?: readonly PgMigration[]; onPoolError?: (error: Error) => void } = {},
): Promise<PostgresStore> {
  await migratePostgres(connection, options.migrations)
  const db = new PgDb(createPool(connection, options.onPoolError))
  return {
    repo: new PgRepository(db),
    staff: new PgStaffStore(db),
    mail: new PgMailQueue(db),
    paySessions: new PgPaySessionStore(db),
    db,
    connection,
    close: () => db.close(),
  }
}
