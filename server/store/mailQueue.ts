/**
 * The durable mail queue: every message the service sends is a row first, so a mail server that is
 * down never delays posting and never loses a message. Rows are enqueued with a dedupe key (a
 * restart or a second instance that enqueues the same message again changes nothing), claimed
 * with a lease by a sender, and either marked sent or put off to a later attempt. Times are epoch
 * milliseconds. Every engine implements this and passes `test/server/store/contract/mailQueue.ts`.
 */
import type { EventRecord } from './repository.ts'

export const mailKinds = [
  'staff_payment',
  'staff_digest',
  'exception_alert',
  'posting_alert',
  'patron_receipt',
  'pay_link',
] as const
export type MailKind = (typeof mailKinds)[number]

export interface NewMail {
  institution: string
  /** Unique per message ever: the same key enqueued twice is one message. */
  dedupeKey: string
  kind: MailKind
  /** The payment it is about, if any: its timeline shows the email once sent. */
  checkoutId: string | null
  to: string[]
  subject: string
  text: string
  html: string
  /**
   * The body holds a secret (a pay link's token) that only the recipient's mailbox should keep:
   * once the message is sent, both bodies are emptied; subject, recipients and status remain.
   */
  secretBody: boolean
  /** Not sent before this time. */
  notBefore: number
  createdAt: number
}

export interface MailRecord extends NewMail {
  id: number
  status: 'pending' | 'sent'
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  sentAt: number | null
}

/** A durable position in the audit events, so a restart neither misses nor repeats an event. */
export interface MailCursorAdvance {
  name: string
  position: number
}

export interface MailQueue {
  /** Answers true when the message is new, false when its dedupe key was already queued. */
  enqueue(mail: NewMail): Promise<boolean>
  /**
   * One transaction: every message (duplicates ignored) and the cursor moved on, so the events a
   * cursor has passed have had their messages queued exactly once.
   */
  enqueueAndAdvance(mails: readonly NewMail[], cursor: MailCursorAdvance): Promise<void>
  /** Where a cursor stands; 0 when it never moved. */
  cursor(name: string): Promise<number>
  /** Audit events after `position` of these types, oldest first (the producer's input). */
  eventsAfter(position: number, types: readonly string[], limit: number): Promise<EventRecord[]>
  /** One institution's audit events of these types with `from ≤ at < to`, oldest first (digests). */
  eventsBetween(
    institution: string,
    types: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<EventRecord[]>
  /** Leases up to `limit` due pending messages that nobody else holds. */
  claimDue(owner: string, now: number, leaseMs: number, limit: number): Promise<MailRecord[]>
  /**
   * The message went out: it is marked sent (a secret body emptied in the same change) and, when
   * it is about a payment, an `email_sent` event joins that payment's timeline, in one
   * transaction. False when the lease was lost.
   */
  markSent(id: number, owner: string, input: { now: number; to: string }): Promise<boolean>
  /** The attempt failed: the error is kept and the message waits until `nextAttemptAt`. */
  markFailed(
    id: number,
    owner: string,
    input: { now: number; nextAttemptAt: number; error: string },
  ): Promise<boolean>
  getMail(id: number): Promise<MailRecord | null>
  /** The newest message of this kind for an institution (alert repetition). */
  lastOfKind(institution: string, kind: MailKind): Promise<MailRecord | null>
  listMail(options?: { institution?: string; status?: 'pending' | 'sent' }): Promise<MailRecord[]>
  /** Unsent messages (a metric). */
  pendingCount(): Promise<number>
  close(): Promise<void>
}
