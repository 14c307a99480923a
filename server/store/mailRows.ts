/** Mail queue rows as SQLite and PostgreSQL return them (same column names), checked with zod. */
import { z } from 'zod'
import { mailKinds, type MailRecord } from './mailQueue.ts'
import { flag } from './rows.ts'

const int = z.number().int()
const mailRowSchema = z.object({
  id: int,
  institution: z.string(),
  dedupe_key: z.string(),
  kind: z.enum(mailKinds),
  checkout_id: z.string().nullable(),
  recipients: z.string(),
  subject: z.string(),
  text_body: z.string(),
  html_body: z.string(),
  secret_body: flag,
  status: z.enum(['pending', 'sent']),
  attempts: int,
  next_attempt_at: int,
  last_error: z.string().nullable(),
  created_at: int,
  sent_at: int.nullable(),
})

export function mailFromRow(row: unknown): MailRecord {
  const m = mailRowSchema.parse(row)
  return {
    id: m.id,
    institution: m.institution,
    dedupeKey: m.dedupe_key,
    kind: m.kind,
    checkoutId: m.checkout_id,
    to: z.array(z.string()).parse(JSON.parse(m.recipients)),
    subject: m.subject,
    text: m.text_body,
    html: m.html_body,
    secretBody: m.secret_body,
    notBefore: m.next_attempt_at,
    createdAt: m.created_at,
    status: m.status,
    attempts: m.attempts,
    nextAttemptAt: m.next_attempt_at,
    lastError: m.last_error,
    sentAt: m.sent_at,
  }
}
