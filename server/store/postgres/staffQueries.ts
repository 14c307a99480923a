/**
 * `StaffQueries` over PostgreSQL. Lists page by (sort value, id) so a page never repeats or skips a
 * row when payments arrive meanwhile. Days are the service's calendar days: the time zone the
 * process runs in (`TZ`), passed to PostgreSQL, so every instance and SQLite agree.
 */
import { z } from 'zod'
import type {
  CheckoutRecord,
  PaymentExceptionRecord,
  PostbackRecord,
  PostingRecord,
} from '../repository.ts'
import {
  countRowSchema,
  exceptionFromRow,
  idRowSchema,
  postbackFromRow,
  postingFromRow,
} from '../rows.ts'
import type {
  CheckoutFilter,
  DayTotal,
  ExceptionFilter,
  GroupTotal,
  ReconciliationData,
  StaffQueries,
} from '../staffQueries.ts'
import { readCheckout } from './checkouts.ts'
import type { PgDb, Sql, SqlParam } from './db.ts'

const sortColumns = {
  createdAt: 'created_at',
  amountCents: 'amount_cents',
  status: 'status',
} as const
const totalRowSchema = z.object({
  key: z.string(),
  count: z.number().int(),
  cents: z.number().int(),
})
const oldestRowSchema = z.object({ n: z.number().int(), oldest: z.number().int().nullable() })

/** Numbered parameters, added as the query is built. */
class Params {
  readonly values: SqlParam[] = []
  add(value: SqlParam): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

export class PgStaffQueries implements StaffQueries {
  private readonly db: PgDb
  private readonly timeZone: string

  constructor(db: PgDb, timeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone) {
    this.db = db
    this.timeZone = timeZone
  }

  private async checkouts(sql: Sql, ids: readonly string[]): Promise<CheckoutRecord[]> {
    const found: CheckoutRecord[] = []
    for (const id of ids) {
      const checkout = await readCheckout(sql, id)
      if (checkout) found.push(checkout)
    }
    return found
  }

  listCheckouts(filter: CheckoutFilter): Promise<CheckoutRecord[]> {
    return this.db.read(async (sql) => {
      const p = new Params()
      const where = [`institution = ANY(${p.add(filter.institutions)}::text[])`]
      if (filter.fromMs !== undefined) where.push(`created_at >= ${p.add(filter.fromMs)}`)
      if (filter.toMs !== undefined) where.push(`created_at < ${p.add(filter.toMs)}`)
      if (filter.status) where.push(`status = ${p.add(filter.status)}`)
      if (filter.channel === 'kiosk' || filter.channel === 'desk') {
        where.push(`channel LIKE ${p.add(`${filter.channel}:%`)}`)
      } else if (filter.channel) {
        where.push(`channel = ${p.add(filter.channel)}`)
      }
      if (filter.q) {
        const q = p.add(filter.q)
        where.push(`(cashnet_tx = ${q} OR id = ${q} OR primary_id = ${q})`)
      }
      const column = sortColumns[filter.sort]
      const direction = filter.order === 'asc' ? 'ASC' : 'DESC'
      if (filter.after) {
        const value =
          column === 'status'
            ? p.add(String(filter.after.value))
            : `${p.add(Number(filter.after.value))}::bigint`
        where.push(
          `(${column}, id) ${filter.order === 'asc' ? '>' : '<'} (${value}, ${p.add(filter.after.id)})`,
        )
      }
      const rows = await sql.all(
        `SELECT id FROM checkouts WHERE ${where.join(' AND ')}
         ORDER BY ${column} ${direction}, id ${direction} LIMIT ${p.add(filter.limit)}`,
        p.values,
      )
      return this.checkouts(
        sql,
        rows.map((row) => idRowSchema.parse(row).id),
      )
    })
  }

  checkoutsByIds(ids: readonly string[]): Promise<CheckoutRecord[]> {
    return this.db.read((sql) => this.checkouts(sql, ids))
  }

  listExceptions(filter: ExceptionFilter): Promise<PaymentExceptionRecord[]> {
    return this.db.read(async (sql) => {
      const p = new Params()
      const where = [
        `institution = ANY(${p.add(filter.institutions)}::text[])`,
        filter.state === 'open' ? 'resolved_at IS NULL' : 'resolved_at IS NOT NULL',
      ]
      if (filter.kind) where.push(`kind = ${p.add(filter.kind)}`)
      const order = filter.state === 'open' ? 'created_at ASC, id ASC' : 'resolved_at DESC, id DESC'
      const rows = await sql.all(
        `SELECT * FROM payment_exceptions WHERE ${where.join(' AND ')}
         ORDER BY ${order} LIMIT ${p.add(filter.limit)}`,
        p.values,
      )
      return rows.map(exceptionFromRow)
    })
  }

  postingsOf(checkoutIds: readonly string[]): Promise<PostingRecord[]> {
    return this.db.read(async (sql) => {
      if (checkoutIds.length === 0) return []
      const rows = await sql.all(
        'SELECT * FROM alma_postings WHERE checkout_id = ANY($1::text[]) ORDER BY id',
        [checkoutIds],
      )
      return rows.map(postingFromRow)
    })
  }

