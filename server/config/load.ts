import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { KioskSettings } from '../../common/api.ts'
import { cardReaderSettingsSchema } from '../../common/api.ts'
import type { StandingCategory } from '../patrons/standing.ts'
import { envSchema, type Env } from './schema.ts'

/** Configuration problems, each naming the key and what is wrong with it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly kind = 'invalid_config'
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.problems = problems
  }
}

export interface KioskCredential {
  kioskId: string
  /** SHA-256 of the key, hex: keys are never held in plain text after start-up. */
  keyHash: string
}

export interface ServiceConfig {
  production: boolean
  sandbox: boolean
  port: number
  host: string
  publicBaseUrl: string
  trustProxy: boolean
  databaseUrl: string
  logLevel: Env['LOG_LEVEL']
  alma: {
    baseUrl: string
    apiKey: string
    userIdType: string
    maxRequestsPerSecond: number
    paymentMethod: string
    timeoutMs: number
    /** After a pay call whose outcome is unknown, how long before the fee is looked at again. */
    settleMs: number
    /** Alma's answers for a line unreadable this long → a `posting_stuck` exception. */
    stuckAfterMs: number
  }
  cashnet: {
    checkoutUrl: string
    defaultItemCode: string
    itemCodes: Record<string, string>
    postbackSecret: string
    allowedIps: string[]
    /** Per source address under /cashnet/ (CashNet's own addresses exempt when allowlisted). */
    requestsPerMinute: number
    refType: string
    refTypeField: string
    refValueField: string
    custcode: string | undefined
  }
  kiosks: KioskCredential[]
  kioskRequestsPerMinute: number
  minPaymentCents: number
  checkoutTtlMs: number
  lookupTtlMs: number
  /** Account categories refused at lookup; everyone else found in Alma may pay. */
  paymentRefusedFor: ReadonlySet<StandingCategory>
  cardNumberPattern: RegExp
  kioskSettings: KioskSettings
}

export function hashKioskKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** Secrets shipped in examples and docs: refused in production. */
const knownExampleSecrets = new Set([
  'change-me',
  'changeme',
  'secret',
  'sandbox-postback-secret',
  'sandbox-alma-key',
  'replace-with-a-long-random-secret',
])

const minimumSecretLength = 32

function isLoopbackOrPlainHttp(url: string): boolean {
  const parsed = new URL(url)
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  return (
    parsed.protocol !== 'https:' ||
    host === 'localhost' ||
    host === '::1' ||
    host.startsWith('127.') ||
    host.endsWith('.localhost')
  )
}

function productionProblems(env: Env): string[] {
  const problems: string[] = []
  if (env.SANDBOX) problems.push('SANDBOX: must be off in production')
  if (isLoopbackOrPlainHttp(env.ALMA_API_BASE_URL)) {
    problems.push('ALMA_API_BASE_URL: must be an https Alma gateway in production, not a sandbox')
  }
  if (isLoopbackOrPlainHttp(env.CASHNET_CHECKOUT_URL)) {
    problems.push(
      'CASHNET_CHECKOUT_URL: must be an https CashNet store in production, not a sandbox',
    )
  }
  if (!env.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: is required in production')
  else if (!env.PUBLIC_BASE_URL.startsWith('https://')) {
    problems.push('PUBLIC_BASE_URL: must be https in production (CashNet posts back to it)')
  }
  const secret = env.CASHNET_POSTBACK_SECRET
  if (knownExampleSecrets.has(secret.toLowerCase())) {
    problems.push('CASHNET_POSTBACK_SECRET: is an example value; generate a random one')
  } else if (secret.length < minimumSecretLength) {
    problems.push(
      `CASHNET_POSTBACK_SECRET: must be at least ${minimumSecretLength} characters in production`,
    )
  }
  if (knownExampleSecrets.has(env.ALMA_API_KEY.toLowerCase())) {
    problems.push('ALMA_API_KEY: is an example value')
  }
  for (const { kioskId, key } of env.KIOSK_KEYS) {
    if (key.startsWith('sha256:')) continue
    if (knownExampleSecrets.has(key.toLowerCase()) || key.length < minimumSecretLength) {
      problems.push(
        `KIOSK_KEYS: the key for kiosk "${kioskId}" must be at least ${minimumSecretLength} random characters in production`,
      )
    }
  }
  return problems
}

/**
 * A pay whose answer was lost may still be applied by Alma after our timeout; the window must
 * comfortably outlast the slowest call Alma can still be working on.
 */
export function settleWindowProblem(settleSeconds: number, timeoutMs: number): string | null {
  const minimum = Math.max(30, Math.ceil((5 * timeoutMs) / 1000))
  if (settleSeconds >= minimum) return null
  return `ALMA_SETTLE_SECONDS: must be at least ${minimum} (30 s and 5 × ALMA_TIMEOUT_MS)`
}

function readConfigFile(path: string): Record<string, string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigError([`CONFIG_FILE: cannot read ${path}: ${(error as Error).message}`])
  }
  const result = z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .safeParse(parsed)
  if (!result.success) {
    throw new ConfigError([`CONFIG_FILE: ${path} must be a JSON object of KEY: value`])
  }
  return Object.fromEntries(Object.entries(result.data).map(([key, value]) => [key, String(value)]))
}

