/**
 * Staff sign-in and sessions. A session is a random token in an HttpOnly cookie; the database keeps
 * only its SHA-256 (and the CSRF token that state-changing requests must echo), so any service
 * instance can answer it and a stolen database holds no usable session. Sessions end after an idle
 * time; repeated failed sign-ins lock the account for a while. Every sign-in, failure and sign-out
 * is audited.
 */
import { randomBytes } from 'node:crypto'
import type { SessionInfo } from '../../common/staffApi.ts'
import type { InstitutionRegistry } from '../institutions/registry.ts'
import type { Clock } from '../ops/clock.ts'
import type { StaffAccountRecord, StaffRepository, StaffSessionRecord } from '../store/staff.ts'
import { StaffRequestError } from './errors.ts'
import { decoyPasswordHash, verifyPassword } from './passwords.ts'
import { sha256Hex } from '../ops/sha256.ts'

interface StaffSessionPolicy {
  /** A session unused this long ends. */
  idleMs: number
  /** Failed sign-ins in a row before the account locks. */
  lockAfter: number
  lockMs: number
}

export interface StaffAuthDeps {
  store: StaffRepository
  registry: InstitutionRegistry
  clock: Clock
  policy: StaffSessionPolicy
}

export interface SignedIn {
  account: StaffAccountRecord
  session: StaffSessionRecord
  info: SessionInfo
}

/** Touching the session on every request would write on every read: once a minute is enough. */
const touchEveryMs = 60_000

const newToken = () => randomBytes(32).toString('base64url')

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase()
}

export function createStaffAuth(deps: StaffAuthDeps) {
  const { store, clock, policy } = deps

  function infoOf(account: StaffAccountRecord, session: StaffSessionRecord): SessionInfo {
    const known = new Set(deps.registry.all().map((institution) => institution.code))
    return {
      username: account.username,
      role: account.role,
      institutions: account.institutions
        .filter((code) => known.has(code))
        .map((code) => ({ code, name: deps.registry.get(code).name })),
      csrfToken: session.csrfToken,
      method: session.method,
    }
  }

  async function openSession(
    account: StaffAccountRecord,
    method: 'local' | 'sso',
  ): Promise<{ token: string } & SignedIn> {
    const token = newToken()
    const now = clock.now()
    const session: StaffSessionRecord = {
      idHash: sha256Hex(token),
      username: account.username,
      csrfToken: newToken(),
      method,
      createdAt: now,
      lastSeenAt: now,
    }
    await store.createSession(session)
    return { token, account, session, info: infoOf(account, session) }
  }

  async function signIn(
    username: string,
    password: string,
    context: { sourceIp: string },
  ): Promise<{ token: string } & SignedIn> {
    const name = normalizeUsername(username)
    const now = clock.now()
    const account = await store.getAccount(name)
    const refuse = async (reason: string): Promise<never> => {
      await store.appendAudit({
        at: now,
        actor: name,
        institution: null,
        action: 'sign_in_failed',
        target: null,
        detail: { reason, sourceIp: context.sourceIp },
      })
      throw new StaffRequestError('unauthorized', 'The username or password is wrong.')
    }
    if (account?.lockedUntil != null && account.lockedUntil > now) {
      await store.appendAudit({
        at: now,
        actor: name,
        institution: null,
        action: 'sign_in_locked_out',
        target: null,
        detail: { sourceIp: context.sourceIp },
      })
      throw new StaffRequestError(
        'locked_out',
        'Too many failed sign-ins: this account is locked for a while. Ask an administrator.',
      )
    }
    // Verified even without an account, so the answer takes as long either way.
    const matches = await verifyPassword(password, account?.passwordHash ?? decoyPasswordHash)
    if (account?.method !== 'local' || account.disabled || !matches) {
      if (account && !matches) {
        await store.recordSignInFailure(name, {
          now,
          lockAfter: policy.lockAfter,
          lockMs: policy.lockMs,
        })
      }
      return refuse(!account ? 'unknown account' : account.disabled ? 'disabled' : 'wrong password')
    }
    await store.recordSignInSuccess(name, now)
    await store.appendAudit({
      at: now,
      actor: name,
      institution: null,
      action: 'sign_in',
      target: null,
      detail: { method: 'local', sourceIp: context.sourceIp },
    })
    return openSession(account, 'local')
  }

  /** The signed-in staff member behind a session token; null when unknown, idle too long or disabled. */
  async function sessionFor(token: string | undefined): Promise<SignedIn | null> {
    if (!token) return null
    const idHash = sha256Hex(token)
    const session = await store.getSession(idHash)
    if (!session) return null
    const now = clock.now()
    if (now - session.lastSeenAt > policy.idleMs) {
      await store.deleteSession(idHash)
      return null
    }
    const account = await store.getAccount(session.username)
    if (!account || account.disabled) {
      await store.deleteSession(idHash)
      return null
    }
    if (now - session.lastSeenAt > touchEveryMs) await store.touchSession(idHash, now)
    return { account, session, info: infoOf(account, session) }
  }

  async function signOut(signedIn: SignedIn): Promise<void> {
    await store.deleteSession(signedIn.session.idHash)
    await store.appendAudit({
      at: clock.now(),
      actor: signedIn.account.username,
      institution: null,
      action: 'sign_out',
      target: null,
      detail: {},
    })
  }

  return { signIn, sessionFor, signOut, openSession }
}

export type StaffAuth = ReturnType<typeof createStaffAuth>
