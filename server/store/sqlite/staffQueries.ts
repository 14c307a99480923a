/**
 * `StaffQueries` over SQLite. Lists page by (sort value, id) so a page never repeats or skips a row
 * when payments arrive meanwhile. Days are the service's local calendar days (`localtime`).
 */
import type { SQLInputValue } from 'node:sqlite'
import { z } from 'zod'
import type {
  CheckoutRecord,
  PaymentExceptionRecord,
  PostbackRecord,
  PostingRecord,
} from '../repository.ts'
import type {
  CheckoutFilter,
  ExceptionFilter,
  DayTotal,
  GroupTotal,
  ReconciliationData,
  StaffQueries,
} from '../staffQueries.ts'
import { readCheckout } from './checkouts.ts'
import type { SqliteDb } from './db.ts'
import { exceptionFromRow, idRowSchema, postbackFromRow, postingFromRow } from '../rows.ts'

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
const countRowSchema = z.object({ n: z.number().int() })
const oldestRowSchema = z.object({ n: z.number().int(), oldest: z.number().int().nullable() })

/** `?, ?, ?` for a list, and the list itself. */
function inList(values: readonly string[]): [string, SQLInputValue[]] {
  return [values.map(() => '?').join(', '), [...values]]
}

export class SqliteStaffQueries implements StaffQueries {
  private readonly db: SqliteDb

  constructor(db: SqliteDb) {
    this.db = db
  }

  private read<T>(work: (db: SqliteDb) => T): Promise<T> {
    return this.db.answer(() => work(this.db))
  }

  private checkouts(ids: readonly string[]): CheckoutRecord[] {
    return ids.flatMap((id) => {
      const checkout = readCheckout(this.db, id)
      return checkout ? [checkout] : []
    })
  }

  listCheckouts(filter: CheckoutFilter): Promise<CheckoutRecord[]> {
    return this.read((db) => {
      const [institutions, params] = inList(filter.institutions)
      const where = [`institution IN (${institutions})`]
      if (filter.fromMs !== undefined) {
        where.push('created_at >= ?')
        params.push(filter.fromMs)
      }
      if (filter.toMs !== undefined) {
        where.push('created_at < ?')
        params.push(filter.toMs)
      }
      if (filter.status) {
        where.push('status = ?')
        params.push(filter.status)
      }
      if (filter.channel) {
        where.push(
          filter.channel === 'kiosk' || filter.channel === 'desk'
            ? 'channel LIKE ?'
            : 'channel = ?',
        )
        params.push(
          filter.channel === 'kiosk' || filter.channel === 'desk'
            ? `${filter.channel}:%`
            : filter.channel,
        )
      }
      if (filter.q) {
        where.push('(cashnet_tx = ? OR id = ? OR primary_id = ?)')
        params.push(filter.q, filter.q, filter.q)
      }
      const column = sortColumns[filter.sort]
      const direction = filter.order === 'asc' ? 'ASC' : 'DESC'
      if (filter.after) {
        where.push(`(${column}, id) ${filter.order === 'asc' ? '>' : '<'} (?, ?)`)
        params.push(filter.after.value, filter.after.id)
      }
      params.push(filter.limit)
      const ids = db
        .all(
          `SELECT id FROM checkouts WHERE ${where.join(' AND ')}
           ORDER BY ${column} ${direction}, id ${direction} LIMIT ?`,
          ...params,
        )
        .map((row) => idRowSchema.parse(row).id)
      return this.checkouts(ids)
    })
  }

  checkoutsByIds(ids: readonly string[]): Promise<CheckoutRecord[]> {
    return this.read(() => this.checkouts(ids))
  }

