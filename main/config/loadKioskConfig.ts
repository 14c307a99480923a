/**
 * Turns the machine file (or, in demo mode from a checkout, the environment `npm start` hands over)
 * into a KioskConfig, or into the exact list of problems the "not configured" screen shows IT.
 */
import { configEnvVar, resolveMachineConfigPath, type ConfigPathSource } from './configPath.ts'
import { parseMachineConfig, type KioskConfig } from './machineConfig.ts'

/** The part of Electron's safeStorage this needs (DPAPI on Windows). */
export interface KeyDecryptor {
  isEncryptionAvailable(): boolean
  decryptString(encrypted: Buffer): string
}

export type KioskConfigResult =
  { ok: true; config: KioskConfig; plainKey: boolean } | { ok: false; problems: string[] }

export type ReadTextFile = (path: string) => string

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined
}

function readProblem(path: string, source: ConfigPathSource, error: unknown): string {
  const code = errorCode(error)
  if (code === 'ENOENT') {
    const how =
      source === 'default'
        ? `Copy kiosk.example.json there and fill it in (or point --config or ${configEnvVar} at another file).`
        : `It was set by ${source === 'argument' ? '--config' : configEnvVar}.`
    return `No machine configuration file at ${path}. ${how}`
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `Cannot read ${path}: this Windows/Linux account has no read permission on it.`
  }
  if (code === 'EISDIR') return `${path} is a folder, not a configuration file.`
  return `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`
}

function resolveKey(
  file: { kioskKey?: string | undefined; kioskKeyProtected?: string | undefined },
  decryptor: KeyDecryptor,
): { ok: true; key: string } | { ok: false; problem: string } {
  if (file.kioskKey !== undefined) return { ok: true, key: file.kioskKey }
  if (!decryptor.isEncryptionAvailable()) {
    return {
      ok: false,
      problem:
        'kioskKeyProtected: this account cannot use safeStorage (no OS key store); use "kioskKey" with a file only the kiosk account can read.',
    }
  }
  try {
    const key = decryptor.decryptString(Buffer.from(file.kioskKeyProtected ?? '', 'base64'))
    if (key.length < 16) {
      return {
        ok: false,
        problem: 'kioskKeyProtected: decrypts to a key shorter than 16 characters',
      }
    }
    return { ok: true, key }
  } catch {
    return {
      ok: false,
      problem:
        'kioskKeyProtected: could not be decrypted by this account. Protect the key again with --protect-key while signed in as the kiosk account.',
    }
  }
}

/** Reads and validates a machine file. Never throws: every failure becomes a problem line. */
export function loadMachineConfig(
  location: { path: string; source: ConfigPathSource },
  deps: { readFile: ReadTextFile; decryptor: KeyDecryptor },
): KioskConfigResult {
  let text: string
  try {
    text = deps.readFile(location.path)
  } catch (error) {
    return { ok: false, problems: [readProblem(location.path, location.source, error)] }
  }
  let json: unknown
  try {
    // Notepad saves UTF-8 with a byte-order mark; JSON.parse does not accept one.
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    return {
      ok: false,
      problems: [
        `${location.path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      ],
    }
  }
  const parsed = parseMachineConfig(json)
  if (!parsed.ok) return parsed
  const key = resolveKey(parsed.file, deps.decryptor)
  if (!key.ok) return { ok: false, problems: [key.problem] }
  return {
    ok: true,
    config: { ...parsed.config, kioskKey: key.key },
    plainKey: parsed.file.kioskKey !== undefined,
  }
}

/**
 * A plain `kioskKey` is only as safe as the file's permissions. On Linux and macOS the file-based
 * key is the recommended form (safeStorage may block on a keyring prompt at start, so the kiosk
 * never calls it unless `kioskKeyProtected` is set): it must be mode 0600, owned by the kiosk
 * account. Windows permissions are ACLs, which the mode bits do not show.
 */
export function plainKeyPermissionWarning(input: {
  platform: NodeJS.Platform
  path: string
  mode: number
}): string | null {
  if (input.platform === 'win32') return null
  const mode = input.mode & 0o777
  if ((mode & 0o077) === 0) return null
  return `${input.path} holds the kiosk key in plain text but other accounts can read it (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 on it`
}

/** Environment variables `npm start` sets for demo mode. */
export const demoEnv = {
  serviceUrl: 'KIOSK_SERVICE_URL',
  kioskId: 'KIOSK_ID',
  kioskKey: 'KIOSK_KEY',
  cashnetOrigins: 'KIOSK_CASHNET_ORIGINS',
} as const

/** Demo mode from a checkout: the in-process service hands over its URL, kiosk key and CashNet origin. */
export function demoConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): KioskConfigResult {
  const missing = Object.values(demoEnv).filter((name) => !env[name])
  if (missing.length > 0) {
    return {
      ok: false,
      problems: [`Demo mode needs ${missing.join(', ')}: start it with \`npm start\`.`],
    }
  }
  const parsed = parseMachineConfig({
    kioskId: env[demoEnv.kioskId],
    service: { url: env[demoEnv.serviceUrl] },
    kioskKey: env[demoEnv.kioskKey],
    cashnet: {
      allowedOrigins: (env[demoEnv.cashnetOrigins] ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    },
  })
  if (!parsed.ok)
    return { ok: false, problems: parsed.problems.map((p) => `demo environment: ${p}`) }
  return {
    ok: true,
    config: { ...parsed.config, mode: 'demo', kioskKey: env[demoEnv.kioskKey] ?? '' },
    plainKey: false,
  }
}

export interface ConfigSources {
  /** app.isPackaged: a packaged app never runs in demo mode. */
  packaged: boolean
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  platform: NodeJS.Platform
  readFile: ReadTextFile
  decryptor: KeyDecryptor
}

export interface ResolvedConfig {
  result: KioskConfigResult
  /** The machine file consulted, or null in demo mode. */
  configPath: string | null
  /** `--demo` was passed to a packaged app and ignored. */
  demoRefused: boolean
  /** The machine file holds the key in plain text (`kioskKey`): its permissions matter. */
  plainKey: boolean
}

/**
 * Demo mode only from a checkout (`--demo` and not packaged); everything else reads the machine
 * file. A packaged app that is not configured shows "not configured": it never takes demo payments.
 */
export function resolveKioskConfig(sources: ConfigSources): ResolvedConfig {
  const demoRequested = sources.argv.includes('--demo')
  if (demoRequested && !sources.packaged) {
    return {
      result: demoConfigFromEnv(sources.env),
      configPath: null,
      demoRefused: false,
      plainKey: false,
    }
  }
  const location = resolveMachineConfigPath(sources)
  const result = loadMachineConfig(location, sources)
  return {
    result,
    configPath: location.path,
    demoRefused: demoRequested,
    plainKey: result.ok && result.plainKey,
  }
}
