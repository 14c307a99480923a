/**
 * Local staff accounts, for sites without single sign-on: created by an administrator (console or
 * `npm run staff`), passwords of at least 12 characters hashed with scrypt. Every change is audited.
 */
import {
  passwordSchema,
  staffRoleSchema,
  usernameSchema,
  type StaffAccount,
  type StaffRole,
} from '../../common/staffApi.ts'
import type { InstitutionRegistry } from '../institutions/registry.ts'
import type { Clock } from '../ops/clock.ts'
import {
  StaffStoreConflict,
  type StaffAccountRecord,
  type StaffRepository,
} from '../store/staff.ts'
import { StaffRequestError } from './errors.ts'
import { hashPassword } from './passwords.ts'
import { normalizeUsername } from './staffAuth.ts'

export interface AccountsDeps {
  store: StaffRepository
  registry: InstitutionRegistry
  clock: Clock
}

function accountView(account: StaffAccountRecord): StaffAccount {
  return {
    username: account.username,
    role: account.role,
    institutions: account.institutions,
    disabled: account.disabled,
    method: account.method,
    createdAt: new Date(account.createdAt).toISOString(),
    lastSignInAt:
      account.lastSignInAt === null ? null : new Date(account.lastSignInAt).toISOString(),
  }
}

function check<T>(
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } }
  },
  value: unknown,
  field: string,
): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new StaffRequestError(
      'invalid_request',
      `${field}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`,
      { field },
    )
  }
  return parsed.data
}

export function createAccounts(deps: AccountsDeps) {
  const { store, clock } = deps

  function knownInstitutions(codes: readonly string[]): string[] {
    const known = new Set(deps.registry.all().map((institution) => institution.code))
    const unknown = codes.filter((code) => !known.has(code))
    if (unknown.length > 0) {
      throw new StaffRequestError(
        'invalid_request',
        `institutions: no institution ${unknown.join(', ')} is configured`,
        {
          field: 'institutions',
        },
      )
    }
    return [...new Set(codes)]
  }

  async function create(
    actor: string,
    input: { username: string; role: StaffRole; institutions: string[]; password: string },
  ): Promise<StaffAccount> {
    const username = normalizeUsername(check(usernameSchema, input.username, 'username'))
    const role = check(staffRoleSchema, input.role, 'role')
    const password = check(passwordSchema, input.password, 'password')
    const institutions = knownInstitutions(input.institutions)
    const now = clock.now()
    try {
      await store.createAccount({
        username,
        role,
        institutions,
        method: 'local',
        passwordHash: await hashPassword(password),
        disabled: false,
        createdAt: now,
      })
    } catch (error) {
      if (error instanceof StaffStoreConflict) {
        throw new StaffRequestError('conflict', `The username ${username} is taken.`, {
          field: 'username',
        })
      }
      throw error
    }
    await store.appendAudit({
      at: now,
      actor,
      institution: null,
      action: 'account_created',
      target: `account:${username}`,
      detail: { role, institutions },
    })
    const account = await store.getAccount(username)
    if (!account) throw new Error('created account not found')
    return accountView(account)
  }

  async function update(
    actor: string,
    username: string,
    changes: { role?: StaffRole; institutions?: string[]; disabled?: boolean; password?: string },
  ): Promise<StaffAccount> {
    const name = normalizeUsername(username)
    const current = await store.getAccount(name)
    if (!current) throw new StaffRequestError('not_found', 'No such staff account.')
    const passwordHash =
      changes.password === undefined
        ? undefined
        : await hashPassword(check(passwordSchema, changes.password, 'password'))
    if (passwordHash && current.method !== 'local') {
      throw new StaffRequestError(
        'invalid_request',
        'password: single sign-on accounts have none',
        {
          field: 'password',
        },
      )
    }
    const updated = await store.updateAccount(name, {
      ...(changes.role ? { role: check(staffRoleSchema, changes.role, 'role') } : {}),
      ...(changes.institutions ? { institutions: knownInstitutions(changes.institutions) } : {}),
      ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
      ...(passwordHash ? { passwordHash } : {}),
    })
    if (!updated) throw new StaffRequestError('not_found', 'No such staff account.')
    // A disabled account or a new password ends every session of the account.
    if (changes.disabled === true || passwordHash) await store.deleteSessionsOf(name)
    await store.appendAudit({
      at: clock.now(),
      actor,
      institution: null,
      action: 'account_updated',
      target: `account:${name}`,
      detail: {
        ...(changes.role ? { role: changes.role } : {}),
        ...(changes.institutions ? { institutions: updated.institutions } : {}),
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
        ...(passwordHash ? { passwordReset: true } : {}),
      },
    })
    return accountView(updated)
  }

  async function list(): Promise<StaffAccount[]> {
    return (await store.listAccounts()).map(accountView)
  }

  return { create, update, list }
}

export type Accounts = ReturnType<typeof createAccounts>
