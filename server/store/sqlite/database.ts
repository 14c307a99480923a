import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'

/** How long a writer waits for another writer's lock before SQLITE_BUSY. */
const busyTimeoutMs = 5000

/**
 * Turns what `DATABASE_URL` may hold into a file path: a plain path, `sqlite:///abs/path`,
 * `sqlite:rel/path` (relative to `cwd`) or `file:///abs/path`.
 */
export function sqlitePathFrom(fileOrUrl: string, cwd: string = process.cwd()): string {
  const text = fileOrUrl.trim()
  if (text === '') throw new Error('The SQLite database location is empty.')
  let path: string
  if (/^sqlite:\/\//i.test(text)) {
    path = decodeURIComponent(text.slice('sqlite://'.length))
    if (!path.startsWith('/')) {
      throw new Error(`Use sqlite:///absolute/path or sqlite:relative/path, not "${text}".`)
    }
  } else if (/^sqlite:/i.test(text)) {
    path = decodeURIComponent(text.slice('sqlite:'.length))
  } else if (/^file:/i.test(text)) {
    path = fileURLToPath(text)
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new Error(`Not a SQLite location: "${text.replace(/\/\/[^@/]*@/, '//…@')}".`)
  } else {
    path = text
  }
  if (path === '' || path.endsWith('/')) throw new Error(`Not a SQLite file path: "${text}".`)
  return isAbsolute(path) ? path : resolve(cwd, path)
}

/** Opens (creating the folder and file) a database configured for durable, concurrent use. */
export function openDatabase(path: string): DatabaseSync {
  mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true })
  try {
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`)
    db.exec('PRAGMA journal_mode = WAL')
    // FULL: every commit is on disk before we answer CashNet or tell the kiosk.
    db.exec('PRAGMA synchronous = FULL')
    db.exec('PRAGMA foreign_keys = ON')
  } catch (error) {
    db.close()
    throw error
  }
  return db
}