  postbacksOf(checkoutId: string): Promise<PostbackRecord[]> {
    return this.db.read(async (sql) =>
      (
        await sql.all('SELECT * FROM postbacks WHERE checkout_id = $1 ORDER BY id', [checkoutId])
      ).map(postbackFromRow),
    )
  }

  /** Paid money grouped by `keySql` ($1 is the service's time zone, for days). */
  private totals(
    keySql: string,
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<GroupTotal[]> {
    return this.db.read(async (sql) => {
      const rows = await sql.all(
        `SELECT ${keySql} AS key, COUNT(*) AS count, SUM(amount_cents)::bigint AS cents
         FROM checkouts
         WHERE institution = ANY($2::text[]) AND paid_at IS NOT NULL AND paid_at >= $3
           AND paid_at < $4 AND channel NOT LIKE 'staff:%' AND $1::text IS NOT NULL
         GROUP BY 1 ORDER BY 1`,
        [this.timeZone, institutions, fromMs, toMs],
      )
      return rows.map((row) => {
        const total = totalRowSchema.parse(row)
        return { key: total.key, count: total.count, amountCents: total.cents }
      })
    })
  }

  async paidPerDay(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<DayTotal[]> {
    const totals = await this.totals(
      `to_char(to_timestamp(paid_at / 1000.0) AT TIME ZONE $1, 'YYYY-MM-DD')`,
      institutions,
      fromMs,
      toMs,
    )
    return totals.map((total) => ({
      day: total.key,
      count: total.count,
      amountCents: total.amountCents,
    }))
  }

  paidByChannel(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<GroupTotal[]> {
    return this.totals('channel', institutions, fromMs, toMs)
  }

  async paidByKiosk(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<GroupTotal[]> {
    const totals = await this.totals(
      `CASE WHEN channel LIKE 'kiosk:%' THEN kiosk_id ELSE '' END`,
      institutions,
      fromMs,
      toMs,
    )
    return totals.filter((total) => total.key !== '')
  }

  countEvents(
    institutions: readonly string[],
    types: readonly string[],
    sinceMs: number,
  ): Promise<number> {
    return this.db.read(async (sql) => {
      if (types.length === 0) return 0
      const row = await sql.get(
        `SELECT COUNT(*) AS n FROM events
         WHERE institution = ANY($1::text[]) AND type = ANY($2::text[]) AND at >= $3`,
        [institutions, types, sinceMs],
      )
      return countRowSchema.parse(row).n
    })
  }

  unposted(
    institutions: readonly string[],
  ): Promise<{ count: number; oldestCreatedAt: number | null }> {
    return this.db.read(async (sql) => {
      const row = oldestRowSchema.parse(
        await sql.get(
          `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM alma_postings
           WHERE status = 'pending' AND institution = ANY($1::text[])`,
          [institutions],
        ),
      )
      return { count: row.n, oldestCreatedAt: row.oldest }
    })
  }

  reconciliationData(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<ReconciliationData> {
    // One snapshot: the lists agree with each other even while payments arrive.
    return this.db.transaction(async (sql) => {
      await sql.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY')
      const ids = (
        await sql.all(
          `SELECT id FROM checkouts
           WHERE institution = ANY($1::text[]) AND paid_at IS NOT NULL AND paid_at >= $2
             AND paid_at < $3
           ORDER BY paid_at, id`,
          [institutions, fromMs, toMs],
        )
      ).map((row) => idRowSchema.parse(row).id)
      const checkouts = await this.checkouts(sql, ids)
      const postings = (
        await sql.all(
          'SELECT * FROM alma_postings WHERE checkout_id = ANY($1::text[]) ORDER BY id',
          [ids],
        )
      ).map(postingFromRow)
      const exceptions = (
        await sql.all(
          `SELECT * FROM payment_exceptions
           WHERE institution = ANY($1::text[]) AND (
             checkout_id = ANY($2::text[])
             OR (kind = 'unmatched_payment' AND created_at >= $3 AND created_at < $4))
           ORDER BY id`,
          [institutions, ids, fromMs, toMs],
        )
      ).map(exceptionFromRow)
      // Money of unmatched payments that staff then applied to a fee: rows of their own checkouts.
      const exceptionIds = exceptions.map((exception) => String(exception.id))
      if (exceptionIds.length > 0) {
        const known = new Set(postings.map((posting) => posting.id))
        const rows = await sql.all(
          'SELECT * FROM alma_postings WHERE exception_id = ANY($1::bigint[]) ORDER BY id',
          [exceptionIds],
        )
        for (const row of rows) {
          const posting = postingFromRow(row)
          if (!known.has(posting.id)) postings.push(posting)
        }
      }
      const postbacks = (
        await sql.all(
          `SELECT * FROM postbacks
           WHERE institution = ANY($1::text[]) AND outcome IN ('accepted', 'unmatched')
             AND received_at >= $2 AND received_at < $3
           ORDER BY id`,
          [institutions, fromMs, toMs],
        )
      ).map(postbackFromRow)
      return { checkouts, postings, exceptions, postbacks }
    })
  }
}
