/**
 * The plumbing every SQLite aggregate shares: cached prepared statements, BEGIN IMMEDIATE
 * transactions, the async face of synchronous answers, and the audit event written with a change.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'

export class SqliteDb {
  readonly path: string
  private readonly db: DatabaseSync
  private readonly statements = new Map<string, StatementSync>()
  private closed = false

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

  /** The repository interface is async (a network database would be); SQLite answers at once. */
  answer<T>(work: () => T): Promise<T> {
    try {
      if (this.closed) throw new Error('The payments store is closed.')
      return Promise.resolve(work())
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
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
    this.closed = true
    this.statements.clear()
    this.db.close()
  }
}
