/**
 * The plumbing every SQLite aggregate shares: cached prepared statements, BEGIN IMMEDIATE
 * transactions, group commit, the async face of synchronous answers, and the audit event written
 * with a change.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'

/** At most this many queued changes share one commit; the rest wait for the next. */
const maxGroupCommitSize = 64

interface QueuedChange {
  work: () => unknown
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

/** How group commit has gone: changes committed and the commits they shared. */
export interface GroupCommitStats {
  commits: number
  changes: number
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

export class SqliteDb {
  readonly path: string
  private readonly db: DatabaseSync
  private readonly statements = new Map<string, StatementSync>()
  private closed = false
  private queued: QueuedChange[] = []
  private flushScheduled = false
  private readonly stats: GroupCommitStats = { commits: 0, changes: 0 }

  constructor(db: DatabaseSync, path: string) {
    this.db = db
    this.path = path
  }

  statement(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  /** Runs a write; answers the number of rows changed. */
  run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.statement(sql).run(...params).changes)
  }

  /** Runs an insert; answers the new row's id. */
  insert(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.statement(sql).run(...params).lastInsertRowid)
  }

  get(sql: string, ...params: SQLInputValue[]): unknown {
    return this.statement(sql).get(...params)
  }

  all(sql: string, ...params: SQLInputValue[]): unknown[] {
    return this.statement(sql).all(...params)
  }

  /** One BEGIN IMMEDIATE … COMMIT: other connections see the change whole or not at all. */
  transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = work()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      throw error
    }
  }

  /**
   * Runs `work` inside a savepoint of the current transaction: should it throw, what it did is
   * undone and the transaction goes on.
   */
  savepoint<T>(work: () => T): T {
    // Prepared once, like every statement here: a savepoint per postback is parsed again otherwise.
    this.statement('SAVEPOINT nested_change').run()
    try {
      const result = work()
      this.statement('RELEASE nested_change').run()
      return result
    } catch (error) {
      this.db.exec('ROLLBACK TO nested_change')
      this.db.exec('RELEASE nested_change')
      throw error
    }
  }

  /**
   * Group commit. With `synchronous=FULL` the cost of a small change is its COMMIT's flush to disk,
   * and SQLite is synchronous, so while one commit flushes the event loop waits. Changes queued in
   * one turn of the event loop (concurrent postbacks arrive together) therefore share one
   * BEGIN IMMEDIATE … COMMIT: one flush for all of them. Each change runs in its own savepoint, so
   * one that throws is undone alone and only its caller gets the error. Every caller is answered
   * after the shared COMMIT: an answer still means the change is on disk. Should the COMMIT itself
   * fail, nothing of the group is kept and every caller gets the error.
   */
  groupCommit<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The payments store is closed.'))
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ work, resolve: resolve as (value: unknown) => void, reject })
      this.scheduleFlush()
    })
  }

  /** Changes committed through `groupCommit`, and the commits they shared. */
  groupCommitStats(): GroupCommitStats {
    return { ...this.stats }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.queued.length === 0) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      this.flush()
    })
  }

  /** Commits the queued changes, up to `maxGroupCommitSize` at a time, and answers their callers. */
  private flush(): void {
    while (this.queued.length > 0) {
      const group = this.queued.splice(0, maxGroupCommitSize)
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: Error })[] = []
      try {
        this.statement('BEGIN IMMEDIATE').run()
        for (const change of group) {
          try {
            outcomes.push({ ok: true, value: this.savepoint(change.work) })
          } catch (error) {
            outcomes.push({ ok: false, error: asError(error) })
          }
        }
        this.statement('COMMIT').run()
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK')
        for (const change of group) change.reject(asError(error))
        continue
      }
      this.stats.commits += 1
      this.stats.changes += group.length
      group.forEach((change, index) => {
        const outcome = outcomes[index]
        if (outcome?.ok) change.resolve(outcome.value)
        else change.reject(outcome?.error ?? new Error('change lost its outcome'))
      })
    }
  }

  /** The repository interface is async (a network database would be); SQLite answers at once. */
  answer<T>(work: () => T): Promise<T> {
    try {
      if (this.closed) throw new Error('The payments store is closed.')
      return Promise.resolve(work())
    } catch (error) {
      return Promise.reject(asError(error))
    }
  }

  /** The audit event recorded with a change, in the change's transaction. */
  event(
    institution: string,
    at: number,
    checkoutId: string | null,
    type: string,
    detail: Record<string, unknown>,
  ): void {
    this.run(
      'INSERT INTO events (institution, at, checkout_id, type, detail) VALUES (?, ?, ?, ?, ?)',
      institution,
      at,
      checkoutId,
      type,
      JSON.stringify(detail),
    )
  }

  close(): void {
    if (this.closed) return
    // Changes already queued were promised a commit: keep the promise before closing.
    this.flush()
    this.closed = true
    this.statements.clear()
    this.db.close()
  }
}
