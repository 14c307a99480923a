/**
 * What each `npm run staff` command does, through the same accounts service the console's admin
 * screen uses (validation, scrypt hashing, audit), so an account made here is like one made there.
 */
import type { StaffAccount } from '../../common/staffApi.ts'
import type { InstitutionRegistry } from '../../server/institutions/registry.ts'
import type { Accounts } from '../../server/staff/accounts.ts'
import { StaffRequestError } from '../../server/staff/errors.ts'
import type { StaffCommand } from './args.ts'

export interface CommandDeps {
  accounts: Accounts
  registry: Pick<InstitutionRegistry, 'all'>
  /** Who the audit log names: `cli:<operating-system user>`. */
  actor: string
  /** Asked only once the rest of the command is known to be acceptable. */
  readPassword: () => Promise<string>
  print: (line: string) => void
}

/** The codes as configured (typed in any case); the only one when a single institution exists. */
function institutionsFor(given: readonly string[], registry: CommandDeps['registry']): string[] {
  const configured = registry.all().map((institution) => institution.code)
  if (given.length === 0) {
    const [only, ...others] = configured
    if (only && others.length === 0) return [only]
    throw new StaffRequestError(
      'invalid_request',
      `institutions: several are configured; name one with --institution (${configured.join(', ')})`,
      { field: 'institutions' },
    )
  }
  return given.map(
    (code) => configured.find((known) => known.toLowerCase() === code.toLowerCase()) ?? code,
  )
}

async function existing(deps: CommandDeps, username: string): Promise<StaffAccount> {
  const name = username.trim().toLowerCase()
  const account = (await deps.accounts.list()).find((candidate) => candidate.username === name)
  if (!account) throw new StaffRequestError('not_found', `No staff account ${name}.`)
  return account
}

function formatAccounts(accounts: readonly StaffAccount[]): string[] {
  if (accounts.length === 0) return ['No staff accounts yet.']
  const rows = [
    ['USERNAME', 'ROLE', 'INSTITUTIONS', 'SIGN-IN', 'STATE', 'LAST SIGN-IN'],
    ...accounts.map((account) => [
      account.username,
      account.role,
      account.institutions.join(','),
      account.method,
      account.disabled ? 'disabled' : 'active',
      account.lastSignInAt ?? 'never',
    ]),
  ]
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  )
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
      .join('  ')
      .trimEnd(),
  )
}

export async function runCommand(command: StaffCommand, deps: CommandDeps): Promise<void> {
  switch (command.command) {
    case 'add': {
      // The service checks these too; checked here first so nobody types a password in vain.
      const institutions = institutionsFor(command.institutions, deps.registry)
      const known = new Set(deps.registry.all().map((institution) => institution.code))
      const unknown = institutions.filter((code) => !known.has(code))
      if (unknown.length > 0) {
        throw new StaffRequestError(
          'invalid_request',
          `institutions: no institution ${unknown.join(', ')} is configured (${[...known].join(', ')})`,
          { field: 'institutions' },
        )
      }
      const name = command.username.trim().toLowerCase()
      if ((await deps.accounts.list()).some((account) => account.username === name)) {
        throw new StaffRequestError('conflict', `The username ${name} is taken.`, {
          field: 'username',
        })
      }
      const account = await deps.accounts.create(deps.actor, {
        username: command.username,
        role: command.role,
        institutions,
        password: await deps.readPassword(),
      })
      deps.print(
        `Created ${account.role} account ${account.username} for ${account.institutions.join(', ')}.`,
      )
      return
    }
    case 'list':
      formatAccounts(await deps.accounts.list()).forEach(deps.print)
      return
    case 'disable':
    case 'enable': {
      const account = await existing(deps, command.username)
      await deps.accounts.update(deps.actor, account.username, {
        disabled: command.command === 'disable',
      })
      deps.print(
        command.command === 'disable'
          ? `Disabled ${account.username}; its sessions have ended.`
          : `Enabled ${account.username}.`,
      )
      return
    }
    case 'reset-password': {
      const account = await existing(deps, command.username)
      if (account.method !== 'local') {
        throw new StaffRequestError(
          'invalid_request',
          `${account.username} signs in through campus single sign-on and has no password here.`,
          { field: 'username' },
        )
      }
      await deps.accounts.update(deps.actor, account.username, {
        password: await deps.readPassword(),
      })
      deps.print(`New password set for ${account.username}; its sessions have ended.`)
      return
    }
  }
}