/**
 * Reads and validates the configuration. Throws `ConfigError` listing every problem at once, so
 * IT fixes a deployment in one pass.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const fromFile = environment.CONFIG_FILE ? readConfigFile(environment.CONFIG_FILE) : {}
  const merged: Record<string, string | undefined> = { ...fromFile }
  for (const [key, value] of Object.entries(environment)) {
    if (value !== undefined && value !== '') merged[key] = value
  }
  const result = envSchema.safeParse(merged)
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.join('.') || '(configuration)'
        const message =
          issue.code === 'invalid_type' && merged[key] === undefined ? 'is required' : issue.message
        return `${key}: ${message}`
      }),
    )
  }
  const env = result.data
  const production = env.NODE_ENV === 'production'
  if (production) {
    const problems = productionProblems(env)
    if (problems.length > 0) throw new ConfigError(problems)
  }
  const settleProblem = settleWindowProblem(env.ALMA_SETTLE_SECONDS, env.ALMA_TIMEOUT_MS)
  if (settleProblem) throw new ConfigError([settleProblem])
  if (env.KIOSK_IDLE_WARNING_SECONDS >= env.KIOSK_IDLE_SECONDS) {
    throw new ConfigError(['KIOSK_IDLE_WARNING_SECONDS: must be shorter than KIOSK_IDLE_SECONDS'])
  }
  if (!env.KIOSK_LANGUAGES.includes(env.KIOSK_DEFAULT_LANGUAGE)) {
    throw new ConfigError(['KIOSK_DEFAULT_LANGUAGE: must be one of KIOSK_LANGUAGES'])
  }

  return {
    production,
    sandbox: env.SANDBOX,
    port: env.PORT,
    host: env.HOST,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
    trustProxy: env.TRUST_PROXY,
    databaseUrl: env.DATABASE_URL,
    logLevel: env.LOG_LEVEL,
    alma: {
      baseUrl: env.ALMA_API_BASE_URL.replace(/\/+$/, ''),
      apiKey: env.ALMA_API_KEY,
      userIdType: env.ALMA_USER_ID_TYPE,
      maxRequestsPerSecond: env.ALMA_MAX_REQUESTS_PER_SECOND,
      paymentMethod: env.ALMA_PAYMENT_METHOD,
      timeoutMs: env.ALMA_TIMEOUT_MS,
      settleMs: env.ALMA_SETTLE_SECONDS * 1000,
      stuckAfterMs: env.POSTING_STUCK_MINUTES * 60_000,
    },
    cashnet: {
      checkoutUrl: env.CASHNET_CHECKOUT_URL,
      defaultItemCode: env.CASHNET_DEFAULT_ITEM_CODE,
      itemCodes: env.CASHNET_ITEM_CODES,
      postbackSecret: env.CASHNET_POSTBACK_SECRET,
      allowedIps: env.CASHNET_ALLOWED_IPS,
      requestsPerMinute: env.CASHNET_REQUESTS_PER_MINUTE,
      refType: env.CASHNET_REF_TYPE,
      refTypeField: env.CASHNET_REF_TYPE_FIELD,
      refValueField: env.CASHNET_REF_VALUE_FIELD,
      custcode: env.CASHNET_CUSTCODE,
    },
    kiosks: env.KIOSK_KEYS.map(({ kioskId, key }) => ({
      kioskId,
      keyHash: key.startsWith('sha256:')
        ? key.slice('sha256:'.length).toLowerCase()
        : hashKioskKey(key),
    })),
    kioskRequestsPerMinute: env.KIOSK_REQUESTS_PER_MINUTE,
    minPaymentCents: env.MIN_PAYMENT_CENTS,
    checkoutTtlMs: env.CHECKOUT_TTL_MINUTES * 60_000,
    lookupTtlMs: env.LOOKUP_TTL_SECONDS * 1000,
    paymentRefusedFor: new Set(env.PAYMENT_REFUSED_FOR),
    cardNumberPattern: new RegExp(env.CARD_NUMBER_PATTERN),
    kioskSettings: {
      library: {
        name: env.LIBRARY_NAME,
        logoUrl: env.LIBRARY_LOGO_URL ?? null,
        primaryColor: env.LIBRARY_PRIMARY_COLOR,
        accentColor: env.LIBRARY_ACCENT_COLOR,
      },
      languages: env.KIOSK_LANGUAGES,
      defaultLanguage: env.KIOSK_DEFAULT_LANGUAGE,
      currency: env.CURRENCY,
      minPaymentCents: env.MIN_PAYMENT_CENTS,
      allowManualEntry: env.KIOSK_ALLOW_MANUAL_ENTRY,
      showItemTitles: env.KIOSK_SHOW_ITEM_TITLES,
      idleTimeoutSeconds: {
        default: env.KIOSK_IDLE_SECONDS,
        fines: env.KIOSK_IDLE_SECONDS_FINES,
        checkout: env.KIOSK_IDLE_SECONDS_CHECKOUT,
        receipt: env.KIOSK_IDLE_SECONDS_RECEIPT,
      },
      idleWarningSeconds: env.KIOSK_IDLE_WARNING_SECONDS,
      cardReader: cardReaderSettingsSchema.parse({}),
    },
  }
}
