/** `PaySessionStore` over `node:sqlite`, on its own connection to the service's file. */
import {
  checkoutIdsFrom,
  paySessionColumns,
  paySessionFromRow,
  paySessionValues,
} from '../paySessionRows.ts'
import { withCheckout, type PaySession, type PaySessionStore } from '../paySessions.ts'
import type { SqliteDb } from './db.ts'

export class SqlitePaySessionStore implements PaySessionStore {
  private readonly db: SqliteDb

  constructor(db: SqliteDb) {
    this.db = db
  }

  create(session: PaySession): Promise<void> {
    return this.db.answer(() => {
      this.db.run(
        `INSERT INTO pay_sessions (${paySessionColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ...paySessionValues(session),
      )
    })
  }

  get(idHash: string): Promise<PaySession | null> {
    return this.db.answer(() => {
      const row = this.db.get('SELECT * FROM pay_sessions WHERE id_hash = ?', idHash)
      return row === undefined ? null : paySessionFromRow(row)
    })
  }

  touch(idHash: string, lastSeenAt: number): Promise<void> {
    return this.db.answer(() => {
      this.db.run(
        'UPDATE pay_sessions SET last_seen_at = MAX(last_seen_at, ?) WHERE id_hash = ?',
        lastSeenAt,
        idHash,
      )
    })
  }

  setLookup(idHash: string, lookupId: string): Promise<void> {
    return this.db.answer(() => {
      this.db.run('UPDATE pay_sessions SET lookup_id = ? WHERE id_hash = ?', lookupId, idHash)
    })
  }

  addCheckout(idHash: string, checkoutId: string, keep: number): Promise<void> {
    return this.db.answer(() => {
      // BEGIN IMMEDIATE: no other connection writes between the read and the write.
      this.db.transaction(() => {
        const row = this.db.get('SELECT checkout_ids FROM pay_sessions WHERE id_hash = ?', idHash)
        if (row === undefined) return
        this.db.run(
          'UPDATE pay_sessions SET checkout_ids = ? WHERE id_hash = ?',
          JSON.stringify(withCheckout(checkoutIdsFrom(row), checkoutId, keep)),
          idHash,
        )
      })
    })
  }

  delete(idHash: string): Promise<void> {
    return this.db.answer(() => {
      this.db.run('DELETE FROM pay_sessions WHERE id_hash = ?', idHash)
    })
  }

  deleteIdle(before: number): Promise<number> {
    return this.db.answer(() =>
      this.db.run('DELETE FROM pay_sessions WHERE last_seen_at < ?', before),
    )
  }

  close(): Promise<void> {
    return this.db.answer(() => {
      this.db.close()
    })
  }
}