  listExceptions(filter: ExceptionFilter): Promise<PaymentExceptionRecord[]> {
    return this.read((db) => {
      const [list, params] = inList(filter.institutions)
      const where = [
        `institution IN (${list})`,
        filter.state === 'open' ? 'resolved_at IS NULL' : 'resolved_at IS NOT NULL',
      ]
      if (filter.kind) {
        where.push('kind = ?')
        params.push(filter.kind)
      }
      const order = filter.state === 'open' ? 'created_at ASC, id ASC' : 'resolved_at DESC, id DESC'
      return db
        .all(
          `SELECT * FROM payment_exceptions WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
          ...params,
          filter.limit,
        )
        .map(exceptionFromRow)
    })
  }

  postingsOf(checkoutIds: readonly string[]): Promise<PostingRecord[]> {
    return this.read((db) => {
      if (checkoutIds.length === 0) return []
      const [list, params] = inList(checkoutIds)
      return db
        .all(`SELECT * FROM alma_postings WHERE checkout_id IN (${list}) ORDER BY id`, ...params)
        .map(postingFromRow)
    })
  }

  postbacksOf(checkoutId: string): Promise<PostbackRecord[]> {
    return this.read((db) =>
      db
        .all('SELECT * FROM postbacks WHERE checkout_id = ? ORDER BY id', checkoutId)
        .map(postbackFromRow),
    )
  }

  private totals(
    keySql: string,
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): GroupTotal[] {
    const [list, params] = inList(institutions)
    return this.db
      .all(
        `SELECT ${keySql} AS key, COUNT(*) AS count, SUM(amount_cents) AS cents FROM checkouts
         WHERE institution IN (${list}) AND paid_at IS NOT NULL AND paid_at >= ? AND paid_at < ?
           AND channel NOT LIKE 'staff:%'
         GROUP BY key ORDER BY key`,
        ...params,
        fromMs,
        toMs,
      )
      .map((row) => {
        const total = totalRowSchema.parse(row)
        return { key: total.key, count: total.count, amountCents: total.cents }
      })
  }

  paidPerDay(institutions: readonly string[], fromMs: number, toMs: number): Promise<DayTotal[]> {
    return this.read(() =>
      this.totals(`date(paid_at / 1000, 'unixepoch', 'localtime')`, institutions, fromMs, toMs).map(
        (total) => ({ day: total.key, count: total.count, amountCents: total.amountCents }),
      ),
    )
  }

  paidByChannel(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<GroupTotal[]> {
    return this.read(() => this.totals('channel', institutions, fromMs, toMs))
  }

  paidByKiosk(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<GroupTotal[]> {
    return this.read(() =>
      this.totals(
        `CASE WHEN channel LIKE 'kiosk:%' THEN kiosk_id ELSE '' END`,
        institutions,
        fromMs,
        toMs,
      ).filter((total) => total.key !== ''),
    )
  }

  countEvents(
    institutions: readonly string[],
    types: readonly string[],
    sinceMs: number,
  ): Promise<number> {
    return this.read((db) => {
      if (types.length === 0) return 0
      const [list, params] = inList(institutions)
      const [typeList, typeParams] = inList(types)
      return countRowSchema.parse(
        db.get(
          `SELECT COUNT(*) AS n FROM events
           WHERE institution IN (${list}) AND type IN (${typeList}) AND at >= ?`,
          ...params,
          ...typeParams,
          sinceMs,
        ),
      ).n
    })
  }

  unposted(
    institutions: readonly string[],
  ): Promise<{ count: number; oldestCreatedAt: number | null }> {
    return this.read((db) => {
      const [list, params] = inList(institutions)
      const row = oldestRowSchema.parse(
        db.get(
          `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM alma_postings
           WHERE status = 'pending' AND institution IN (${list})`,
          ...params,
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
    return this.read((db) => {
      const [list, params] = inList(institutions)
      const ids = db
        .all(
          `SELECT id FROM checkouts
           WHERE institution IN (${list}) AND paid_at IS NOT NULL AND paid_at >= ? AND paid_at < ?
           ORDER BY paid_at, id`,
          ...params,
          fromMs,
          toMs,
        )
        .map((row) => idRowSchema.parse(row).id)
      const checkouts = this.checkouts(ids)
      const [idList, idParams] = inList(ids)
      const postings =
        ids.length === 0
          ? []
          : db
              .all(
                `SELECT * FROM alma_postings WHERE checkout_id IN (${idList}) ORDER BY id`,
                ...idParams,
              )
              .map(postingFromRow)
      const exceptions = db
        .all(
          `SELECT * FROM payment_exceptions
           WHERE institution IN (${list}) AND (
             ${ids.length === 0 ? '0' : `checkout_id IN (${idList})`}
             OR (kind = 'unmatched_payment' AND created_at >= ? AND created_at < ?))
           ORDER BY id`,
          ...params,
          ...idParams,
          fromMs,
          toMs,
        )
        .map(exceptionFromRow)
      // Money of unmatched payments that staff then applied to a fee: rows of their own checkouts.
      const exceptionIds = exceptions.map((exception) => exception.id)
      const [exceptionList, exceptionParams] = inList(exceptionIds.map(String))
      if (exceptionIds.length > 0) {
        const known = new Set(postings.map((posting) => posting.id))
        for (const row of db.all(
          `SELECT * FROM alma_postings WHERE exception_id IN (${exceptionList}) ORDER BY id`,
          ...exceptionParams,
        )) {
          const posting = postingFromRow(row)
          if (!known.has(posting.id)) postings.push(posting)
        }
      }
      const postbacks = db
        .all(
          `SELECT * FROM postbacks
           WHERE institution IN (${list}) AND outcome IN ('accepted', 'unmatched')
             AND received_at >= ? AND received_at < ?
           ORDER BY id`,
          ...params,
          fromMs,
          toMs,
        )
        .map(postbackFromRow)
      return { checkouts, postings, exceptions, postbacks }
    })
  }
}
