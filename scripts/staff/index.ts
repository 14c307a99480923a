/**
 * `npm run staff -- <command>`: staff accounts from a shell, for sites without single sign-on and
 * for the first administrator. Configured like the service (environment, CONFIG_FILE) and on its
 * database, through `assembleStaffAdmin`. Exit codes: 0 done; 1 refused (bad password, taken
 * username, unknown account or institution); 2 a command line that can't be run; 3 the
 * configuration or the database.
 */
import { userInfo } from 'node:os'
import { ConfigError, loadConfig } from '../../server/config/load.ts'
import { StaffRequestError } from '../../server/staff/errors.ts'
import { parseCommand, usage, UsageError } from './args.ts'
import { runCommand } from './commands.ts'
import { PasswordInputError, readPassword } from './readPassword.ts'

function operatingSystemUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let command
  try {
    command = parseCommand(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`staff: ${error.message}\nRun "npm run staff -- --help" for the commands.`)
    return 2
  }
  if (command === 'help') {
    console.log(usage)
    return 0
  }
  let admin
  try {
    // Loaded only for a command that will run: a typo is answered without loading the service.
    const { assembleStaffAdmin } = await import('../../server/assemble.ts')
    admin = await assembleStaffAdmin(loadConfig(), {
      warn: (message) => {
        console.error(`staff: ${message}`)
      },
    })
  } catch (error) {
    console.error(`staff: ${error instanceof Error ? error.message : String(error)}`)
    return 3
  }
  try {
    await runCommand(command, {
      accounts: admin.accounts,
      registry: admin.registry,
      actor: `cli:${operatingSystemUser()}`,
      readPassword: () => readPassword(process.stdin, process.stderr),
      print: (line) => {
        console.log(line)
      },
    })
    return 0
  } catch (error) {
    if (error instanceof StaffRequestError || error instanceof PasswordInputError) {
      console.error(`staff: ${error.message}`)
      return 1
    }
    if (error instanceof ConfigError) {
      console.error(`staff: ${error.message}`)
      return 3
    }
    throw error
  } finally {
    await admin.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
