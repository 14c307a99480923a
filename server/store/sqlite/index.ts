import { applyMigrations, migrations, type Migration } from './migrations.ts'
import { openDatabase, sqlitePathFrom } from './database.ts'
import { SqliteRepository } from './sqliteRepository.ts'
import { SqliteStaffStore } from './staffStore.ts'
import { SqliteDb } from './db.ts'
import { SqliteMailQueue } from './mailQueue.ts'
import { SqlitePaySessionStore } from './paySessionStore.ts'

export { SqliteRepository } from './sqliteRepository.ts'
export { SqliteStaffStore } from './staffStore.ts'
export { SqliteMailQueue } from './mailQueue.ts'

/**
 * Opens the payments store at a path or `sqlite:` URL (the folder is created), applies pending
 * migrations and answers the repository. Async like a network database's open would be.
 */
export function openSqliteRepository(
  fileOrUrl: string,
  options: { migrations?: readonly Migration[]; cwd?: string } = {},
): Promise<SqliteRepository> {
  try {
    const path = sqlitePathFrom(fileOrUrl, options.cwd)
    const db = openDatabase(path)
    try {
      applyMigrations(db, options.migrations ?? migrations)
    } catch (error) {
      db.close()
      throw error
    }
    return Promise.resolve(new SqliteRepository(db, path))
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

/** The staff store on the same file, on its own connection (open the repository first: it migrates). */
export function openSqliteStaffStore(fileOrUrl: string, cwd?: string): Promise<SqliteStaffStore> {
  try {
    const path = sqlitePathFrom(fileOrUrl, cwd)
    return Promise.resolve(new SqliteStaffStore(openDatabase(path), path))
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

/** The mail queue on the same file, on its own connection (open the repository first: it migrates). */
export function openSqliteMailQueue(fileOrUrl: string, cwd?: string): Promise<SqliteMailQueue> {
  try {
    const path = sqlitePathFrom(fileOrUrl, cwd)
    return Promise.resolve(new SqliteMailQueue(new SqliteDb(openDatabase(path), path)))
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

/** The pay sessions on the same file, on their own connection (open the repository first: it migrates). */
export function openSqlitePaySessionStore(
  fileOrUrl: string,
  cwd?: string,
): Promise<SqlitePaySessionStore> {
  try {
    const path = sqlitePathFrom(fileOrUrl, cwd)
    return Promise.resolve(new SqlitePaySessionStore(new SqliteDb(openDatabase(path), path)))
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}
