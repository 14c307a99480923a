/**
 * What the staff side stores: accounts, sessions (in the database, so any service instance can
 * answer a signed-in staff member), single sign-on state between the redirect and the callback, and
 * the audit log (append-only, enforced by the database). Times are epoch milliseconds.
 */
import type { StaffRole } from '../../common/staffApi.ts'

export interface StaffAccountRecord {
  /** Lower case; the key. */
  username: string
  role: StaffRole
  institutions: string[]
  method: 'local' | 'sso'
  /** `scrypt$…` for local accounts; null for SSO ones. */
  passwordHash: string | null
  disabled: boolean
  failedSignIns: number
  lockedUntil: number | null
  createdAt: number
  lastSignInAt: number | null
}

export type NewStaffAccount = Omit<
  StaffAccountRecord,
  'failedSignIns' | 'lockedUntil' | 'lastSignInAt'
>

export interface StaffAccountChanges {
  role?: StaffRole
  institutions?: string[]
  disabled?: boolean
  passwordHash?: string
}

export interface StaffSessionRecord {
  /** SHA-256 of the cookie's token: the token itself is never stored. */
  idHash: string
  username: string
  csrfToken: string
  method: 'local' | 'sso'
  createdAt: number
  lastSeenAt: number
}

export interface SsoLoginState {
  /** The OAuth `state`, random; the key. */
  state: string
  institution: string
  codeVerifier: string
  nonce: string
  expiresAt: number
}

export interface NewAuditEntry {
  at: number
  /** Who did it: a staff username, or `system`. */
  actor: string
  institution: string | null
  /** e.g. sign_in, sign_in_failed, exception_resolved, account_created, csv_exported. */
  action: string
  /** What it was done to: an exception id, a username, a checkout id. */
  target: string | null
  detail: Record<string, unknown>
}

export interface AuditEntry extends NewAuditEntry {
  id: number
}

export class StaffStoreConflict extends Error {
  override readonly name = 'StaffStoreConflict'
  readonly kind = 'conflict'
}

export interface StaffRepository {
  /** Throws `StaffStoreConflict` when the username is taken. */
  createAccount(account: NewStaffAccount): Promise<void>
  getAccount(username: string): Promise<StaffAccountRecord | null>
  listAccounts(): Promise<StaffAccountRecord[]>
  updateAccount(username: string, changes: StaffAccountChanges): Promise<StaffAccountRecord | null>
  /**
   * Counts a failed sign-in; at `lockAfter` failures in a row the account is locked until
   * `now + lockMs`. Answers the count and the lock.
   */
  recordSignInFailure(
    username: string,
    policy: { now: number; lockAfter: number; lockMs: number },
  ): Promise<{ failedSignIns: number; lockedUntil: number | null }>
  recordSignInSuccess(username: string, now: number): Promise<void>
  /** Creates or updates the account an SSO sign-in maps to (role and institutions from the IdP). */
  upsertSsoAccount(
    username: string,
    input: { role: StaffRole; institutions: string[]; now: number },
  ): Promise<StaffAccountRecord>

  createSession(session: StaffSessionRecord): Promise<void>
  getSession(idHash: string): Promise<StaffSessionRecord | null>
  touchSession(idHash: string, lastSeenAt: number): Promise<void>
  deleteSession(idHash: string): Promise<void>
  deleteSessionsOf(username: string): Promise<number>
  /** Removes sessions idle since before `idleSince`; answers how many. */
  deleteIdleSessions(idleSince: number): Promise<number>

  saveSsoState(state: SsoLoginState): Promise<void>
  /** The state, deleted as it is read (single use); null when unknown or expired. */
  takeSsoState(state: string, now: number): Promise<SsoLoginState | null>

  appendAudit(entry: NewAuditEntry): Promise<void>
  /** Newest first. */
  listAudit(options?: { actor?: string; target?: string; limit?: number }): Promise<AuditEntry[]>
}
