import { expect, it } from 'vitest'
import type { StaffRepository } from '../../../../server/store/staff.ts'
import { t0, type RepositoryFactory, using } from './support.ts'

const account = {
  username: 'jdoe',
  role: 'desk' as const,
  institutions: ['INST_A'],
  method: 'local' as const,
  passwordHash: 'scrypt$hash',
  disabled: false,
  createdAt: t0,
}

export function staffContract(open: RepositoryFactory): void {
  const withStaff = (
    test: (staff: StaffRepository, execRaw: (sql: string) => Promise<void>) => Promise<void>,
  ) => using(open, ({ staff, execRaw }) => test(staff, execRaw))

  it('creates, reads, lists and updates accounts; a taken username is a conflict', () =>
    withStaff(async (staff) => {
      await staff.createAccount(account)
      await expect(staff.createAccount(account)).rejects.toMatchObject({ kind: 'conflict' })
      expect(await staff.getAccount('jdoe')).toEqual({
        ...account,
        failedSignIns: 0,
        lockedUntil: null,
        lastSignInAt: null,
      })
      expect(await staff.getAccount('nobody')).toBeNull()
      const updated = await staff.updateAccount('jdoe', {
        role: 'supervisor',
        institutions: ['INST_A', 'INST_B'],
        disabled: true,
      })
      expect(updated).toMatchObject({
        role: 'supervisor',
        institutions: ['INST_A', 'INST_B'],
        disabled: true,
      })
      expect(await staff.updateAccount('nobody', { disabled: true })).toBeNull()
      expect((await staff.listAccounts()).map((a) => a.username)).toEqual(['jdoe'])
    }))

  it('counts failed sign-ins, locks after the limit, and a success or a new password clears it', () =>
    withStaff(async (staff) => {
      await staff.createAccount(account)
      const policy = { now: t0, lockAfter: 3, lockMs: 60_000 }
      expect(await staff.recordSignInFailure('jdoe', policy)).toEqual({
        failedSignIns: 1,
        lockedUntil: null,
      })
      await staff.recordSignInFailure('jdoe', policy)
      expect(await staff.recordSignInFailure('jdoe', policy)).toEqual({
        failedSignIns: 3,
        lockedUntil: t0 + 60_000,
      })
      await staff.recordSignInSuccess('jdoe', t0 + 1)
      expect(await staff.getAccount('jdoe')).toMatchObject({
        failedSignIns: 0,
        lockedUntil: null,
        lastSignInAt: t0 + 1,
      })
      await staff.recordSignInFailure('jdoe', { ...policy, lockAfter: 1 })
      await staff.updateAccount('jdoe', { passwordHash: 'scrypt$new' })
      expect(await staff.getAccount('jdoe')).toMatchObject({
        lockedUntil: null,
        passwordHash: 'scrypt$new',
      })
      expect(await staff.recordSignInFailure('nobody', policy)).toEqual({
        failedSignIns: 0,
        lockedUntil: null,
      })
    }))

  it('creates an SSO account at first sign-in and keeps it in step with the IdP after', () =>
    withStaff(async (staff) => {
      const first = await staff.upsertSsoAccount('ana@example.edu', {
        role: 'desk',
        institutions: ['INST_A'],
        now: t0,
      })
      expect(first).toMatchObject({ method: 'sso', passwordHash: null, lastSignInAt: t0 })
      const again = await staff.upsertSsoAccount('ana@example.edu', {
        role: 'supervisor',
        institutions: ['INST_A'],
        now: t0 + 5,
      })
      expect(again).toMatchObject({ role: 'supervisor', createdAt: t0, lastSignInAt: t0 + 5 })
    }))

  it('keeps sessions by the hash of their token, touches, ends and expires them', () =>
    withStaff(async (staff) => {
      await staff.createAccount(account)
      const session = {
        idHash: 'h1',
        username: 'jdoe',
        csrfToken: 'c1',
        method: 'local' as const,
        createdAt: t0,
        lastSeenAt: t0,
      }
      await staff.createSession(session)
      await staff.createSession({ ...session, idHash: 'h2', lastSeenAt: t0 + 100 })
      expect(await staff.getSession('h1')).toEqual(session)
      await staff.touchSession('h1', t0 + 50)
      await staff.touchSession('h1', t0 + 10)
      expect((await staff.getSession('h1'))?.lastSeenAt).toBe(t0 + 50)
      expect(await staff.deleteIdleSessions(t0 + 60)).toBe(1)
      expect(await staff.getSession('h1')).toBeNull()
      await staff.deleteSession('h2')
      expect(await staff.getSession('h2')).toBeNull()
      await staff.createSession({ ...session, idHash: 'h3' })
      expect(await staff.deleteSessionsOf('jdoe')).toBe(1)
    }))

  it('hands out an SSO login state once, and never after it expired', () =>
    withStaff(async (staff) => {
      const state = {
        state: 's1',
        institution: 'INST_A',
        codeVerifier: 'v',
        nonce: 'n',
        expiresAt: t0 + 600_000,
      }
      await staff.saveSsoState(state)
      expect(await staff.takeSsoState('s1', t0)).toEqual(state)
      expect(await staff.takeSsoState('s1', t0)).toBeNull()
      await staff.saveSsoState({ ...state, state: 's2', expiresAt: t0 })
      expect(await staff.takeSsoState('s2', t0 + 1)).toBeNull()
    }))

  it('keeps an append-only audit log, enforced by the database', () =>
    withStaff(async (staff, execRaw) => {
      await staff.appendAudit({
        at: t0,
        actor: 'jdoe',
        institution: 'INST_A',
        action: 'exception_resolved',
        target: 'exception:1',
        detail: { action: 'written_off' },
      })
      await staff.appendAudit({
        at: t0 + 1,
        actor: 'ana',
        institution: null,
        action: 'sign_in',
        target: null,
        detail: {},
      })
      expect((await staff.listAudit()).map((entry) => entry.action)).toEqual([
        'sign_in',
        'exception_resolved',
      ])
      expect(await staff.listAudit({ actor: 'jdoe' })).toEqual([
        expect.objectContaining({ target: 'exception:1', detail: { action: 'written_off' } }),
      ])
      await expect(execRaw(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(
        /append-only/,
      )
      await expect(execRaw('DELETE FROM audit_log')).rejects.toThrow(/append-only/)
      expect(await staff.listAudit({ target: 'exception:1' })).toHaveLength(1)
    }))
}
