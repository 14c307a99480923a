/**
 * `StaffRepository` over PostgreSQL, on the payments database: accounts, sessions (so any instance
 * answers a signed-in staff member), single sign-on state and the append-only audit log. Counters
 * are changed in one statement (two instances counting failed sign-ins cannot lose one).
 */
import type { StaffRole } from '../../../common/staffApi.ts'
import type { PayLinkRepository } from '../payLinks.ts'
import {
  StaffStoreConflict,
  type AuditEntry,
  type NewAuditEntry,
  type NewStaffAccount,
  type SsoLoginState,
  type StaffAccountChanges,
  type StaffAccountRecord,
  type StaffRepository,
  type StaffSessionRecord,
} from '../staff.ts'
import { accountFromRow, auditFromRow, sessionFromRow, ssoStateFromRow } from '../staffRows.ts'
import type { PgDb, Sql } from './db.ts'
import { PgPayLinkStore } from './payLinkStore.ts'

async function account(sql: Sql, username: string): Promise<StaffAccountRecord | null> {
  const row = await sql.get('SELECT * FROM staff_accounts WHERE username = $1', [username])
  return row === undefined ? null : accountFromRow(row)
}

export class PgStaffStore implements StaffRepository {
  private readonly db: PgDb
  /** Pay links, on this pool. */
  readonly payLinks: PayLinkRepository

  constructor(db: PgDb) {
    this.db = db
    this.payLinks = new PgPayLinkStore(db)
  }

  async createAccount(created: NewStaffAccount): Promise<void> {
    const inserted = await this.db.read((sql) =>
      sql.run(
        `INSERT INTO staff_accounts
           (username, role, institutions, method, password_hash, disabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING`,
        [
          created.username,
          created.role,
          JSON.stringify(created.institutions),
          created.method,
          created.passwordHash,
          created.disabled,
          created.createdAt,
        ],
      ),
    )
    if (inserted === 0) throw new StaffStoreConflict(`The username ${created.username} is taken.`)
  }

  getAccount(username: string): Promise<StaffAccountRecord | null> {
    return this.db.read((sql) => account(sql, username))
  }

  listAccounts(): Promise<StaffAccountRecord[]> {
    return this.db.read(async (sql) =>
      (await sql.all('SELECT * FROM staff_accounts ORDER BY username')).map(accountFromRow),
    )
  }

