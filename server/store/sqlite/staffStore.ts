/**
 * `StaffRepository` over `node:sqlite`, on the payments database (one file, one backup).
 */
import type { DatabaseSync } from 'node:sqlite'
import type { StaffRole } from '../../../common/staffApi.ts'
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
import type { PayLinkRepository } from '../payLinks.ts'
import { SqliteDb } from './db.ts'
import { SqlitePayLinkStore } from './payLinkStore.ts'
import { accountFromRow, auditFromRow, sessionFromRow, ssoStateFromRow } from '../staffRows.ts'

export class SqliteStaffStore implements StaffRepository {
  private readonly db: SqliteDb
  /** Pay links, on this connection. */
  readonly payLinks: PayLinkRepository

  constructor(db: DatabaseSync, path: string) {
    this.db = new SqliteDb(db, path)
    this.payLinks = new SqlitePayLinkStore(this.db)
  }

  private read<T>(work: (db: SqliteDb) => T): Promise<T> {
    return this.db.answer(() => work(this.db))
  }

  private write<T>(work: (db: SqliteDb) => T): Promise<T> {
    return this.db.answer(() => this.db.transaction(() => work(this.db)))
  }

  private account(db: SqliteDb, username: string): StaffAccountRecord | null {
    const row = db.get('SELECT * FROM staff_accounts WHERE username = ?', username)
    return row === undefined ? null : accountFromRow(row)
  }

