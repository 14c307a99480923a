/**
 * `MailQueue` over PostgreSQL, on the store's pool: senders on every instance claim due messages
 * with `FOR UPDATE SKIP LOCKED` and a lease; a message is one row per dedupe key, ever.
 */
import { z } from 'zod'
import type { MailCursorAdvance, MailKind, MailQueue, MailRecord, NewMail } from '../mailQueue.ts'
import { mailFromRow } from '../mailRows.ts'
import type { EventRecord } from '../repository.ts'
import { countRowSchema, eventFromRow } from '../rows.ts'
import type { PgDb, Sql } from './db.ts'

const positionRowSchema = z.object({ position: z.number().int() })

async function insert(sql: Sql, mail: NewMail): Promise<boolean> {
  const inserted = await sql.run(
    `INSERT INTO mail_messages
       (institution, dedupe_key, kind, checkout_id, recipients, subject, text_body, html_body,
        secret_body, status, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [
      mail.institution,
      mail.dedupeKey,
      mail.kind,
      mail.checkoutId,
      JSON.stringify(mail.to),
      mail.subject,
      mail.text,
      mail.html,
      mail.secretBody,
      mail.notBefore,
      mail.createdAt,
    ],
  )
  return inserted === 1
}

export class PgMailQueue implements MailQueue {
  private readonly db: PgDb

  constructor(db: PgDb) {
    this.db = db
  }

  enqueue(mail: NewMail): Promise<boolean> {
    return this.db.read((sql) => insert(sql, mail))
  }

  enqueueAndAdvance(mails: readonly NewMail[], cursor: MailCursorAdvance): Promise<void> {
    return this.db.transaction(async (sql) => {
      for (const mail of mails) await insert(sql, mail)
      await sql.run(
        `INSERT INTO mail_cursors (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE
           SET position = GREATEST(mail_cursors.position, EXCLUDED.position)`,
        [cursor.name, cursor.position],
      )
    })
  }

  cursor(name: string): Promise<number> {
    return this.db.read(async (sql) => {
      const row = await sql.get('SELECT position FROM mail_cursors WHERE name = $1', [name])
      return row === undefined ? 0 : positionRowSchema.parse(row).position
    })
  }

  eventsAfter(position: number, types: readonly string[], limit: number): Promise<EventRecord[]> {
    return this.db.read(async (sql) =>
      (
        await sql.all(
          'SELECT * FROM events WHERE id > $1 AND type = ANY($2::text[]) ORDER BY id LIMIT $3',
          [position, types, limit],
        )
      ).map(eventFromRow),
    )
  }

  eventsBetween(
    institution: string,
    types: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<EventRecord[]> {
    return this.db.read(async (sql) =>
      (
        await sql.all(
          `SELECT * FROM events
           WHERE institution = $1 AND type = ANY($2::text[]) AND at >= $3 AND at < $4
           ORDER BY at, id`,
          [institution, types, fromMs, toMs],
        )
      ).map(eventFromRow),
    )
  }

  claimDue(owner: string, now: number, leaseMs: number, limit: number): Promise<MailRecord[]> {
    return this.db.read(async (sql) => {
      const rows = await sql.all(
        `UPDATE mail_messages SET lease_owner = $1, lease_until = $2
         WHERE id IN (
           SELECT id FROM mail_messages
           WHERE status = 'pending' AND next_attempt_at <= $3
             AND (lease_until IS NULL OR lease_until <= $3)
           ORDER BY next_attempt_at, id LIMIT $4
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [owner, now + leaseMs, now, limit],
      )
      return rows.map(mailFromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
    })
  }

  markSent(id: number, owner: string, input: { now: number; to: string }): Promise<boolean> {
    return this.db.transaction(async (sql) => {
      const row = await sql.get(
        `UPDATE mail_messages
         SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
             lease_owner = NULL, lease_until = NULL,
             text_body = CASE WHEN secret_body THEN '' ELSE text_body END,
             html_body = CASE WHEN secret_body THEN '' ELSE html_body END
         WHERE id = $2 AND status = 'pending' AND lease_owner = $3
         RETURNING *`,
        [input.now, id, owner],
      )
      if (row === undefined) return false
      const mail = mailFromRow(row)
      if (mail.checkoutId) {
        await sql.event(mail.institution, input.now, mail.checkoutId, 'email_sent', {
          kind: mail.kind,
          to: input.to,
        })
      }
      return true
    })
  }

  markFailed(
    id: number,
    owner: string,
    input: { now: number; nextAttemptAt: number; error: string },
  ): Promise<boolean> {
    return this.db.read(
      async (sql) =>
        (await sql.run(
          `UPDATE mail_messages
           SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
               lease_owner = NULL, lease_until = NULL
           WHERE id = $3 AND status = 'pending' AND lease_owner = $4`,
          [input.error.slice(0, 500), input.nextAttemptAt, id, owner],
        )) === 1,
    )
  }

  getMail(id: number): Promise<MailRecord | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get('SELECT * FROM mail_messages WHERE id = $1', [id])
      return row === undefined ? null : mailFromRow(row)
    })
  }

  lastOfKind(institution: string, kind: MailKind): Promise<MailRecord | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get(
        `SELECT * FROM mail_messages WHERE institution = $1 AND kind = $2
         ORDER BY created_at DESC, id DESC LIMIT 1`,
        [institution, kind],
      )
      return row === undefined ? null : mailFromRow(row)
    })
  }

  listMail(
    options: { institution?: string; status?: 'pending' | 'sent' } = {},
  ): Promise<MailRecord[]> {
    return this.db.read(async (sql) =>
      (
        await sql.all(
          `SELECT * FROM mail_messages
           WHERE ($1::text IS NULL OR institution = $1) AND ($2::text IS NULL OR status = $2)
           ORDER BY id`,
          [options.institution ?? null, options.status ?? null],
        )
      ).map(mailFromRow),
    )
  }

  pendingCount(): Promise<number> {
    return this.db.read(
      async (sql) =>
        countRowSchema.parse(
          await sql.get(`SELECT COUNT(*) AS n FROM mail_messages WHERE status = 'pending'`),
        ).n,
    )
  }

  /** The pool is the store's: closing it is the store's job. */
  close(): Promise<void> {
    return Promise.resolve()
  }
}