  updateAccount(
    username: string,
    changes: StaffAccountChanges,
  ): Promise<StaffAccountRecord | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get(
        `UPDATE staff_accounts SET
           role = COALESCE($2, role),
           institutions = COALESCE($3, institutions),
           disabled = COALESCE($4, disabled),
           password_hash = COALESCE($5, password_hash),
           -- A new password lifts a lockout.
           failed_sign_ins = CASE WHEN $5::text IS NOT NULL THEN 0 ELSE failed_sign_ins END,
           locked_until = CASE WHEN $5::text IS NOT NULL THEN NULL ELSE locked_until END
         WHERE username = $1 RETURNING *`,
        [
          username,
          changes.role ?? null,
          changes.institutions ? JSON.stringify(changes.institutions) : null,
          changes.disabled ?? null,
          changes.passwordHash ?? null,
        ],
      )
      return row === undefined ? null : accountFromRow(row)
    })
  }

  recordSignInFailure(
    username: string,
    policy: { now: number; lockAfter: number; lockMs: number },
  ): Promise<{ failedSignIns: number; lockedUntil: number | null }> {
    return this.db.read(async (sql) => {
      const row = await sql.get(
        `UPDATE staff_accounts SET
           failed_sign_ins = failed_sign_ins + 1,
           locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_until END
         WHERE username = $1 RETURNING *`,
        [username, policy.lockAfter, policy.now + policy.lockMs],
      )
      if (row === undefined) return { failedSignIns: 0, lockedUntil: null }
      const updated = accountFromRow(row)
      return { failedSignIns: updated.failedSignIns, lockedUntil: updated.lockedUntil }
    })
  }

  async recordSignInSuccess(username: string, now: number): Promise<void> {
    await this.db.read((sql) =>
      sql.run(
        `UPDATE staff_accounts SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $2
         WHERE username = $1`,
        [username, now],
      ),
    )
  }

  upsertSsoAccount(
    username: string,
    input: { role: StaffRole; institutions: string[]; now: number },
  ): Promise<StaffAccountRecord> {
    return this.db.read(async (sql) => {
      const row = await sql.get(
        `INSERT INTO staff_accounts
           (username, role, institutions, method, password_hash, disabled, created_at,
            last_sign_in_at)
         VALUES ($1, $2, $3, 'sso', NULL, false, $4, $4)
         ON CONFLICT (username) DO UPDATE
           SET role = EXCLUDED.role, institutions = EXCLUDED.institutions,
               last_sign_in_at = EXCLUDED.last_sign_in_at
         RETURNING *`,
        [username, input.role, JSON.stringify(input.institutions), input.now],
      )
      return accountFromRow(row)
    })
  }

  async createSession(session: StaffSessionRecord): Promise<void> {
    await this.db.read((sql) =>
      sql.run(
        `INSERT INTO staff_sessions (id_hash, username, csrf_token, method, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          session.idHash,
          session.username,
          session.csrfToken,
          session.method,
          session.createdAt,
          session.lastSeenAt,
        ],
      ),
    )
  }

  getSession(idHash: string): Promise<StaffSessionRecord | null> {
    return this.db.read(async (sql) => {
      const row = await sql.get('SELECT * FROM staff_sessions WHERE id_hash = $1', [idHash])
      return row === undefined ? null : sessionFromRow(row)
    })
  }

  async touchSession(idHash: string, lastSeenAt: number): Promise<void> {
    await this.db.read((sql) =>
      sql.run(
        'UPDATE staff_sessions SET last_seen_at = GREATEST(last_seen_at, $1) WHERE id_hash = $2',
        [lastSeenAt, idHash],
      ),
    )
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.read((sql) => sql.run('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]))
  }

  deleteSessionsOf(username: string): Promise<number> {
    return this.db.read((sql) =>
      sql.run('DELETE FROM staff_sessions WHERE username = $1', [username]),
    )
  }

  deleteIdleSessions(idleSince: number): Promise<number> {
    return this.db.read((sql) =>
      sql.run('DELETE FROM staff_sessions WHERE last_seen_at < $1', [idleSince]),
    )
  }

  saveSsoState(state: SsoLoginState): Promise<void> {
    return this.db.transaction(async (sql) => {
      await sql.run('DELETE FROM sso_login_states WHERE expires_at < $1', [
        state.expiresAt - 3_600_000,
      ])
      await sql.run(
        `INSERT INTO sso_login_states (state, institution, code_verifier, nonce, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [state.state, state.institution, state.codeVerifier, state.nonce, state.expiresAt],
      )
    })
  }

  takeSsoState(state: string, now: number): Promise<SsoLoginState | null> {
    // DELETE … RETURNING: single use, even when two instances get the same callback.
    return this.db.read(async (sql) => {
      const row = await sql.get('DELETE FROM sso_login_states WHERE state = $1 RETURNING *', [
        state,
      ])
      if (row === undefined) return null
      const saved = ssoStateFromRow(row)
      return saved.expiresAt <= now ? null : saved
    })
  }

  async appendAudit(entry: NewAuditEntry): Promise<void> {
    await this.db.read((sql) =>
      sql.run(
        `INSERT INTO audit_log (at, actor, institution, action, target, detail)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          entry.at,
          entry.actor,
          entry.institution,
          entry.action,
          entry.target,
          JSON.stringify(entry.detail),
        ],
      ),
    )
  }

  listAudit(
    options: { actor?: string; target?: string; limit?: number } = {},
  ): Promise<AuditEntry[]> {
    return this.db.read(async (sql) =>
      (
        await sql.all(
          `SELECT * FROM audit_log
           WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR target = $2)
           ORDER BY id DESC LIMIT $3`,
          [options.actor ?? null, options.target ?? null, options.limit ?? 200],
        )
      ).map(auditFromRow),
    )
  }

  /** The pool is the repository's: closing it is the store's job. */
  close(): Promise<void> {
    return Promise.resolve()
  }
}
