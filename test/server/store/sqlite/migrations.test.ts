import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { checkoutStatuses } from '../../../../common/api.ts'
import { postingStatuses } from '../../../../server/store/repository.ts'
import { openDatabase } from '../../../../server/store/sqlite/database.ts'
import { openSqliteRepository } from '../../../../server/store/sqlite/index.ts'
import {
  applyMigrations,
  MigrationError,
  migrations,
  sqlList,
  type Migration,
} from '../../../../server/store/sqlite/migrations.ts'
import {
  legacyMailColumns,
  legacyMailRows,
  upgradedMailQuery,
  upgradedMailRows,
} from '../secretMailUpgrade.ts'

const versionsSchema = z.array(z.object({ version: z.number(), name: z.string() }))

function appliedVersions(path: string): number[] {
  const db = new DatabaseSync(path)
  try {
    return versionsSchema
      .parse(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all())
      .map((row) => row.version)
  } finally {
    db.close()
  }
}

describe('server/store/sqlite/migrations', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-migrations-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('applies every step once on a fresh file and none on re-open', async () => {
    const path = join(dir, 'nested', 'folder', 'kiosk.sqlite')
    const first = await openSqliteRepository(path)
    await first.close()
    expect(appliedVersions(path)).toEqual(migrations.map((m) => m.version))

    const db = openDatabase(path)
    expect(applyMigrations(db)).toEqual([])
    db.close()
    const again = await openSqliteRepository(`sqlite://${path}`)
    await again.ping()
    await again.close()
    expect(appliedVersions(path)).toEqual(migrations.map((m) => m.version))
  })

  it('builds each CHECK constraint from the status list the code uses', async () => {
    const path = join(dir, 'kiosk.sqlite')
    await (await openSqliteRepository(path)).close()
    const db = new DatabaseSync(path)
    const tableSql = (table: string) =>
      z
        .object({ sql: z.string() })
        .parse(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table)).sql
    try {
      expect(tableSql('checkouts')).toContain(`status IN (${sqlList(checkoutStatuses)})`)
      expect(tableSql('alma_postings')).toContain(`status IN (${sqlList(postingStatuses)})`)
    } finally {
      db.close()
    }
  })

  it('applies only the new step when a later version adds one', () => {
    const path = join(dir, 'kiosk.sqlite')
    const db = openDatabase(path)
    expect(applyMigrations(db)).toEqual(migrations.map((m) => m.version))
    const next: Migration = {
      version: 1000,
      name: 'a later step',
      sql: 'CREATE TABLE later_step (id INTEGER PRIMARY KEY) STRICT',
    }
    expect(applyMigrations(db, [...migrations, next])).toEqual([1000])
    expect(applyMigrations(db, [...migrations, next])).toEqual([])
    db.close()
    expect(appliedVersions(path)).toContain(1000)
  })

  it('empties the bodies of pay link emails sent before secret bodies were forgotten', () => {
    const db = openDatabase(join(dir, 'kiosk.sqlite'))
    try {
      applyMigrations(
        db,
        migrations.filter((step) => step.version <= 11),
      )
      const insert = db.prepare(
        `INSERT INTO mail_messages (${legacyMailColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      for (const row of legacyMailRows) insert.run(...row)
      expect(applyMigrations(db)).toContain(12)
      expect(db.prepare(upgradedMailQuery).all()).toEqual(upgradedMailRows((on) => (on ? 1 : 0)))
    } finally {
      db.close()
    }
  })

  it('refuses a file migrated by a newer service', () => {
    const path = join(dir, 'kiosk.sqlite')
    const db = openDatabase(path)
    applyMigrations(db, [
      ...migrations,
      { version: 2000, name: 'future', sql: 'CREATE TABLE future (id INTEGER) STRICT' },
    ])
    expect(() => applyMigrations(db)).toThrow(MigrationError)
    db.close()
  })

  it('rolls a failing step back whole', () => {
    const path = join(dir, 'kiosk.sqlite')
    const db = openDatabase(path)
    const broken: Migration = {
      version: 1,
      name: 'half broken',
      sql: 'CREATE TABLE first_half (id INTEGER) STRICT; CREATE TABLE first_half (id INTEGER) STRICT;',
    }
    expect(() => applyMigrations(db, [broken])).toThrow(MigrationError)
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'first_half'`)
      .all()
    expect(tables).toEqual([])
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 })
    db.close()
  })

  it('opens with WAL, synchronous FULL, foreign keys and a busy timeout', async () => {
    const path = join(dir, 'kiosk.sqlite')
    const repo = await openSqliteRepository(path)
    await repo.close()
    const db = openDatabase(path)
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 })
    expect(db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 })
    expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 })
    db.close()
  })
})
