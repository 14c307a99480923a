/** `PayLinkRepository` over PostgreSQL: any instance opens a link another one made. */
import type { NewPayLink, PayLinkRecord, PayLinkRepository } from '../payLinks.ts'
import { payLinkFromRow } from '../staffRows.ts'
import type { PgDb } from './db.ts'

export class PgPayLinkStore implements PayLinkRepository {
  private readonly db: PgDb

  constructor(db: PgDb) {
    this.db = db
  }

  createPayLink(link: NewPayLink): Promise<PayLinkRecord> {
    return this.db.read(async (sql) =>
      payLinkFromRow(
        await sql.get(
          `INSERT INTO pay_links
             (institution, token_hash, primary_id, delivery, created_by, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          [
            link.institution,
            link.tokenHash,
            link.primaryId,
            link.delivery,
            link.createdBy,
            link.createdAt,
            link.expiresAt,
          ],
        ),
      ),
    )
  }

  payLinkByHash(tokenHash: string): Promise<PayLinkRecord | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get('SELECT * FROM pay_links WHERE token_hash = $1', [tokenHash])
      return row === undefined ? null : payLinkFromRow(row)
    })
  }

  getPayLink(id: number): Promise<PayLinkRecord | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get('SELECT * FROM pay_links WHERE id = $1', [id])
      return row === undefined ? null : payLinkFromRow(row)
    })
  }

  listPayLinks(institutions: readonly string[], primaryId: string): Promise<PayLinkRecord[]> {
    return this.db.read(async (sql) =>
      (
        await sql.all(
          `SELECT * FROM pay_links WHERE institution = ANY($1::text[]) AND primary_id = $2
           ORDER BY created_at DESC, id DESC`,
          [institutions, primaryId],
        )
      ).map(payLinkFromRow),
    )
  }

  revokePayLink(
    id: number,
    input: { institutions: readonly string[]; by: string; now: number },
  ): Promise<PayLinkRecord | null> {
    return this.db.read(async (sql) => {
      // Revoked once: a second revocation keeps the first one's who and when.
      await sql.run(
        `UPDATE pay_links SET revoked_at = $2, revoked_by = $3
         WHERE id = $1 AND revoked_at IS NULL AND institution = ANY($4::text[])`,
        [id, input.now, input.by, input.institutions],
      )
      const row = await sql.get(
        'SELECT * FROM pay_links WHERE id = $1 AND institution = ANY($2::text[])',
        [id, input.institutions],
      )
      return row === undefined ? null : payLinkFromRow(row)
    })
  }

  async markPayLinkOpened(id: number, now: number): Promise<void> {
    await this.db.read((sql) =>
      sql.run('UPDATE pay_links SET opened_at = $2 WHERE id = $1 AND opened_at IS NULL', [id, now]),
    )
  }
}
