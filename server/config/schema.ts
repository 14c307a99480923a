/**
 * The environment variables: service-wide keys, and the keys that describe one institution (a
 * single-campus site). A config file (`CONFIG_FILE`, `institutionSchema.ts`) describes several
 * institutions instead. Every key is documented in docs/configuration.md.
 */
import { z } from 'zod'
import { standingCategories } from '../patrons/standing.ts'
import {
  defaultRefType,
  defaultRefTypeField,
  defaultRefValueField,
} from '../payments/cashnetUrl.ts'
import {
  currencyCode,
  emailAddress,
  hexColor,
  httpUrl as url,
  int,
  ipRange,
  paymentMethodCode,
  refTypeField,
  refValueField,
  regexPattern,
  mailbox,
  smtpUrl,
  staffNotifyModes,
  timeOfDay,
} from './fields.ts'

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

const csv = z.string().transform((text) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
)

/** `TYPE=CODE,TYPE=CODE`: Alma fee type → CashNet item code. */
const itemCodeMap = z.string().transform((text, context) => {
  const map: Record<string, string> = {}
  for (const pair of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [type, code, ...rest] = pair.split('=').map((part) => part.trim())
    if (!type || !code || rest.length > 0) {
      context.addIssue({ code: 'custom', message: `"${pair}" is not FEE_TYPE=ITEM_CODE` })
      return z.NEVER
    }
    map[type] = code
  }
  return map
})

/**
 * `OWNER=CODE` (every fee of that owning library) or `OWNER:FEE_TYPE=CODE`, comma-separated: item
 * codes for a campus whose libraries each have their own.
 */
const ownerItemCodeMap = z.string().transform((text, context) => {
  const map: Record<string, { default?: string; byFeeType?: Record<string, string> }> = {}
  for (const pair of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [target, itemCode, ...rest] = pair.split('=').map((part) => part.trim())
    const [owner, feeType, ...more] = (target ?? '').split(':').map((part) => part.trim())
    if (!owner || !itemCode || rest.length > 0 || more.length > 0 || feeType === '') {
      context.addIssue({
        code: 'custom',
        message: `"${pair}" is not OWNER=ITEM_CODE or OWNER:FEE_TYPE=ITEM_CODE`,
      })
      return z.NEVER
    }
    const rules = (map[owner] ??= {})
    if (feeType === undefined) rules.default = itemCode
    else (rules.byFeeType ??= {})[feeType] = itemCode
  }
  return map
})

/** `kioskId:key,…`; a key written as `sha256:<hex>` is already hashed. */
const kioskKeys = z.string().transform((text, context) => {
  const kiosks: { kioskId: string; key: string }[] = []
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':')
    const kioskId = entry.slice(0, colon).trim()
    const key = entry.slice(colon + 1).trim()
    if (colon < 1 || !key || !/^[A-Za-z0-9._-]{1,64}$/.test(kioskId)) {
      context.addIssue({ code: 'custom', message: 'each entry must be kioskId:key' })
      return z.NEVER
    }
    kiosks.push({ kioskId, key })
  }
  return kiosks
})

export const serviceEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_BASE_URL: url.optional(),
  TRUST_PROXY: bool.default(false),
  DATABASE_URL: z.string().min(1).default('sqlite:data/kiosk.sqlite'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KIOSK_REQUESTS_PER_MINUTE: int(1, 100_000).default(120),
  CASHNET_REQUESTS_PER_MINUTE: int(1, 100_000).default(120),
  CHECKOUT_TTL_MINUTES: int(1, 24 * 60).default(20),
  LOOKUP_TTL_SECONDS: int(10, 24 * 3600).default(900),
  ALMA_SETTLE_SECONDS: int(1, 24 * 3600).default(120),
  POSTING_STUCK_MINUTES: int(1, 7 * 24 * 60).default(30),
  SANDBOX: bool.default(false),
  STAFF_SESSION_IDLE_MINUTES: int(5, 24 * 60).default(30),
  STAFF_LOCKOUT_AFTER: int(3, 100).default(5),
  STAFF_LOCKOUT_MINUTES: int(1, 24 * 60).default(15),
  STAFF_SIGN_IN_REQUESTS_PER_MINUTE: int(1, 1000).default(10),
  STAFF_ALLOWED_NETWORKS: csv.pipe(z.array(ipRange)).default([]),
  PAY_LINK_EMAIL_DAYS: int(1, 60).default(7),
  PAY_LINK_QR_MINUTES: int(5, 24 * 60).default(30),
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: mailbox.optional(),
  PAY_SESSION_IDLE_MINUTES: int(5, 24 * 60).default(30),
  PAY_REQUESTS_PER_MINUTE: int(1, 100_000).default(120),
})

