import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteDb } from '../../../../server/store/sqlite/db.ts'
import { walFileSync, type WalSync } from '../../../../server/store/sqlite/walSync.ts'

describe('server/store/sqlite/db: group commit', () => {
  let dir: string
  let file: string
  let db: SqliteDb

  const open = (walSync?: WalSync) => {
    const raw = new DatabaseSync(file)
    raw.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
      CREATE TABLE IF NOT EXISTS parents (id INTEGER PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, label TEXT NOT NULL,
        parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)`)
    return new SqliteDb(raw, file, walSync ? { walSync } : {})
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
    file = join(dir, 'test.sqlite')
    db = open()
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

  /** A log flush the test ends by hand. */
  function heldWalSync() {
    const flushes: { resolve: () => void; reject: (error: Error) => void }[] = []
    let closed = false
    const walSync: WalSync = {
      sync: () =>
        new Promise<void>((resolve, reject) => {
          flushes.push({ resolve, reject })
        }),
      close: () => {
        closed = true
      },
    }
    return { walSync, flushes, isClosed: () => closed }
  }
  const settledYet = async (promise: Promise<unknown>) => {
    let settled = false
    void promise.then(
      () => (settled = true),
      () => (settled = true),
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    return settled
  }

  it('answers a group only once its log is flushed, off the event loop', async () => {
    db.close()
    const held = heldWalSync()
    db = open(held.walSync)
    const answers = Promise.all([db.groupCommit(insert('a')), db.groupCommit(insert('b'))])
    expect(await settledYet(answers)).toBe(false)
    // Committed (another connection sees it) and one flush asked for the whole group…
    expect(labels()).toEqual(['a', 'b'])
    expect(held.flushes).toHaveLength(1)
    // …while this connection is back at FULL for every other commit.
    expect(db.get('PRAGMA synchronous')).toEqual({ synchronous: 2 })
    held.flushes[0]?.resolve()
    await expect(answers).resolves.toEqual([1, 2])
    db.close()
    expect(held.isClosed()).toBe(true)
  })

  it('tells every caller of a group whose flush failed, and goes on', async () => {
    db.close()
    const held = heldWalSync()
    db = open(held.walSync)
    const results = Promise.allSettled([db.groupCommit(insert('a')), db.groupCommit(insert('b'))])
    await settledYet(results)
    held.flushes[0]?.reject(new Error('EIO'))
    expect((await results).map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect(String(((await results)[0] as PromiseRejectedResult).reason)).toMatch(
      /committed but not flushed to disk: EIO/,
    )
    const later = db.groupCommit(insert('later'))
    await settledYet(later)
    held.flushes[1]?.resolve()
    await expect(later).resolves.toBe(3)
  })

  it('flushes the real log file on the thread pool', async () => {
    const walSync = walFileSync(file)
    db.run('INSERT INTO rows (label) VALUES (?)', 'written')
    await expect(walSync.sync()).resolves.toBeUndefined()
    walSync.close()
    // A log that cannot be opened fails that flush alone: the next one opens it again.
    const later = walFileSync(join(dir, 'later.sqlite'))
    await expect(later.sync()).rejects.toThrow(/ENOENT/)
    const other = new DatabaseSync(join(dir, 'later.sqlite'))
    other.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY)')
    await expect(later.sync()).resolves.toBeUndefined()
    later.close()
    other.close()
  })
})
