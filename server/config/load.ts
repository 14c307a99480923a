/**
 * Reads and validates the configuration: service-wide settings from the environment (or the config
 * file's `service:` section; the environment wins), and the institutions, from the config file
 * (`CONFIG_FILE`, JSON or YAML, `institutions:`) or, for a single campus, from the environment.
 * Throws `ConfigError` listing every problem at once, each naming its key (and institution), so IT
 * fixes a deployment in one pass.
 */
import type { z } from 'zod'
import { apiPaths, type KioskSettings } from '../../common/api.ts'
import { ConfigFileError, readConfigFile } from './configFile.ts'
import { envKeyForField, institutionFromEnv } from './fromEnv.ts'
import { configFileSchema, institutionSchema, type ParsedInstitution } from './institutionSchema.ts'
import { institutionProductionProblems, serviceProductionProblems } from './production.ts'
import { institutionEnvSchema, serviceEnvSchema } from './schema.ts'
import type { InstitutionConfig, LogoSource, ServiceConfig } from './types.ts'
import { sha256Hex } from '../ops/sha256.ts'

export type { ServiceConfig } from './types.ts'

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

/**
 * A pay whose answer was lost may still be applied by Alma after our timeout; the window must
 * comfortably outlast the slowest call Alma can still be working on.
 */
function settleWindowProblem(settleSeconds: number, timeoutMs: number): string | null {
  const minimum = Math.max(30, Math.ceil((5 * timeoutMs) / 1000))
  if (settleSeconds >= minimum) return null
  return `ALMA_SETTLE_SECONDS: must be at least ${minimum} (30 s and 5 × ALMA_TIMEOUT_MS)`
}

/** The config file's `service:` keys, as the environment variables they stand for. */
const serviceFileKeys: Readonly<Record<string, string>> = {
  port: 'PORT',
  host: 'HOST',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  trustProxy: 'TRUST_PROXY',
  databaseUrl: 'DATABASE_URL',
  logLevel: 'LOG_LEVEL',
  kioskRequestsPerMinute: 'KIOSK_REQUESTS_PER_MINUTE',
  cashnetRequestsPerMinute: 'CASHNET_REQUESTS_PER_MINUTE',
  checkoutTtlMinutes: 'CHECKOUT_TTL_MINUTES',
  lookupTtlSeconds: 'LOOKUP_TTL_SECONDS',
  almaSettleSeconds: 'ALMA_SETTLE_SECONDS',
  postingStuckMinutes: 'POSTING_STUCK_MINUTES',
  staffSessionIdleMinutes: 'STAFF_SESSION_IDLE_MINUTES',
  staffLockoutAfter: 'STAFF_LOCKOUT_AFTER',
  staffLockoutMinutes: 'STAFF_LOCKOUT_MINUTES',
  staffSignInRequestsPerMinute: 'STAFF_SIGN_IN_REQUESTS_PER_MINUTE',
  staffAllowedNetworks: 'STAFF_ALLOWED_NETWORKS',
  payLinkEmailDays: 'PAY_LINK_EMAIL_DAYS',
  payLinkQrMinutes: 'PAY_LINK_QR_MINUTES',
  smtpUrl: 'SMTP_URL',
  mailFrom: 'MAIL_FROM',
  paySessionIdleMinutes: 'PAY_SESSION_IDLE_MINUTES',
  payRequestsPerMinute: 'PAY_REQUESTS_PER_MINUTE',
}

function issuesOf(
  error: z.ZodError,
  nameOf: (path: string) => string,
  given: (path: string) => boolean,
) {
  return error.issues.map((issue) => {
    const path = issue.path.join('.')
    const message = issue.code === 'invalid_type' && !given(path) ? 'is required' : issue.message
    return `${nameOf(path)}: ${message}`
  })
}

