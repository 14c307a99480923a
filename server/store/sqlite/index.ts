import { applyMigrations, migrations, type Migration } from './migrations.ts'
import { openDatabase, sqlitePathFrom } from './database.ts'
import { SqliteRepository } from './sqliteRepository.ts'

export { SqliteRepository } from './sqliteRepository.ts'
export { sqlitePathFrom } from './database.ts'

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
