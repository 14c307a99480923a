/** `PayLinkRepository` over `node:sqlite`, on the staff store's connection. */
import type { NewPayLink, PayLinkRecord, PayLinkRepository } from '../payLinks.ts'
import { payLinkFromRow } from '../staffRows.ts'
import type { SqliteDb } from './db.ts'

export class SqlitePayLinkStore implements PayLinkRepository {
  private readonly db: SqliteDb

  constructor(db: SqliteDb) {
    this.db = db
  }

  private one(id: number): PayLinkRecord | null {
    const row = this.db.get('SELECT * FROM pay_links WHERE id = ?', id)
    return row === undefined ? null : payLinkFromRow(row)
  }

  createPayLink(link: NewPayLink): Promise<PayLinkRecord> {
    return this.db.answer(() => {
      const id = this.db.insert(
        `INSERT INTO pay_links
           (institution, token_hash, primary_id, delivery, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        link.institution,
        link.tokenHash,
        link.primaryId,
        link.delivery,
        link.createdBy,
        link.createdAt,
        link.expiresAt,
      )
      const created = this.one(id)
      if (!created) throw new Error(`Pay link ${id} vanished after its insert.`)
      return created
    })
  }

  payLinkByHash(tokenHash: string): Promise<PayLinkRecord | null> {
    return this.db.answer(() => {
      const row = this.db.get('SELECT * FROM pay_links WHERE token_hash = ?', tokenHash)
      return row === undefined ? null : payLinkFromRow(row)
    })
  }

  getPayLink(id: number): Promise<PayLinkRecord | null> {
    return this.db.answer(() => this.one(id))
  }

  listPayLinks(institutions: readonly string[], primaryId: string): Promise<PayLinkRecord[]> {
    return this.db.answer(() => {
      if (institutions.length === 0) return []
      return this.db
        .all(
          `SELECT * FROM pay_links
           WHERE institution IN (${institutions.map(() => '?').join(', ')}) AND primary_id = ?
           ORDER BY created_at DESC, id DESC`,
          ...institutions,
          primaryId,
        )
        .map(payLinkFromRow)
    })
  }

  revokePayLink(
    id: number,
    input: { institutions: readonly string[]; by: string; now: number },
  ): Promise<PayLinkRecord | null> {
    return this.db.answer(() => {
      const link = this.one(id)
      if (!link || !input.institutions.includes(link.institution)) return null
      this.db.run(
        'UPDATE pay_links SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
        input.now,
        input.by,
        id,
      )
      return this.one(id)
    })
  }

  markPayLinkOpened(id: number, now: number): Promise<void> {
    return this.db.answer(() => {
      this.db.run('UPDATE pay_links SET opened_at = ? WHERE id = ? AND opened_at IS NULL', now, id)
    })
  }
}
