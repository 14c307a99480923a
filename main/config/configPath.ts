/**
 * Where the machine file lives: `--config <file>` wins, then the KIOSK_CONFIG environment variable,
 * then the platform's machine-wide folder (on Windows under %ProgramData%, writable by admins only).
 */
import { posix, win32 } from 'node:path'

export const configEnvVar = 'KIOSK_CONFIG'
const configFileName = 'kiosk.json'
/** The folder name under %ProgramData% (Windows) or /etc (Linux). */
const configFolderName = 'Alma CashNet Kiosk'

export type ConfigPathSource = 'argument' | 'environment' | 'default'

/** The value of `--name=value` or `--name value` in argv, if present. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const flag = `--${name}`
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]
    if (arg === undefined) continue
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1)
    if (arg === flag) {
      const next = argv[index + 1]
      return next !== undefined && !next.startsWith('--') ? next : undefined
    }
  }
  return undefined
}

export function defaultMachineConfigPath(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (platform === 'win32') {
    const programData = env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData'
    return win32.join(programData, configFolderName, configFileName)
  }
  if (platform === 'darwin') {
    return posix.join('/Library/Application Support', configFolderName, configFileName)
  }
  return posix.join('/etc', configFolderName.toLowerCase().replaceAll(' ', '-'), configFileName)
}

export function resolveMachineConfigPath(input: {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  platform: NodeJS.Platform
}): { path: string; source: ConfigPathSource } {
  const fromArg = argValue(input.argv, 'config')
  if (fromArg) return { path: fromArg, source: 'argument' }
  const fromEnv = input.env[configEnvVar]
  if (fromEnv) return { path: fromEnv, source: 'environment' }
  return { path: defaultMachineConfigPath(input.platform, input.env), source: 'default' }
}