function kioskSettingsOf(institution: ParsedInstitution): KioskSettings {
  const { kiosk, payments } = institution
  return {
    library: {
      name: kiosk.libraryName ?? institution.name,
      // The renderer loads it same-origin (`img-src 'self'`), through main's proxy in Electron.
      logoUrl: kiosk.logoFile || kiosk.logoUrl ? apiPaths.logo : null,
      primaryColor: kiosk.primaryColor,
      accentColor: kiosk.accentColor,
    },
    languages: kiosk.languages,
    defaultLanguage: kiosk.defaultLanguage,
    currency: payments.currency,
    minPaymentCents: payments.minPaymentCents,
    allowManualEntry: kiosk.allowManualEntry,
    showItemTitles: kiosk.showItemTitles,
    payOnPhone: kiosk.payOnPhone,
    idleTimeoutSeconds: kiosk.idleSeconds,
    idleWarningSeconds: kiosk.idleWarningSeconds,
    cardReader: kiosk.cardReader,
    feeTypeNames: kiosk.feeTypeNames,
    emailReceipt: false,
  }
}

function logoOf(
  { kiosk }: ParsedInstitution,
  nameOf: (field: string) => string,
): LogoSource | null {
  if (kiosk.logoFile) {
    return { kind: 'file', location: kiosk.logoFile, configKey: nameOf('kiosk.logoFile') }
  }
  if (kiosk.logoUrl) {
    return { kind: 'url', location: kiosk.logoUrl, configKey: nameOf('kiosk.logoUrl') }
  }
  return null
}

function toInstitutionConfig(
  institution: ParsedInstitution,
  nameOf: (field: string) => string,
): InstitutionConfig {
  return {
    code: institution.code,
    name: institution.name,
    alma: { ...institution.alma, baseUrl: institution.alma.baseUrl.replace(/\/+$/, '') },
    cashnet: {
      checkoutUrl: institution.cashnet.checkoutUrl,
      itemCodes: institution.cashnet.itemCodes,
      postbackSecret: institution.cashnet.postbackSecret,
      allowedIps: institution.cashnet.allowedIps,
      refType: institution.cashnet.refType,
      refTypeField: institution.cashnet.refTypeField,
      refValueField: institution.cashnet.refValueField,
      custcode: institution.cashnet.custcode,
    },
    payments: {
      minPaymentCents: institution.payments.minPaymentCents,
      refusedFor: new Set(institution.payments.refusedFor),
      payableOwners: institution.payments.payableOwners
        ? new Set(institution.payments.payableOwners)
        : null,
      cardNumberPattern: new RegExp(institution.payments.cardNumberPattern),
    },
    kiosks: institution.kiosks.map(({ id, key }) => ({
      kioskId: id,
      keyHash: key.startsWith('sha256:')
        ? key.slice('sha256:'.length).toLowerCase()
        : sha256Hex(key),
    })),
    kioskSettings: kioskSettingsOf(institution),
    logo: logoOf(institution, nameOf),
    sso: institution.sso
      ? {
          issuer: institution.sso.issuer,
          clientId: institution.sso.clientId,
          clientSecret: institution.sso.clientSecret,
          label: institution.sso.label ?? `Sign in with ${institution.name}`,
          usernameClaim: institution.sso.usernameClaim,
          roleClaim: institution.sso.roleClaim,
          roles: institution.sso.roles,
        }
      : null,
    primo: institution.primo
      ? {
          jwksUrl: institution.primo.jwksUrl,
          institutionCode: institution.primo.institutionCode,
          // Duplicates are harmless but noise in the docs' "what is allowed" list.
          returnOrigins: [...new Set(institution.primo.returnOrigins)],
        }
      : null,
    notify: {
      staffTo: institution.notify.staffTo,
      staff: institution.notify.staff,
      digestAtMinutes: minutesOfDay(institution.notify.digestAt),
      alertTo: institution.notify.alertTo,
      postingAlertMs: institution.notify.postingAlertMinutes * 60_000,
      patronReceipt: institution.notify.patronReceipt,
    },
  }
}

function minutesOfDay(hhmm: string): number {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number)
  return hours * 60 + minutes
}

