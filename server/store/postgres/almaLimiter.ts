/**
 * Alma's per-institution threshold, shared by every instance: the same rule as
 * `SlidingWindowLimiter` (a call holds its slot while in flight and for one whole window after its
 * answer), kept in the database. An institution has `limit` rows in `alma_rate_slots`; a call takes
 * one whose `free_at` has passed (SKIP LOCKED: callers never queue on each other's row locks) and
 * sets it to "now + timeout + window", so a crashed instance's slot frees itself; the answer sets it
 * to "answer + window + guard". Times come from the database's clock, so instances' clocks need not
 * agree.
 *
 * The guard: the database's clock is a wall clock, which time synchronisation slews and sometimes
 * steps, so "one window" on it can be a little shorter than one second at Alma's end; and with
 * nothing but the network between a quick answer and the next call, a second measured on two clocks
 * leaves no room at all. Holding each slot 50 ms longer (5% of Alma's per-second window) keeps the
 * count under the threshold through both; the in-process limiter uses a monotonic clock and needs
 * none.
 */
import { z } from 'zod'
import type { CallLimiter } from '../../alma/rateLimiter.ts'
import type { PgDb } from './db.ts'

const nowSql = `(extract(epoch from clock_timestamp()) * 1000)::bigint`
const takenRowSchema = z.object({ slot: z.number().int() })
const nextRowSchema = z.object({ wait_ms: z.number().int().nullable() })

export interface PgAlmaLimiterOptions {
  institution: string
  /** Calls per window (Alma: per second). */
  limit: number
  windowMs?: number
  /** The longest a call can be in flight (the Alma client's timeout). */
  maxCallMs: number
  /** Longest single wait before looking again (default 50 ms). */
  maxPollMs?: number
  /** Held past the window after each answer, for the wall clock's slew and steps (default 50 ms). */
  guardMs?: number
}

/** The default `guardMs`. */
const pgLimiterGuardMs = 50

export class PgAlmaLimiter implements CallLimiter {
  private readonly db: PgDb
  private readonly options: Required<PgAlmaLimiterOptions>
  private ready: Promise<void> | null = null

  constructor(db: PgDb, options: PgAlmaLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`limit must be a positive integer, got ${options.limit}`)
    }
    this.db = db
    this.options = { windowMs: 1000, maxPollMs: 50, guardMs: pgLimiterGuardMs, ...options }
  }

  /** Exactly `limit` slots for the institution (the configured limit is the truth). */
  private ensureSlots(): Promise<void> {
    this.ready ??= this.db
      .transaction(async (sql) => {
        await sql.run(
          `INSERT INTO alma_rate_slots (institution, slot)
         SELECT $1, s FROM generate_series(0, $2 - 1) AS s ON CONFLICT DO NOTHING`,
          [this.options.institution, this.options.limit],
        )
        await sql.run('DELETE FROM alma_rate_slots WHERE institution = $1 AND slot >= $2', [
          this.options.institution,
          this.options.limit,
        ])
      })
      .catch((error: unknown) => {
        this.ready = null
        throw error
      })
    return this.ready
  }

  /** Takes a free slot, or answers how long until one frees. */
  private async tryTake(): Promise<{ slot: number } | { waitMs: number }> {
    const { institution, windowMs, guardMs, maxCallMs } = this.options
    const taken = await this.db.read((sql) =>
      sql.get(
        `UPDATE alma_rate_slots SET free_at = ${nowSql} + $2
         WHERE (institution, slot) = (
           SELECT institution, slot FROM alma_rate_slots
           WHERE institution = $1 AND free_at <= ${nowSql}
           ORDER BY free_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING slot`,
        [institution, maxCallMs + windowMs + guardMs],
      ),
    )
    if (taken !== undefined) return takenRowSchema.parse(taken)
    const next = nextRowSchema.parse(
      await this.db.read((sql) =>
        sql.get(
          `SELECT MIN(free_at) - ${nowSql} AS wait_ms FROM alma_rate_slots WHERE institution = $1`,
          [institution],
        ),
      ),
    )
    return { waitMs: Math.max(1, Math.min(next.wait_ms ?? 1, this.options.maxPollMs)) }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.ensureSlots()
    let taken = await this.tryTake()
    while (!('slot' in taken)) {
      const { waitMs } = taken
      await new Promise((resolve) => setTimeout(resolve, waitMs))
      taken = await this.tryTake()
    }
    const { slot } = taken
    try {
      return await task()
    } finally {
      // The window starts at the answer (and the guard after it). Not awaited: the caller has its answer now, and until this
      // lands the slot only stays taken a little longer (never shorter), so the limit still holds.
      void this.db
        .read((sql) =>
          sql.run(
            `UPDATE alma_rate_slots SET free_at = ${nowSql} + $3
             WHERE institution = $1 AND slot = $2`,
            [this.options.institution, slot, this.options.windowMs + this.options.guardMs],
          ),
        )
        .catch(() => undefined)
    }
  }
}
