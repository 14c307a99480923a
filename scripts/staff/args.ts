/**
 * `npm run staff -- <command> …`: the command line, parsed by node:util's parseArgs and checked
 * with a schema, so every mistake is named before the database is opened.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { staffRoleSchema, usernameSchema } from '../../common/staffApi.ts'

export const usage = `Usage: npm run staff -- <command>

  add <username> --role <desk|supervisor|admin> [--institution <code>]…
                              create a local account; the password is read from standard input
  list                        every staff account
  disable <username>          end the account's sessions and refuse its sign-ins
  enable <username>           allow a disabled account again
  reset-password <username>   set a new password (read from standard input); lifts a lockout

--institution may be repeated; with a single institution configured it may be left out.
Passwords: at least 12 characters. Configuration: the service's (environment, CONFIG_FILE).`

/** A command line that can't be run: the message says what is wrong (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  readonly kind = 'usage'
}

const username = usernameSchema
const institution = z.string().trim().min(1).max(64)

const commandSchema = z.discriminatedUnion('command', [
  z.strictObject({
    command: z.literal('add'),
    username,
    role: staffRoleSchema,
    institutions: z.array(institution),
  }),
  z.strictObject({ command: z.literal('list') }),
  z.strictObject({ command: z.literal('disable'), username }),
  z.strictObject({ command: z.literal('enable'), username }),
  z.strictObject({ command: z.literal('reset-password'), username }),
])
export type StaffCommand = z.infer<typeof commandSchema>

const options = {
  role: { type: 'string' },
  institution: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const

/** What to run, or a UsageError; `help` when asked for it. */
export function parseCommand(argv: readonly string[]): StaffCommand | 'help' {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.help || positionals.length === 0) return 'help'
  const [command, name, ...extra] = positionals
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra.join(' ')}"`)
  const takesAccount = command !== 'list'
  if (takesAccount && name === undefined) throw new UsageError(`${command ?? ''}: name the account`)
  if (!takesAccount && name !== undefined) throw new UsageError(`unexpected argument "${name}"`)
  if (command !== 'add' && (values.role !== undefined || values.institution !== undefined)) {
    throw new UsageError(`${command ?? ''}: --role and --institution belong to add`)
  }
  const input =
    command === 'add'
      ? { command, username: name, role: values.role, institutions: values.institution ?? [] }
      : takesAccount
        ? { command, username: name }
        : { command }
  const checked = commandSchema.safeParse(input)
  if (!checked.success) {
    const [issue] = checked.error.issues
    const field = issue?.path[0]
    if (field === 'command') {
      throw new UsageError(
        `unknown command "${command ?? ''}" (add, list, disable, enable, reset-password)`,
      )
    }
    if (field === 'role') {
      throw new UsageError(
        values.role === undefined
          ? 'add: --role is required (desk, supervisor or admin)'
          : `--role: "${values.role}" is not a role (desk, supervisor or admin)`,
      )
    }
    throw new UsageError(`${String(field ?? 'arguments')}: ${issue?.message ?? 'is not valid'}`)
  }
  return checked.data
}
