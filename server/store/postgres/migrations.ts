/**
 * Forward-only PostgreSQL migrations, in code, with their own version numbers (this engine starts
 * from today's schema; SQLite's list keeps its history). A shipped step is never edited: a change
 * is a new step. All steps run under one session advisory lock, so instances starting together
 * apply each step once: the second waits, then finds nothing left to do. Each step is one
 * transaction with its `schema_migrations` row.
 *
 * Same tables, columns and meanings as SQLite (the storage contract's raw SQL runs on both);
 * money is bigint cents and times bigint epoch ms, never numeric or floats. The database itself
 * refuses to change or delete raw postbacks and the staff audit log.
 */
import type pg from 'pg'
import { z } from 'zod'
import { payLinkDeliveries, staffRoles } from '../../../common/staffApi.ts'
import { mailKinds } from '../mailQueue.ts'
import { paySessionChannels } from '../paySessions.ts'
import { paymentExceptionKinds, refusedRequestReasons } from '../repository.ts'

export interface PgMigration {
  version: number
  name: string
  sql: string
}

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ')
const checkoutStatusList = list([
  'pending',
  'paid',
  'posted',
  'posted_with_exceptions',
  'failed',
  'cancelled',
  'expired',
])

export const pgMigrations: readonly PgMigration[] = [
  {
    version: 1,
    name: 'payments, staff, pay links; append-only evidence enforced by triggers',
    sql: `
      CREATE FUNCTION kiosk_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation'; END $$;

      CREATE TABLE checkouts (
        id text PRIMARY KEY,
        institution text NOT NULL DEFAULT '',
        kiosk_id text NOT NULL,
        channel text NOT NULL DEFAULT '',
        primary_id text NOT NULL,
        patron_name text,
        currency text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        status text NOT NULL CHECK (status IN (${checkoutStatusList})),
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        paid_at bigint,
        posted_at bigint,
        cashnet_tx text UNIQUE,
        message text,
        remaining_balance_cents bigint,
        fee_balances text
      );
      CREATE INDEX checkouts_pending_expiry ON checkouts (expires_at) WHERE status = 'pending';
      CREATE INDEX checkouts_paid ON checkouts (paid_at) WHERE status = 'paid';
      CREATE INDEX checkouts_institution ON checkouts (institution, created_at);
      CREATE INDEX checkouts_primary_id ON checkouts (institution, primary_id);

      CREATE TABLE checkout_lines (
        checkout_id text NOT NULL REFERENCES checkouts (id),
        line_no integer NOT NULL,
        fee_id text NOT NULL,
        fee_type text NOT NULL,
        description text NOT NULL,
        title text,
        fee_created_at text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        item_code text,
        PRIMARY KEY (checkout_id, line_no),
        UNIQUE (checkout_id, fee_id)
      );

      CREATE TABLE postbacks (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        institution text NOT NULL DEFAULT '',
        received_at bigint NOT NULL,
        source_ip text NOT NULL,
        method text NOT NULL,
        content_type text,
        raw_body text,
        raw_query text NOT NULL,
        body_bytes bigint NOT NULL,
        truncated boolean NOT NULL,
        outcome text,
        reason text,
        tx text,
        checkout_id text REFERENCES checkouts (id),
        settled_at bigint
      );
      CREATE INDEX postbacks_tx ON postbacks (tx);
      CREATE INDEX postbacks_checkout ON postbacks (checkout_id);
      -- The raw record is evidence: never deleted, never edited, settled exactly once.
      CREATE TRIGGER postbacks_append_only BEFORE DELETE ON postbacks
        FOR EACH ROW EXECUTE FUNCTION kiosk_refuse('postbacks are append-only');
      CREATE TRIGGER postbacks_no_truncate BEFORE TRUNCATE ON postbacks
        FOR EACH STATEMENT EXECUTE FUNCTION kiosk_refuse('postbacks are append-only');
      CREATE TRIGGER postbacks_raw_immutable BEFORE UPDATE ON postbacks FOR EACH ROW
        WHEN ((OLD.received_at, OLD.source_ip, OLD.method, OLD.content_type, OLD.raw_body,
               OLD.raw_query, OLD.body_bytes, OLD.truncated)
              IS DISTINCT FROM
              (NEW.received_at, NEW.source_ip, NEW.method, NEW.content_type, NEW.raw_body,
               NEW.raw_query, NEW.body_bytes, NEW.truncated)
              OR (OLD.institution <> '' AND OLD.institution IS DISTINCT FROM NEW.institution))
        EXECUTE FUNCTION kiosk_refuse('a raw postback never changes');
      CREATE TRIGGER postbacks_settled_once BEFORE UPDATE ON postbacks FOR EACH ROW
        WHEN (OLD.outcome IS NOT NULL AND
              (OLD.outcome, OLD.reason, OLD.tx, OLD.checkout_id, OLD.settled_at)
              IS DISTINCT FROM (NEW.outcome, NEW.reason, NEW.tx, NEW.checkout_id, NEW.settled_at))
        EXECUTE FUNCTION kiosk_refuse('a postback is settled once');

      CREATE TABLE refused_requests (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        institution text,
        received_at bigint NOT NULL,
        source_ip text NOT NULL,
        method text NOT NULL,
        reason text NOT NULL CHECK (reason IN (${list(refusedRequestReasons)})),
        content_type text,
        body_bytes bigint NOT NULL
      );

      CREATE TABLE alma_postings (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        institution text NOT NULL DEFAULT '',
        checkout_id text NOT NULL REFERENCES checkouts (id),
        line_no integer,
        parent_id bigint REFERENCES alma_postings (id),
        exception_id bigint,
        primary_id text NOT NULL,
        fee_id text NOT NULL,
        fee_description text NOT NULL,
        fee_title text,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        tx text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'posted', 'reallocated', 'exception')),
        attempts integer NOT NULL DEFAULT 0,
        deferrals integer NOT NULL DEFAULT 0,
        last_attempt_at bigint,
        attempt_outcome text CHECK (attempt_outcome IN ('sent', 'uncertain', 'refused')),
        unreadable_since bigint,
        next_attempt_at bigint NOT NULL,
        lease_owner text,
        lease_until bigint,
        last_error text,
        balance_after_cents bigint,
        found_in_alma boolean NOT NULL DEFAULT false,
        created_at bigint NOT NULL,
        settled_at bigint
      );
      -- One outbox row per checkout line, whatever happens.
      CREATE UNIQUE INDEX alma_postings_one_per_line ON alma_postings (checkout_id, line_no)
        WHERE line_no IS NOT NULL;
      CREATE INDEX alma_postings_due ON alma_postings (next_attempt_at, id) WHERE status = 'pending';
      CREATE INDEX alma_postings_checkout ON alma_postings (checkout_id);
      CREATE INDEX alma_postings_pending_fee ON alma_postings (institution, fee_id)
        WHERE status = 'pending';

      CREATE TABLE payment_exceptions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        institution text NOT NULL DEFAULT '',
        reference text NOT NULL,
        kind text NOT NULL CHECK (kind IN (${list(paymentExceptionKinds)})),
        checkout_id text REFERENCES checkouts (id),
        posting_id bigint REFERENCES alma_postings (id),
        postback_id bigint REFERENCES postbacks (id),
        tx text,
        fee_id text,
        amount_cents bigint CHECK (amount_cents IS NULL OR amount_cents > 0),
        reason text NOT NULL,
        created_at bigint NOT NULL,
        resolved_at bigint,
        resolved_by text,
        resolution_action text,
        resolution text
      );
      ALTER TABLE alma_postings ADD FOREIGN KEY (exception_id) REFERENCES payment_exceptions (id);
      CREATE INDEX payment_exceptions_checkout ON payment_exceptions (checkout_id);
      CREATE INDEX payment_exceptions_open ON payment_exceptions (created_at)
        WHERE resolved_at IS NULL;
      CREATE INDEX payment_exceptions_institution ON payment_exceptions (institution, created_at);
      -- CashNet repeats a postback until it is answered 200: one exception per unmatched tx.
      CREATE UNIQUE INDEX payment_exceptions_unmatched_tx ON payment_exceptions (tx)
        WHERE kind = 'unmatched_payment' AND tx IS NOT NULL;
      -- At most one open "stuck" exception per outbox row.
      CREATE UNIQUE INDEX payment_exceptions_stuck_open ON payment_exceptions (posting_id)
        WHERE kind = 'posting_stuck' AND resolved_at IS NULL;

      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        institution text NOT NULL DEFAULT '',
        at bigint NOT NULL,
        checkout_id text,
        type text NOT NULL,
        detail text NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_checkout ON events (checkout_id);
      CREATE INDEX events_type ON events (institution, type, at);

      CREATE TABLE staff_accounts (
        username text PRIMARY KEY,
        role text NOT NULL CHECK (role IN (${list(staffRoles)})),
        institutions text NOT NULL,
        method text NOT NULL CHECK (method IN ('local', 'sso')),
        password_hash text,
        disabled boolean NOT NULL DEFAULT false,
        failed_sign_ins integer NOT NULL DEFAULT 0,
        locked_until bigint,
        created_at bigint NOT NULL,
        last_sign_in_at bigint
      );
      CREATE TABLE staff_sessions (
        id_hash text PRIMARY KEY,
        username text NOT NULL REFERENCES staff_accounts (username),
        csrf_token text NOT NULL,
        method text NOT NULL CHECK (method IN ('local', 'sso')),
        created_at bigint NOT NULL,
        last_seen_at bigint NOT NULL
      );
      CREATE INDEX staff_sessions_username ON staff_sessions (username);
      CREATE INDEX staff_sessions_idle ON staff_sessions (last_seen_at);
      CREATE TABLE sso_login_states (
        state text PRIMARY KEY,
        institution text NOT NULL,
        code_verifier text NOT NULL,
        nonce text NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        institution text,
        action text NOT NULL,
        target text,
        detail text NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_actor ON audit_log (actor, id);
      CREATE INDEX audit_log_target ON audit_log (target, id);
      -- Who did what is evidence: never edited, never deleted.
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION kiosk_refuse('the audit log is append-only');
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION kiosk_refuse('the audit log is append-only');

      CREATE TABLE pay_links (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        institution text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        primary_id text NOT NULL,
        delivery text NOT NULL CHECK (delivery IN (${list(payLinkDeliveries)})),
        created_by text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        revoked_at bigint,
        revoked_by text,
        opened_at bigint
      );
      CREATE INDEX pay_links_patron ON pay_links (institution, primary_id, created_at);

      CREATE TABLE mail_messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        institution text NOT NULL,
        -- One message per key, ever: enqueueing it again (a restart, another instance) is a no-op.
        dedupe_key text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN (${list(mailKinds)})),
        checkout_id text,
        recipients text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        lease_owner text,
        lease_until bigint,
        last_error text,
        created_at bigint NOT NULL,
        sent_at bigint
      );
      CREATE INDEX mail_messages_due ON mail_messages (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX mail_messages_kind ON mail_messages (institution, kind, created_at);
      CREATE TABLE mail_cursors (
        name text PRIMARY KEY,
        position bigint NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'what several instances share: lookups and the Alma rate limit',
    sql: `
      -- A lookup made on one instance is used by the checkout on another.
      CREATE TABLE lookups (
        lookup_id text PRIMARY KEY,
        institution text NOT NULL,
        holder text NOT NULL,
        channel text NOT NULL,
        primary_id text NOT NULL,
        patron_name text NOT NULL,
        fee_ids text NOT NULL,
        currency text NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX lookups_expiry ON lookups (expires_at);
      -- One row per call an institution may have within Alma's window: a call takes a free slot
      -- and frees it one window after its answer (see postgres/almaLimiter.ts).
      CREATE TABLE alma_rate_slots (
        institution text NOT NULL,
        slot integer NOT NULL,
        free_at bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (institution, slot)
      );
    `,
  },
  {
    version: 3,
    name: 'pay sessions: every instance honours a session any instance started',
    sql: `
      CREATE TABLE pay_sessions (
        -- The cookie's SHA-256 in hex, never the cookie itself.
        id_hash text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
        csrf_token text NOT NULL,
        institution text NOT NULL,
        primary_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN (${list(paySessionChannels)})),
        return_url text,
        created_at bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        lookup_id text,
        -- A JSON array, newest last, capped by the service: always read and written whole.
        checkout_ids text NOT NULL DEFAULT '[]'
      );
      CREATE INDEX pay_sessions_idle ON pay_sessions (last_seen_at);
    `,
  },
  {
    version: 4,
    name: 'mail whose body holds a secret (a pay link) keeps it only until it is sent',
    sql: `
      ALTER TABLE mail_messages ADD COLUMN secret_body boolean NOT NULL DEFAULT false;
      -- Pay link emails hold the link's token; those already sent forget it now.
      UPDATE mail_messages SET secret_body = true WHERE kind = 'pay_link';
      UPDATE mail_messages SET text_body = '', html_body = ''
        WHERE secret_body AND status = 'sent';
    `,
  },
]

class PgMigrationError extends Error {
  override readonly name = 'PgMigrationError'
}

const versionRowSchema = z.object({ version: z.number().int() })
/** One lock for "migrating this schema", whatever the instance: (this service, the schema). */
const lockKey = `hashtext('library-kiosk migrations'), hashtext($1)`

/**
 * Applies the steps the database has not seen, under a session advisory lock. Refuses a database
 * that a newer service already migrated. Answers the versions applied now.
 */
export async function applyPgMigrations(
  client: pg.ClientBase,
  options: { steps?: readonly PgMigration[]; schema?: string; now?: () => number } = {},
): Promise<number[]> {
  const steps = options.steps ?? pgMigrations
  const now = options.now ?? Date.now
  const schema = options.schema ?? ''
  for (let i = 1; i < steps.length; i++) {
    const previous = steps[i - 1]
    const step = steps[i]
    if (previous && step && step.version <= previous.version) {
      throw new PgMigrationError('Migrations must have strictly increasing versions.')
    }
  }
  // Waiting for another instance's migration is normal, however long it takes.
  await client.query('SET statement_timeout = 0')
  await client.query('SET lock_timeout = 0')
  await client.query(`SELECT pg_advisory_lock(${lockKey})`, [schema])
  try {
    // The schema the connections' search_path names (checked by pool.ts to be a plain name).
    if (schema !== '') await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at bigint NOT NULL
    )`)
    const applied = (
      await client.query('SELECT version FROM schema_migrations ORDER BY version')
    ).rows.map((row) => versionRowSchema.parse(row).version)
    const known = new Set(steps.map((step) => step.version))
    const unknown = applied.filter((version) => !known.has(version))
    if (unknown.length > 0) {
      throw new PgMigrationError(
        `The database has schema version ${unknown.join(', ')}, newer than this service knows; upgrade the service.`,
      )
    }
    const done = new Set(applied)
    const newlyApplied: number[] = []
    for (const step of steps) {
      if (done.has(step.version)) continue
      try {
        await client.query('BEGIN')
        await client.query(step.sql)
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [step.version, step.name, now()],
        )
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw new PgMigrationError(`Migration ${step.version} (${step.name}) failed.`, {
          cause: error,
        })
      }
      newlyApplied.push(step.version)
    }
    return newlyApplied
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${lockKey})`, [schema])
    await client.query('RESET statement_timeout')
    await client.query('RESET lock_timeout')
  }
}
