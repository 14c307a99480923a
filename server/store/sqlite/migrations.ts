/**
 * Forward-only schema migrations, in code. A shipped migration is never edited: a change is a new
 * step with the next version. Each step runs in its own BEGIN IMMEDIATE transaction together with its
 * `schema_migrations` row, so two processes opening the same file apply it once.
 */
import type { DatabaseSync } from 'node:sqlite'
import { z } from 'zod'
import { checkoutStatuses } from '../../../common/api.ts'
import { payLinkDeliveries, staffRoles } from '../../../common/staffApi.ts'
import { mailKinds } from '../mailQueue.ts'
import { paySessionChannels } from '../paySessions.ts'
import { paymentExceptionKinds, postingStatuses, refusedRequestReasons } from '../repository.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** A status list as SQL (`'a', 'b'`): every CHECK constraint is built from the `const` array. */
export function sqlList(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ')
}

const checkoutStatusList = sqlList(checkoutStatuses)
const postingStatusList = sqlList(postingStatuses)
const exceptionKindList = sqlList(paymentExceptionKinds)
const staffRoleList = sqlList(staffRoles)
const refusedRequestReasonList = sqlList(refusedRequestReasons)
const payLinkDeliveryList = sqlList(payLinkDeliveries)
const mailKindList = sqlList(mailKinds)
const paySessionChannelList = sqlList(paySessionChannels)

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'checkouts, postbacks, outbox, exceptions, events',
    sql: `
      CREATE TABLE checkouts (
        id TEXT PRIMARY KEY,
        kiosk_id TEXT NOT NULL,
        primary_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        status TEXT NOT NULL CHECK (status IN (${checkoutStatusList})),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        paid_at INTEGER,
        posted_at INTEGER,
        cashnet_tx TEXT UNIQUE,
        message TEXT,
        remaining_balance_cents INTEGER
      ) STRICT;
      CREATE INDEX checkouts_pending_expiry ON checkouts (expires_at) WHERE status = 'pending';
      CREATE INDEX checkouts_paid ON checkouts (paid_at) WHERE status = 'paid';

      CREATE TABLE checkout_lines (
        checkout_id TEXT NOT NULL REFERENCES checkouts (id),
        line_no INTEGER NOT NULL,
        fee_id TEXT NOT NULL,
        fee_type TEXT NOT NULL,
        description TEXT NOT NULL,
        title TEXT,
        fee_created_at TEXT NOT NULL,
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        PRIMARY KEY (checkout_id, line_no),
        UNIQUE (checkout_id, fee_id)
      ) STRICT;

      CREATE TABLE postbacks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        source_ip TEXT NOT NULL,
        method TEXT NOT NULL,
        content_type TEXT,
        raw_body TEXT,
        raw_query TEXT NOT NULL,
        body_bytes INTEGER NOT NULL,
        truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)),
        outcome TEXT,
        reason TEXT,
        tx TEXT,
        checkout_id TEXT REFERENCES checkouts (id),
        settled_at INTEGER
      ) STRICT;
      CREATE INDEX postbacks_tx ON postbacks (tx);
      CREATE INDEX postbacks_checkout ON postbacks (checkout_id);
      -- The raw record is evidence: never deleted, never edited, settled exactly once.
      CREATE TRIGGER postbacks_append_only BEFORE DELETE ON postbacks
        BEGIN SELECT RAISE(ABORT, 'postbacks are append-only'); END;
      CREATE TRIGGER postbacks_raw_immutable
        BEFORE UPDATE OF received_at, source_ip, method, content_type, raw_body, raw_query,
          body_bytes, truncated ON postbacks
        BEGIN SELECT RAISE(ABORT, 'a raw postback never changes'); END;
      CREATE TRIGGER postbacks_settled_once
        BEFORE UPDATE OF outcome, reason, tx, checkout_id, settled_at ON postbacks
        WHEN OLD.outcome IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a postback is settled once'); END;

      CREATE TABLE alma_postings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        checkout_id TEXT NOT NULL REFERENCES checkouts (id),
        line_no INTEGER,
        parent_id INTEGER REFERENCES alma_postings (id),
        primary_id TEXT NOT NULL,
        fee_id TEXT NOT NULL,
        fee_description TEXT NOT NULL,
        fee_title TEXT,
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        tx TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN (${postingStatusList})),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        balance_after_cents INTEGER,
        found_in_alma INTEGER NOT NULL DEFAULT 0 CHECK (found_in_alma IN (0, 1)),
        created_at INTEGER NOT NULL,
        settled_at INTEGER
      ) STRICT;
      -- One outbox row per checkout line, whatever happens.
      CREATE UNIQUE INDEX alma_postings_one_per_line ON alma_postings (checkout_id, line_no)
        WHERE line_no IS NOT NULL;
      CREATE INDEX alma_postings_due ON alma_postings (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX alma_postings_checkout ON alma_postings (checkout_id);
      CREATE INDEX alma_postings_pending_fee ON alma_postings (fee_id) WHERE status = 'pending';

      CREATE TABLE payment_exceptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('unapplied', 'second_payment')),
        checkout_id TEXT NOT NULL REFERENCES checkouts (id),
        posting_id INTEGER REFERENCES alma_postings (id),
        postback_id INTEGER REFERENCES postbacks (id),
        tx TEXT NOT NULL,
        fee_id TEXT,
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        resolved_at INTEGER,
        resolved_by TEXT,
        resolution TEXT
      ) STRICT;
      CREATE INDEX payment_exceptions_checkout ON payment_exceptions (checkout_id);
      CREATE INDEX payment_exceptions_open ON payment_exceptions (created_at)
        WHERE resolved_at IS NULL;

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        checkout_id TEXT,
        type TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX events_checkout ON events (checkout_id);
    `,
  },
  {
    version: 2,
    name: 'pay attempts recorded before they are sent; balances and item codes at checkout',
    sql: `
      -- attempts now counts real Alma pay calls only; deferrals counts waits for the backoff.
      ALTER TABLE alma_postings ADD COLUMN deferrals INTEGER NOT NULL DEFAULT 0;
      -- Written before each pay call: a crash or a timeout leaves the attempt on record, and
      -- nobody pays again before its settle window has passed.
      ALTER TABLE alma_postings ADD COLUMN last_attempt_at INTEGER;
      ALTER TABLE alma_postings ADD COLUMN attempt_outcome TEXT
        CHECK (attempt_outcome IN ('sent', 'uncertain', 'refused'));
      -- Since when Alma's answers for this row could not be understood (posting_stuck after a while).
      ALTER TABLE alma_postings ADD COLUMN unreadable_since INTEGER;
      -- Every active fee's balance when the checkout was made ({"feeId": cents}): the receipt's
      -- remaining balance comes from it and the pay answers, without another Alma call.
      ALTER TABLE checkouts ADD COLUMN fee_balances TEXT;
      -- The CashNet item code each line was sent with, to check the postback against.
      ALTER TABLE checkout_lines ADD COLUMN item_code TEXT;
    `,
  },
  {
    version: 3,
    name: 'exceptions: every verified payment ends posted or as an open exception',
    sql: `
      -- Rebuilt (SQLite cannot change a CHECK): new kinds, and money that matches no checkout has
      -- no checkout, sometimes no amount or tx we can believe.
      CREATE TABLE payment_exceptions_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN (${exceptionKindList})),
        checkout_id TEXT REFERENCES checkouts (id),
        posting_id INTEGER REFERENCES alma_postings (id),
        postback_id INTEGER REFERENCES postbacks (id),
        tx TEXT,
        fee_id TEXT,
        amount_cents INTEGER CHECK (amount_cents IS NULL OR amount_cents > 0),
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        resolved_at INTEGER,
        resolved_by TEXT,
        resolution TEXT
      ) STRICT;
      INSERT INTO payment_exceptions_v3
        (id, reference, kind, checkout_id, posting_id, postback_id, tx, fee_id, amount_cents,
         reason, created_at, resolved_at, resolved_by, resolution)
      SELECT id, reference,
        CASE
          WHEN kind = 'second_payment' THEN 'unmatched_payment'
          WHEN reason LIKE 'Alma refused%' THEN 'alma_refused'
          WHEN reason LIKE 'Alma shows a payment%' THEN 'alma_mismatch'
          ELSE 'unapplied_money'
        END,
        checkout_id, posting_id, postback_id, tx, fee_id, amount_cents, reason, created_at,
        resolved_at, resolved_by, resolution
      FROM payment_exceptions;
      DROP TABLE payment_exceptions;
      ALTER TABLE payment_exceptions_v3 RENAME TO payment_exceptions;
      CREATE INDEX payment_exceptions_checkout ON payment_exceptions (checkout_id);
      CREATE INDEX payment_exceptions_open ON payment_exceptions (created_at)
        WHERE resolved_at IS NULL;
      -- CashNet repeats a postback until it is answered 200: one exception per unmatched tx.
      CREATE UNIQUE INDEX payment_exceptions_unmatched_tx ON payment_exceptions (tx)
        WHERE kind = 'unmatched_payment' AND tx IS NOT NULL;
      -- At most one open "stuck" exception per outbox row.
      CREATE UNIQUE INDEX payment_exceptions_stuck_open ON payment_exceptions (posting_id)
        WHERE kind = 'posting_stuck' AND resolved_at IS NULL;
    `,
  },
  {
    version: 4,
    name: 'a small, bounded record of postback requests that were refused before being read',
    sql: `
      -- Wrong secret, an address outside the allowlist, a body that is not a form: what is kept of
      -- them is small and capped (oldest dropped), so the public postback door cannot fill the
      -- disk. Verified postbacks stay in postbacks, raw and append-only.
      CREATE TABLE refused_requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        source_ip TEXT NOT NULL,
        method TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN (${refusedRequestReasonList})),
        content_type TEXT,
        body_bytes INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'every row carries its institution',
    sql: `
      -- '' marks rows written before institutions existed; a single-campus service adopts them
      -- into its one institution at start (adoptUnassignedRows).
      ALTER TABLE checkouts ADD COLUMN institution TEXT NOT NULL DEFAULT '';
      ALTER TABLE postbacks ADD COLUMN institution TEXT NOT NULL DEFAULT '';
      ALTER TABLE alma_postings ADD COLUMN institution TEXT NOT NULL DEFAULT '';
      ALTER TABLE payment_exceptions ADD COLUMN institution TEXT NOT NULL DEFAULT '';
      ALTER TABLE events ADD COLUMN institution TEXT NOT NULL DEFAULT '';
      ALTER TABLE refused_requests ADD COLUMN institution TEXT;
      -- Evidence stays evidence: once a postback has its institution, it keeps it.
      CREATE TRIGGER postbacks_institution_once
        BEFORE UPDATE OF institution ON postbacks
        WHEN OLD.institution <> ''
        BEGIN SELECT RAISE(ABORT, 'a raw postback never changes'); END;
      CREATE INDEX checkouts_institution ON checkouts (institution, created_at);
      DROP INDEX alma_postings_pending_fee;
      CREATE INDEX alma_postings_pending_fee ON alma_postings (institution, fee_id)
        WHERE status = 'pending';
      CREATE INDEX payment_exceptions_institution ON payment_exceptions (institution, created_at);
    `,
  },
  {
    version: 6,
    name: 'checkouts remember how they came in and whom staff see',
    sql: `
      -- kiosk:<id>, desk:<username>, link or primo.
      ALTER TABLE checkouts ADD COLUMN channel TEXT NOT NULL DEFAULT '';
      UPDATE checkouts SET channel = 'kiosk:' || kiosk_id WHERE channel = '';
      -- The patron's name as Alma held it: for staff only, never logged or sent to a kiosk.
      ALTER TABLE checkouts ADD COLUMN patron_name TEXT;
      CREATE INDEX checkouts_primary_id ON checkouts (institution, primary_id);
    `,
  },
  {
    version: 8,
    name: 'staff accounts, sessions, single sign-on state, the audit log; exception resolutions',
    sql: `
      CREATE TABLE staff_accounts (
        username TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN (${staffRoleList})),
        institutions TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('local', 'sso')),
        password_hash TEXT,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        failed_sign_ins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        created_at INTEGER NOT NULL,
        last_sign_in_at INTEGER
      ) STRICT;

      CREATE TABLE staff_sessions (
        id_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES staff_accounts (username),
        csrf_token TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('local', 'sso')),
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX staff_sessions_username ON staff_sessions (username);
      CREATE INDEX staff_sessions_idle ON staff_sessions (last_seen_at);

      CREATE TABLE sso_login_states (
        state TEXT PRIMARY KEY,
        institution TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        nonce TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        institution TEXT,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX audit_log_actor ON audit_log (actor, id);
      CREATE INDEX audit_log_target ON audit_log (target, id);
      -- Who did what is evidence: never edited, never deleted.
      CREATE TRIGGER audit_log_append_only BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_immutable BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      -- A resolution: who, which action, and its particulars (JSON: note, reference, feeId).
      ALTER TABLE payment_exceptions ADD COLUMN resolution_action TEXT;
      -- An outbox row queued by a staff resolution (apply to fee, retry) names its exception.
      ALTER TABLE alma_postings ADD COLUMN exception_id INTEGER REFERENCES payment_exceptions (id);
    `,
  },
  {
    version: 9,
    name: 'pay links: one patron, one institution, a hashed token that expires or is revoked',
    sql: `
      CREATE TABLE pay_links (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        institution TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        primary_id TEXT NOT NULL,
        delivery TEXT NOT NULL CHECK (delivery IN (${payLinkDeliveryList})),
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_by TEXT,
        opened_at INTEGER
      ) STRICT;
      CREATE INDEX pay_links_patron ON pay_links (institution, primary_id, created_at);
    `,
  },
  {
    version: 10,
    name: 'the mail queue: messages sent with retries, and the producer cursor over events',
    sql: `
      CREATE TABLE mail_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        institution TEXT NOT NULL,
        -- One message per key, ever: enqueueing it again (a restart, another instance) is a no-op.
        dedupe_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN (${mailKindList})),
        checkout_id TEXT,
        recipients TEXT NOT NULL,
        subject TEXT NOT NULL,
        text_body TEXT NOT NULL,
        html_body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER
      ) STRICT;
      CREATE INDEX mail_messages_due ON mail_messages (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX mail_messages_kind ON mail_messages (institution, kind, created_at);

      CREATE TABLE mail_cursors (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX events_type_at ON events (institution, type, at);
    `,
  },
  {
    version: 11,
    name: 'pay sessions: the patron pay pages, keyed by the SHA-256 of the cookie',
    sql: `
      CREATE TABLE pay_sessions (
        -- The cookie's SHA-256 in hex, never the cookie itself.
        id_hash TEXT PRIMARY KEY
          CHECK (length(id_hash) = 64 AND id_hash NOT GLOB '*[^0-9a-f]*'),
        csrf_token TEXT NOT NULL,
        institution TEXT NOT NULL,
        primary_id TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN (${paySessionChannelList})),
        return_url TEXT,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        lookup_id TEXT,
        -- A JSON array, newest last, capped by the service: always read and written whole.
        checkout_ids TEXT NOT NULL DEFAULT '[]'
      ) STRICT;
      CREATE INDEX pay_sessions_idle ON pay_sessions (last_seen_at);
    `,
  },
  {
    version: 12,
    name: 'mail whose body holds a secret (a pay link) keeps it only until it is sent',
    sql: `
      ALTER TABLE mail_messages
        ADD COLUMN secret_body INTEGER NOT NULL DEFAULT 0 CHECK (secret_body IN (0, 1));
      -- Pay link emails hold the link's token; those already sent forget it now.
      UPDATE mail_messages SET secret_body = 1 WHERE kind = 'pay_link';
      UPDATE mail_messages SET text_body = '', html_body = ''
        WHERE secret_body = 1 AND status = 'sent';
    `,
  },
]

const appliedRowSchema = z.object({ version: z.number().int() })

export class MigrationError extends Error {
  override readonly name = 'MigrationError'
}

/**
 * Applies the steps the file has not seen yet, in order, each once. Refuses a file that a newer
 * version of the service already migrated (it would not understand the schema).
 */
export function applyMigrations(
  db: DatabaseSync,
  steps: readonly Migration[] = migrations,
  now: () => number = Date.now,
): number[] {
  for (let i = 1; i < steps.length; i++) {
    const previous = steps[i - 1]
    const step = steps[i]
    if (previous && step && step.version <= previous.version) {
      throw new MigrationError('Migrations must have strictly increasing versions.')
    }
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`)

  const known = new Set(steps.map((step) => step.version))
  const applied = db
    .prepare('SELECT version FROM schema_migrations ORDER BY version')
    .all()
    .map((row) => appliedRowSchema.parse(row).version)
  const unknown = applied.filter((version) => !known.has(version))
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database has schema version ${unknown.join(', ')}, newer than this service knows; upgrade the service.`,
    )
  }

  const newlyApplied: number[] = []
  const isApplied = db.prepare('SELECT 1 AS found FROM schema_migrations WHERE version = ?')
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  )
  for (const step of steps) {
    db.exec('BEGIN IMMEDIATE')
    try {
      // Checked again inside the write lock: another process may have just applied it.
      if (isApplied.get(step.version) === undefined) {
        db.exec(step.sql)
        record.run(step.version, step.name, now())
        newlyApplied.push(step.version)
      }
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw new MigrationError(`Migration ${step.version} (${step.name}) failed.`, {
        cause: error,
      })
    }
  }
  return newlyApplied
}
