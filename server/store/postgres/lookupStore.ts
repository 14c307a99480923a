/**
 * Lookups in PostgreSQL: a kiosk's lookup made on one instance is found by its checkout on another.
 * Expired rows are refused on read and swept periodically.
 */
import { z } from 'zod'
import type { Lookup, LookupStore } from '../../patrons/lookupStore.ts'
import type { PgDb } from './db.ts'

const lookupRowSchema = z.object({
  lookup_id: z.string(),
  institution: z.string(),
  holder: z.string(),
  channel: z.string(),
  primary_id: z.string(),
  patron_name: z.string(),
  fee_ids: z.string(),
  currency: z.string(),
  expires_at: z.number().int(),
})

function lookupFromRow(row: unknown): Lookup {
  const l = lookupRowSchema.parse(row)
  return {
    lookupId: l.lookup_id,
    institution: l.institution,
    holder: l.holder,
    channel: l.channel,
    primaryId: l.primary_id,
    patronName: l.patron_name,
    feeIds: z.array(z.string()).parse(JSON.parse(l.fee_ids)),
    currency: l.currency,
    expiresAt: l.expires_at,
  }
}

export class PgLookupStore implements LookupStore {
  private readonly db: PgDb

  constructor(db: PgDb) {
    this.db = db
  }

  async save(lookup: Lookup): Promise<void> {
    await this.db.read((sql) =>
      sql.run(
        `INSERT INTO lookups
           (lookup_id, institution, holder, channel, primary_id, patron_name, fee_ids, currency,
            expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          lookup.lookupId,
          lookup.institution,
          lookup.holder,
          lookup.channel,
          lookup.primaryId,
          lookup.patronName,
          JSON.stringify(lookup.feeIds),
          lookup.currency,
          lookup.expiresAt,
        ],
      ),
    )
  }

  get(lookupId: string, now: number): Promise<Lookup | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get('SELECT * FROM lookups WHERE lookup_id = $1 AND expires_at > $2', [
        lookupId,
        now,
      ])
      return row === undefined ? null : lookupFromRow(row)
    })
  }

  async delete(lookupId: string): Promise<void> {
    await this.db.read((sql) => sql.run('DELETE FROM lookups WHERE lookup_id = $1', [lookupId]))
  }

  sweep(now: number): Promise<number> {
    return this.db.read((sql) => sql.run('DELETE FROM lookups WHERE expires_at <= $1', [now]))
  }
}
