/** `PaySessionStore` over PostgreSQL: a session started on one instance is honoured by every other. */
import {
  checkoutIdsFrom,
  paySessionColumns,
  paySessionFromRow,
  paySessionValues,
} from '../paySessionRows.ts'
import { withCheckout, type PaySession, type PaySessionStore } from '../paySessions.ts'
import type { PgDb } from './db.ts'

export class PgPaySessionStore implements PaySessionStore {
  private readonly db: PgDb

  constructor(db: PgDb) {
    this.db = db
  }

  async create(session: PaySession): Promise<void> {
    await this.db.read((sql) =>
      sql.run(
        `INSERT INTO pay_sessions (${paySessionColumns})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        paySessionValues(session),
      ),
    )
  }

  get(idHash: string): Promise<PaySession | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get('SELECT * FROM pay_sessions WHERE id_hash = $1', [idHash])
      return row === undefined ? null : paySessionFromRow(row)
    })
  }

  async touch(idHash: string, lastSeenAt: number): Promise<void> {
    await this.db.read((sql) =>
      sql.run(
        'UPDATE pay_sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE id_hash = $1',
        [idHash, lastSeenAt],
      ),
    )
  }

  async setLookup(idHash: string, lookupId: string): Promise<void> {
    await this.db.read((sql) =>
      sql.run('UPDATE pay_sessions SET lookup_id = $2 WHERE id_hash = $1', [idHash, lookupId]),
    )
  }

  async addCheckout(idHash: string, checkoutId: string, keep: number): Promise<void> {
    await this.db.transaction(async (sql) => {
      // The row lock makes a second instance's append wait for this one, then read it.
      const row = await sql.get(
        'SELECT checkout_ids FROM pay_sessions WHERE id_hash = $1 FOR UPDATE',
        [idHash],
      )
      if (row === undefined) return
      await sql.run('UPDATE pay_sessions SET checkout_ids = $2 WHERE id_hash = $1', [
        idHash,
        JSON.stringify(withCheckout(checkoutIdsFrom(row), checkoutId, keep)),
      ])
    })
  }

  async delete(idHash: string): Promise<void> {
    await this.db.read((sql) => sql.run('DELETE FROM pay_sessions WHERE id_hash = $1', [idHash]))
  }

  deleteIdle(before: number): Promise<number> {
    return this.db.read((sql) =>
      sql.run('DELETE FROM pay_sessions WHERE last_seen_at < $1', [before]),
    )
  }
}
