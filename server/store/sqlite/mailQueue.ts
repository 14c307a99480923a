/** `MailQueue` over `node:sqlite`, on its own connection to the payments file. */
import { z } from 'zod'
import {
  type MailCursorAdvance,
  type MailKind,
  type MailQueue,
  type MailRecord,
  type NewMail,
} from '../mailQueue.ts'
import type { EventRecord } from '../repository.ts'
import type { SqliteDb } from './db.ts'
import { eventFromRow } from '../rows.ts'
import { mailFromRow } from '../mailRows.ts'

const int = z.number().int()

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ')

export class SqliteMailQueue implements MailQueue {
  private readonly db: SqliteDb

  constructor(db: SqliteDb) {
    this.db = db
  }

  private insert(mail: NewMail): boolean {
    return (
      this.db.run(
        `INSERT INTO mail_messages
           (institution, dedupe_key, kind, checkout_id, recipients, subject, text_body, html_body,
            secret_body, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
         ON CONFLICT (dedupe_key) DO NOTHING`,
        mail.institution,
        mail.dedupeKey,
        mail.kind,
        mail.checkoutId,
        JSON.stringify(mail.to),
        mail.subject,
        mail.text,
        mail.html,
        mail.secretBody ? 1 : 0,
        mail.notBefore,
        mail.createdAt,
      ) === 1
    )
  }

  private one(id: number): MailRecord | null {
    const row = this.db.get('SELECT * FROM mail_messages WHERE id = ?', id)
    return row === undefined ? null : mailFromRow(row)
  }

  enqueue(mail: NewMail): Promise<boolean> {
    return this.db.answer(() => this.insert(mail))
  }

  enqueueAndAdvance(mails: readonly NewMail[], cursor: MailCursorAdvance): Promise<void> {
    return this.db.answer(() => {
      this.db.transaction(() => {
        for (const mail of mails) this.insert(mail)
        this.db.run(
          `INSERT INTO mail_cursors (name, position) VALUES (?, ?)
           ON CONFLICT (name) DO UPDATE SET position = MAX(position, excluded.position)`,
          cursor.name,
          cursor.position,
        )
      })
    })
  }

  cursor(name: string): Promise<number> {
    return this.db.answer(() => {
      const row = this.db.get('SELECT position FROM mail_cursors WHERE name = ?', name)
      return row === undefined ? 0 : z.object({ position: int }).parse(row).position
    })
  }

  eventsAfter(position: number, types: readonly string[], limit: number): Promise<EventRecord[]> {
    return this.db.answer(() =>
      types.length === 0
        ? []
        : this.db
            .all(
              `SELECT * FROM events WHERE id > ? AND type IN (${placeholders(types)})
               ORDER BY id LIMIT ?`,
              position,
              ...types,
              limit,
            )
            .map(eventFromRow),
    )
  }

  eventsBetween(
    institution: string,
    types: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<EventRecord[]> {
    return this.db.answer(() =>
      types.length === 0
        ? []
        : this.db
            .all(
              `SELECT * FROM events
               WHERE institution = ? AND type IN (${placeholders(types)}) AND at >= ? AND at < ?
               ORDER BY at, id`,
              institution,
              ...types,
              fromMs,
              toMs,
            )
            .map(eventFromRow),
    )
  }

  claimDue(owner: string, now: number, leaseMs: number, limit: number): Promise<MailRecord[]> {
    return this.db.answer(() =>
      this.db.transaction(() => {
        const ids = this.db
          .all(
            `SELECT id FROM mail_messages
             WHERE status = 'pending' AND next_attempt_at <= ?
               AND (lease_until IS NULL OR lease_until <= ?)
             ORDER BY next_attempt_at, id LIMIT ?`,
            now,
            now,
            limit,
          )
          .map((row) => z.object({ id: int }).parse(row).id)
        for (const id of ids) {
          this.db.run(
            'UPDATE mail_messages SET lease_owner = ?, lease_until = ? WHERE id = ?',
            owner,
            now + leaseMs,
            id,
          )
        }
        return ids.map((id) => this.one(id)).filter((mail) => mail !== null)
      }),
    )
  }

  markSent(id: number, owner: string, input: { now: number; to: string }): Promise<boolean> {
    return this.db.answer(() =>
      this.db.transaction(() => {
        const changed = this.db.run(
          `UPDATE mail_messages
           SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL,
               lease_owner = NULL, lease_until = NULL,
               text_body = CASE WHEN secret_body = 1 THEN '' ELSE text_body END,
               html_body = CASE WHEN secret_body = 1 THEN '' ELSE html_body END
           WHERE id = ? AND status = 'pending' AND lease_owner = ?`,
          input.now,
          id,
          owner,
        )
        if (changed === 0) return false
        const mail = this.one(id)
        if (mail?.checkoutId) {
          this.db.event(mail.institution, input.now, mail.checkoutId, 'email_sent', {
            kind: mail.kind,
            to: input.to,
          })
        }
        return true
      }),
    )
  }

  markFailed(
    id: number,
    owner: string,
    input: { now: number; nextAttemptAt: number; error: string },
  ): Promise<boolean> {
    return this.db.answer(
      () =>
        this.db.run(
          `UPDATE mail_messages
           SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
               lease_owner = NULL, lease_until = NULL
           WHERE id = ? AND status = 'pending' AND lease_owner = ?`,
          input.error.slice(0, 500),
          input.nextAttemptAt,
          id,
          owner,
        ) === 1,
    )
  }

  getMail(id: number): Promise<MailRecord | null> {
    return this.db.answer(() => this.one(id))
  }

  lastOfKind(institution: string, kind: MailKind): Promise<MailRecord | null> {
    return this.db.answer(() => {
      const row = this.db.get(
        `SELECT * FROM mail_messages WHERE institution = ? AND kind = ?
         ORDER BY created_at DESC, id DESC LIMIT 1`,
        institution,
        kind,
      )
      return row === undefined ? null : mailFromRow(row)
    })
  }

  listMail(
    options: { institution?: string; status?: 'pending' | 'sent' } = {},
  ): Promise<MailRecord[]> {
    return this.db.answer(() =>
      this.db
        .all(
          `SELECT * FROM mail_messages
           WHERE (? IS NULL OR institution = ?) AND (? IS NULL OR status = ?)
           ORDER BY id`,
          options.institution ?? null,
          options.institution ?? null,
          options.status ?? null,
          options.status ?? null,
        )
        .map(mailFromRow),
    )
  }

  pendingCount(): Promise<number> {
    return this.db.answer(
      () =>
        z
          .object({ n: int })
          .parse(this.db.get(`SELECT COUNT(*) AS n FROM mail_messages WHERE status = 'pending'`)).n,
    )
  }

  close(): Promise<void> {
    return this.db.answer(() => {
      this.db.close()
    })
  }
}