/** Email settings that mean nothing without a mail server, named so IT sees which. */
function mailProblems(
  institution: InstitutionConfig,
  nameOf: (field: string) => string,
  mailConfigured: boolean,
): string[] {
  if (mailConfigured) return []
  const { notify } = institution
  const problems: string[] = []
  const needs = (field: string) => `${nameOf(field)}: needs SMTP_URL and MAIL_FROM`
  if (notify.staffTo.length > 0 && notify.staff !== 'off') problems.push(needs('notify.staffTo'))
  if (notify.alertTo.length > 0) problems.push(needs('notify.alertTo'))
  if (notify.patronReceipt) problems.push(needs('notify.patronReceipt'))
  return problems
}

interface Source {
  input: unknown
  nameOf: (field: string) => string
  given: (field: string) => boolean
}

/** Problems shared by several institutions: every code, kiosk id and postback secret is unique. */
function crossInstitutionProblems(institutions: readonly InstitutionConfig[]): string[] {
  const problems: string[] = []
  const seen = (what: string, values: string[]) => {
    const counts = new Map<string, number>()
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
    for (const [value, count] of counts) {
      if (count > 1) problems.push(`institutions: ${what} "${value}" is used more than once`)
    }
  }
  seen(
    'code',
    institutions.map((institution) => institution.code),
  )
  seen(
    'kiosk id',
    institutions.flatMap((institution) => institution.kiosks.map((kiosk) => kiosk.kioskId)),
  )
  // A Primo token names its institution; that name must lead to one institution's keys only.
  seen(
    'Primo institution code',
    institutions.flatMap((institution) =>
      institution.primo ? [institution.primo.institutionCode] : [],
    ),
  )
  const secrets = institutions.map((institution) => institution.cashnet.postbackSecret)
  if (new Set(secrets).size !== secrets.length) {
    problems.push('institutions: each institution needs its own CashNet postback secret')
  }
  return problems
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): ServiceConfig {
  let file
  try {
    file = environment.CONFIG_FILE ? readConfigFile(environment.CONFIG_FILE, environment) : null
  } catch (error) {
    if (error instanceof ConfigFileError) throw new ConfigError(error.problems)
    throw error
  }

  const merged: Record<string, string | undefined> = {}
  if (file?.form === 'flat') Object.assign(merged, file.values)
  let structured: z.infer<typeof configFileSchema> | null = null
  if (file?.form === 'structured') {
    const parsed = configFileSchema.safeParse(file.document)
    if (!parsed.success) {
      throw new ConfigError(
        issuesOf(
          parsed.error,
          (path) => `CONFIG_FILE ${path || '(file)'}`,
          () => true,
        ),
      )
    }
    structured = parsed.data
    for (const [key, value] of Object.entries(structured.service)) {
      const envKey = serviceFileKeys[key]
      if (envKey) merged[envKey] = Array.isArray(value) ? value.join(',') : String(value)
    }
  }
  for (const [key, value] of Object.entries(environment)) {
    if (value !== undefined && value !== '') merged[key] = value
  }

  const service = serviceEnvSchema.safeParse(merged)
  const problems: string[] = service.success
    ? []
    : issuesOf(
        service.error,
        (path) => path || '(configuration)',
        (path) => merged[path] !== undefined,
      )

  const sources: Source[] = []
  if (structured) {
    structured.institutions.forEach((input, index) => {
      const label =
        typeof input === 'object' && input !== null && 'code' in input
          ? ` (${String(input.code)})`
          : ''
      sources.push({
        input,
        nameOf: (field) => `institutions[${index}]${label}${field ? `.${field}` : ''}`,
        given: () => true,
      })
    })
  } else {
    const env = institutionEnvSchema.safeParse(merged)
    if (!env.success) {
      problems.push(
        ...issuesOf(
          env.error,
          (path) => path || '(configuration)',
          (path) => merged[path] !== undefined,
        ),
      )
    } else {
      sources.push({
        input: institutionFromEnv(env.data),
        // `primo.returnOrigins.2` is still PRIMO_RETURN_ORIGINS.
        nameOf: (field) =>
          envKeyForField[field] ?? envKeyForField[field.replace(/\.\d+$/, '')] ?? field,
        given: () => true,
      })
    }
  }

  const institutions: InstitutionConfig[] = []
  const plainKeys: { kioskId: string; key: string }[][] = []
  for (const source of sources) {
    const parsed = institutionSchema.safeParse(source.input)
    if (!parsed.success) {
      problems.push(...issuesOf(parsed.error, source.nameOf, source.given))
      continue
    }
    institutions.push(toInstitutionConfig(parsed.data, source.nameOf))
    plainKeys.push(parsed.data.kiosks.map(({ id, key }) => ({ kioskId: id, key })))
  }
  if (problems.length > 0 || !service.success) throw new ConfigError(problems)
  problems.push(...crossInstitutionProblems(institutions))

  const env = service.data
  if (env.SMTP_URL && !env.MAIL_FROM) problems.push('MAIL_FROM: is required with SMTP_URL')
  const mail = env.SMTP_URL && env.MAIL_FROM ? { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM } : null
  institutions.forEach((institution, index) => {
    const source = sources[index]
    if (source) problems.push(...mailProblems(institution, source.nameOf, mail !== null))
    // The kiosk offers the button only when a receipt can actually be sent.
    institution.kioskSettings.emailReceipt = institution.notify.patronReceipt && mail !== null
  })
  const slowest = Math.max(...institutions.map((institution) => institution.alma.timeoutMs))
  const settleProblem = settleWindowProblem(env.ALMA_SETTLE_SECONDS, slowest)
  if (settleProblem) problems.push(settleProblem)

  const production = env.NODE_ENV === 'production'
  if (production) {
    problems.push(
      ...serviceProductionProblems({ sandbox: env.SANDBOX, publicBaseUrl: env.PUBLIC_BASE_URL }),
    )
    institutions.forEach((institution, index) => {
      const source = sources[index]
      if (!source) return
      problems.push(
        ...institutionProductionProblems(institution, plainKeys[index] ?? [], source.nameOf),
      )
    })
  }
  if (problems.length > 0) throw new ConfigError(problems)

  return {
    production,
    sandbox: env.SANDBOX,
    port: env.PORT,
    host: env.HOST,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
    trustProxy: env.TRUST_PROXY,
    databaseUrl: env.DATABASE_URL,
    logLevel: env.LOG_LEVEL,
    kioskRequestsPerMinute: env.KIOSK_REQUESTS_PER_MINUTE,
    cashnetRequestsPerMinute: env.CASHNET_REQUESTS_PER_MINUTE,
    checkoutTtlMs: env.CHECKOUT_TTL_MINUTES * 60_000,
    lookupTtlMs: env.LOOKUP_TTL_SECONDS * 1000,
    posting: {
      settleMs: env.ALMA_SETTLE_SECONDS * 1000,
      stuckAfterMs: env.POSTING_STUCK_MINUTES * 60_000,
    },
    staff: {
      sessionIdleMs: env.STAFF_SESSION_IDLE_MINUTES * 60_000,
      lockAfter: env.STAFF_LOCKOUT_AFTER,
      lockMs: env.STAFF_LOCKOUT_MINUTES * 60_000,
      signInRequestsPerMinute: env.STAFF_SIGN_IN_REQUESTS_PER_MINUTE,
      allowedNetworks: env.STAFF_ALLOWED_NETWORKS,
    },
    payLinks: {
      emailMs: env.PAY_LINK_EMAIL_DAYS * 24 * 3_600_000,
      qrMs: env.PAY_LINK_QR_MINUTES * 60_000,
    },
    mail,
    pay: {
      sessionIdleMs: env.PAY_SESSION_IDLE_MINUTES * 60_000,
      requestsPerMinute: env.PAY_REQUESTS_PER_MINUTE,
    },
    institutions,
  }
}
