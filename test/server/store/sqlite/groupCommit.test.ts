import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteDb } from '../../../../server/store/sqlite/db.ts'

describe('server/store/sqlite/db: group commit', () => {
  let dir: string
  let file: string
  let db: SqliteDb

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
    file = join(dir, 'test.sqlite')
    const raw = new DatabaseSync(file)
    raw.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
      CREATE TABLE parents (id INTEGER PRIMARY KEY);
      CREATE TABLE rows (id INTEGER PRIMARY KEY, label TEXT NOT NULL,
        parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)`)
    db = new SqliteDb(raw, file)
  })
  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const labels = (path = file) => {
    const other = new DatabaseSync(path)
    try {
      return other
        .prepare('SELECT label FROM rows ORDER BY id')
        .all()
        .map((row) => row.label)
    } finally {
      other.close()
    }
  }
  const insert = (label: string | null) => () =>
    db.insert('INSERT INTO rows (label) VALUES (?)', label)

  it('commits changes queued in one turn together, answering each after the commit', async () => {
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((l) => db.groupCommit(insert(l))),
    )
    expect(answers).toEqual([1, 2, 3, 4, 5])
    expect(db.groupCommitStats()).toEqual({ commits: 1, changes: 5 })
    // Visible (committed) to another connection on the same file.
    expect(labels()).toEqual(['a', 'b', 'c', 'd', 'e'])
    await db.groupCommit(insert('f'))
    expect(db.groupCommitStats()).toEqual({ commits: 2, changes: 6 })
  })

  it('undoes a change that throws alone; its caller alone gets the error', async () => {
    const results = await Promise.allSettled([
      db.groupCommit(insert('a')),
      db.groupCommit(() => {
        db.insert('INSERT INTO rows (label) VALUES (?)', 'half-done')
        return db.insert('INSERT INTO rows (label) VALUES (?)', null)
      }),
      db.groupCommit(insert('c')),
    ])
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/)
    expect(labels()).toEqual(['a', 'c'])
  })

  it('keeps nothing of a group whose commit fails, and tells every caller', async () => {
    const results = await Promise.allSettled([
      db.groupCommit(insert('a')),
      // A deferred foreign key is checked at COMMIT: the whole commit fails.
      db.groupCommit(() => db.insert('INSERT INTO rows (label, parent_id) VALUES (?, 99)', 'b')),
    ])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/)
    expect(labels()).toEqual([])
    // The connection is usable afterwards: no transaction was left open.
    expect(await db.groupCommit(insert('later'))).toBeGreaterThan(0)
    expect(labels()).toEqual(['later'])
  })

  it('commits at most 64 changes at a time, and all of them', async () => {
    await Promise.all(Array.from({ length: 150 }, (_, i) => db.groupCommit(insert(`r${i}`))))
    expect(db.groupCommitStats()).toEqual({ commits: 3, changes: 150 })
    expect(labels()).toHaveLength(150)
  })

  it('commits what is queued before closing, and refuses changes after', async () => {
    const queued = db.groupCommit(insert('queued'))
    db.close()
    await expect(queued).resolves.toBe(1)
    await expect(db.groupCommit(insert('late'))).rejects.toThrow(/closed/)
    expect(labels()).toEqual(['queued'])
  })
})