  createAccount(account: NewStaffAccount): Promise<void> {
    return this.write((db) => {
      if (this.account(db, account.username)) {
        throw new StaffStoreConflict(`The username ${account.username} is taken.`)
      }
      db.run(
        `INSERT INTO staff_accounts
           (username, role, institutions, method, password_hash, disabled, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        account.username,
        account.role,
        JSON.stringify(account.institutions),
        account.method,
        account.passwordHash,
        account.disabled ? 1 : 0,
        account.createdAt,
      )
    })
  }

  getAccount(username: string): Promise<StaffAccountRecord | null> {
    return this.read((db) => this.account(db, username))
  }

  listAccounts(): Promise<StaffAccountRecord[]> {
    return this.read((db) =>
      db.all('SELECT * FROM staff_accounts ORDER BY username').map(accountFromRow),
    )
  }

  updateAccount(
    username: string,
    changes: StaffAccountChanges,
  ): Promise<StaffAccountRecord | null> {
    return this.write((db) => {
      const current = this.account(db, username)
      if (!current) return null
      db.run(
        `UPDATE staff_accounts SET role = ?, institutions = ?, disabled = ?, password_hash = ?,
           failed_sign_ins = CASE WHEN ? THEN 0 ELSE failed_sign_ins END,
           locked_until = CASE WHEN ? THEN NULL ELSE locked_until END
         WHERE username = ?`,
        changes.role ?? current.role,
        JSON.stringify(changes.institutions ?? current.institutions),
        (changes.disabled ?? current.disabled) ? 1 : 0,
        changes.passwordHash ?? current.passwordHash,
        // A new password lifts a lockout.
        changes.passwordHash ? 1 : 0,
        changes.passwordHash ? 1 : 0,
        username,
      )
      return this.account(db, username)
    })
  }

  recordSignInFailure(
    username: string,
    policy: { now: number; lockAfter: number; lockMs: number },
  ): Promise<{ failedSignIns: number; lockedUntil: number | null }> {
    return this.write((db) => {
      const current = this.account(db, username)
      if (!current) return { failedSignIns: 0, lockedUntil: null }
      const failedSignIns = current.failedSignIns + 1
      const lockedUntil =
        failedSignIns >= policy.lockAfter ? policy.now + policy.lockMs : current.lockedUntil
      db.run(
        'UPDATE staff_accounts SET failed_sign_ins = ?, locked_until = ? WHERE username = ?',
        failedSignIns,
        lockedUntil,
        username,
      )
      return { failedSignIns, lockedUntil }
    })
  }

  recordSignInSuccess(username: string, now: number): Promise<void> {
    return this.write((db) => {
      db.run(
        `UPDATE staff_accounts SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = ?
         WHERE username = ?`,
        now,
        username,
      )
    })
  }

  upsertSsoAccount(
    username: string,
    input: { role: StaffRole; institutions: string[]; now: number },
  ): Promise<StaffAccountRecord> {
    return this.write((db) => {
      const current = this.account(db, username)
      if (current) {
        db.run(
          `UPDATE staff_accounts SET role = ?, institutions = ?, last_sign_in_at = ?
           WHERE username = ?`,
          input.role,
          JSON.stringify(input.institutions),
          input.now,
          username,
        )
      } else {
        db.run(
          `INSERT INTO staff_accounts
             (username, role, institutions, method, password_hash, disabled, created_at,
              last_sign_in_at)
           VALUES (?, ?, ?, 'sso', NULL, 0, ?, ?)`,
          username,
          input.role,
          JSON.stringify(input.institutions),
          input.now,
          input.now,
        )
      }
      const account = this.account(db, username)
      if (!account) throw new Error(`Account ${username} vanished inside a transaction.`)
      return account
    })
  }

  createSession(session: StaffSessionRecord): Promise<void> {
    return this.write((db) => {
      db.run(
        `INSERT INTO staff_sessions (id_hash, username, csrf_token, method, created_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        session.idHash,
        session.username,
        session.csrfToken,
        session.method,
        session.createdAt,
        session.lastSeenAt,
      )
    })
  }

  getSession(idHash: string): Promise<StaffSessionRecord | null> {
    return this.read((db) => {
      const row = db.get('SELECT * FROM staff_sessions WHERE id_hash = ?', idHash)
      return row === undefined ? null : sessionFromRow(row)
    })
  }

  touchSession(idHash: string, lastSeenAt: number): Promise<void> {
    return this.read((db) => {
      db.run(
        'UPDATE staff_sessions SET last_seen_at = MAX(last_seen_at, ?) WHERE id_hash = ?',
        lastSeenAt,
        idHash,
      )
    })
  }

  deleteSession(idHash: string): Promise<void> {
    return this.read((db) => {
      db.run('DELETE FROM staff_sessions WHERE id_hash = ?', idHash)
    })
  }

  deleteSessionsOf(username: string): Promise<number> {
    return this.read((db) => db.run('DELETE FROM staff_sessions WHERE username = ?', username))
  }

  deleteIdleSessions(idleSince: number): Promise<number> {
    return this.read((db) => db.run('DELETE FROM staff_sessions WHERE last_seen_at < ?', idleSince))
  }

  saveSsoState(state: SsoLoginState): Promise<void> {
    return this.write((db) => {
      db.run('DELETE FROM sso_login_states WHERE expires_at < ?', state.expiresAt - 3_600_000)
      db.run(
        `INSERT INTO sso_login_states (state, institution, code_verifier, nonce, expires_at)
         VALUES (?, ?, ?, ?, ?)`,
        state.state,
        state.institution,
        state.codeVerifier,
        state.nonce,
        state.expiresAt,
      )
    })
  }

  takeSsoState(state: string, now: number): Promise<SsoLoginState | null> {
    return this.write((db) => {
      const row = db.get('SELECT * FROM sso_login_states WHERE state = ?', state)
      if (row === undefined) return null
      db.run('DELETE FROM sso_login_states WHERE state = ?', state)
      const saved = ssoStateFromRow(row)
      return saved.expiresAt <= now ? null : saved
    })
  }

  appendAudit(entry: NewAuditEntry): Promise<void> {
    return this.read((db) => {
      db.run(
        `INSERT INTO audit_log (at, actor, institution, action, target, detail)
         VALUES (?, ?, ?, ?, ?, ?)`,
        entry.at,
        entry.actor,
        entry.institution,
        entry.action,
        entry.target,
        JSON.stringify(entry.detail),
      )
    })
  }

  listAudit(
    options: { actor?: string; target?: string; limit?: number } = {},
  ): Promise<AuditEntry[]> {
    return this.read((db) =>
      db
        .all(
          `SELECT * FROM audit_log
           WHERE (? IS NULL OR actor = ?) AND (? IS NULL OR target = ?)
           ORDER BY id DESC LIMIT ?`,
          options.actor ?? null,
          options.actor ?? null,
          options.target ?? null,
          options.target ?? null,
          options.limit ?? 200,
        )
        .map(auditFromRow),
    )
  }

  close(): Promise<void> {
    this.db.close()
    return Promise.resolve()
  }
}