/** One institution, as a single-campus site describes it in the environment. */
export const institutionEnvSchema = z.object({
  INSTITUTION_CODE: z.string().min(1).default('default'),
  LIBRARY_NAME: z.string().min(1).default('University Library'),

  ALMA_API_BASE_URL: url.default('https://api-na.hosted.exlibrisgroup.com'),
  ALMA_API_KEY: z.string().min(1, 'is required'),
  ALMA_USER_ID_TYPE: z.string().min(1).default('all_unique'),
  ALMA_MAX_REQUESTS_PER_SECOND: int(1, 1000).default(25),
  ALMA_PAYMENT_METHOD: paymentMethodCode.default('ONLINE'),
  ALMA_TIMEOUT_MS: int(100, 120_000).default(10_000),

  CASHNET_CHECKOUT_URL: url,
  CASHNET_DEFAULT_ITEM_CODE: z.string().min(1, 'is required'),
  CASHNET_ITEM_CODES: itemCodeMap.default({}),
  CASHNET_ITEM_CODES_BY_OWNER: ownerItemCodeMap.default({}),
  CASHNET_POSTBACK_SECRET: z.string().min(1, 'is required'),
  CASHNET_ALLOWED_IPS: csv.default([]),
  CASHNET_REF_TYPE: z.string().min(1).default(defaultRefType),
  CASHNET_REF_TYPE_FIELD: refTypeField.default(defaultRefTypeField),
  CASHNET_REF_VALUE_FIELD: refValueField.default(defaultRefValueField),
  CASHNET_CUSTCODE: z.string().optional(),
  PAYABLE_OWNERS: csv.default([]),

  KIOSK_KEYS: kioskKeys.refine((kiosks) => kiosks.length > 0, 'must name at least one kiosk'),
  MIN_PAYMENT_CENTS: int(1, 1_000_000).default(100),
  PAYMENT_REFUSED_FOR: csv
    .pipe(z.array(z.enum(standingCategories, { error: 'must list inactive, expired or blocked' })))
    .default(['inactive']),
  CARD_NUMBER_PATTERN: regexPattern.default('^[0-9]{5,19}$'),
  CURRENCY: currencyCode.default('USD'),

  LIBRARY_LOGO_FILE: z.string().optional(),
  LIBRARY_LOGO_URL: z.string().optional(),
  LIBRARY_PRIMARY_COLOR: hexColor.default('#00386b'),
  LIBRARY_ACCENT_COLOR: hexColor.default('#c4820e'),
  KIOSK_LANGUAGES: csv.pipe(z.array(z.enum(['en', 'es'])).min(1)).default(['en', 'es']),
  KIOSK_DEFAULT_LANGUAGE: z.enum(['en', 'es']).default('en'),
  KIOSK_ALLOW_MANUAL_ENTRY: bool.default(false),
  KIOSK_SHOW_ITEM_TITLES: bool.default(true),
  KIOSK_PAY_ON_PHONE: bool.default(false),
  KIOSK_IDLE_SECONDS: int(5, 3600).default(60),
  KIOSK_IDLE_SECONDS_FINES: int(5, 3600).default(90),
  KIOSK_IDLE_SECONDS_CHECKOUT: int(30, 3600).default(300),
  KIOSK_IDLE_SECONDS_RECEIPT: int(5, 3600).default(30),
  KIOSK_IDLE_WARNING_SECONDS: int(3, 600).default(20),

  STAFF_SSO_ISSUER: url.optional(),
  STAFF_SSO_CLIENT_ID: z.string().min(1).optional(),
  STAFF_SSO_CLIENT_SECRET: z.string().min(1).optional(),
  STAFF_SSO_LABEL: z.string().min(1).optional(),
  STAFF_SSO_USERNAME_CLAIM: z.string().min(1).default('preferred_username'),
  STAFF_SSO_ROLE_CLAIM: z.string().min(1).default('groups'),
  STAFF_SSO_DESK_VALUES: csv.default([]),
  STAFF_SSO_SUPERVISOR_VALUES: csv.default([]),
  STAFF_SSO_ADMIN_VALUES: csv.default([]),

  PRIMO_JWKS_URL: url.optional(),
  PRIMO_INSTITUTION_CODE: z.string().min(1).optional(),
  // Each origin is checked by the institution schema, so its message names the bad entry.
  PRIMO_RETURN_ORIGINS: csv.default([]),
  STAFF_NOTIFY_TO: csv.pipe(z.array(emailAddress)).default([]),
  STAFF_NOTIFY: z.enum(staffNotifyModes).default('each'),
  STAFF_DIGEST_AT: timeOfDay.default('07:00'),
  STAFF_ALERT_TO: csv.pipe(z.array(emailAddress)).default([]),
  POSTING_ALERT_MINUTES: int(1, 7 * 24 * 60).default(30),
  PATRON_RECEIPT_EMAIL: bool.default(false),
})
export type InstitutionEnv = z.infer<typeof institutionEnvSchema>
