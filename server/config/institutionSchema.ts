/**
 * One schema for an institution, whether it comes from the config file (`institutions:`) or from the
 * environment variables of a single-campus site (mapped onto the same shape by `fromEnv.ts`).
 * Defaults match the documented environment defaults.
 */
import { z } from 'zod'
import { cardReaderSettingsSchema, feeTypeNamesSchema, languageSchema } from '../../common/api.ts'
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
  webOrigin,
  staffNotifyModes,
  timeOfDay,
} from './fields.ts'

const bool = z.union([
  z.boolean(),
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
])
const code = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may hold letters, digits and . _ : - only')
const itemCode = z.string().trim().min(1, 'is required').max(64)
const codeMap = z.record(z.string().trim().min(1), itemCode)

/** https, or http to this machine only (a logo fetched in clear text could be swapped on the way). */
const logoUrl = url.refine((value) => {
  const { protocol, hostname } = new URL(value)
  return protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
}, 'must be an https URL (http only to 127.0.0.1, ::1 or localhost)')

const kioskCredentialSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, . _ or -'),
  /** A secret, or `sha256:<hex>` already hashed. */
  key: z.string().min(1, 'is required'),
})

const claimValues = z.array(z.string().trim().min(1)).default([])

const ssoSchema = z.strictObject({
  issuer: url,
  clientId: z.string().min(1, 'is required'),
  clientSecret: z.string().min(1, 'is required'),
  /** The sign-in button's words; "Sign in with <institution name>" when absent. */
  label: z.string().trim().min(1).optional(),
  /** The ID token claim that names the staff member. */
  usernameClaim: z.string().min(1).default('preferred_username'),
  /** The claim (a string or a list, e.g. groups) whose values map to roles. */
  roleClaim: z.string().min(1).default('groups'),
  roles: z
    .strictObject({ desk: claimValues, supervisor: claimValues, admin: claimValues })
    .refine(
      (roles) => roles.desk.length + roles.supervisor.length + roles.admin.length > 0,
      'must map at least one claim value to a role',
    ),
})

/** The Primo VE "Pay fines" link: where the keys are, and which Primo the tokens come from. */
const primoSchema = z.strictObject({
  jwksUrl: z.string().min(1, 'is required').pipe(url),
  /** The `institution` claim of Primo's tokens: the Alma institution code, e.g. 01CALS_SJO. */
  institutionCode: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be an Alma institution code such as 01CALS_SJO'),
  returnOrigins: z.array(webOrigin).default([]),
})

/** Who is told what by email; nothing is sent without the service's SMTP_URL. */
const notifySchema = z.strictObject({
  /** The circulation inbox. */
  staffTo: z.array(emailAddress).default([]),
  staff: z.enum(staffNotifyModes).default('each'),
  /** When the daily digest goes out, in the service's time zone. */
  digestAt: timeOfDay.default('07:00'),
  /** Alerts: a new exception, and payments not posted after `postingAlertMinutes`. */
  alertTo: z.array(emailAddress).default([]),
  postingAlertMinutes: int(1, 7 * 24 * 60).default(30),
  /** Offer "Email my receipt" on the kiosk receipt. */
  patronReceipt: bool.default(false),
})

const notifyDefaults = notifySchema.parse({})

export const institutionSchema = z
  .strictObject({
    code,
    name: z.string().trim().min(1, 'is required'),
    alma: z.strictObject({
      baseUrl: url.default('https://api-na.hosted.exlibrisgroup.com'),
      apiKey: z.string().min(1, 'is required'),
      userIdType: z.string().min(1).default('all_unique'),
      maxRequestsPerSecond: int(1, 1000).default(25),
      paymentMethod: paymentMethodCode.default('ONLINE'),
      timeoutMs: int(100, 120_000).default(10_000),
    }),
    cashnet: z.strictObject({
      checkoutUrl: url,
      postbackSecret: z.string().min(1, 'is required'),
      allowedIps: z.array(z.string().trim().min(1)).default([]),
      itemCodes: z.strictObject({
        default: itemCode,
        byFeeType: codeMap.default({}),
        byOwner: z
          .record(
            z.string().trim().min(1),
            z.strictObject({ default: itemCode.optional(), byFeeType: codeMap.optional() }),
          )
          .default({}),
      }),
      refType: z.string().min(1).default(defaultRefType),
      refTypeField: refTypeField.default(defaultRefTypeField),
      refValueField: refValueField.default(defaultRefValueField),
      custcode: z.string().min(1).optional(),
    }),
    payments: z
      .strictObject({
        minPaymentCents: int(1, 1_000_000).default(100),
        refusedFor: z
          .array(z.enum(standingCategories, { error: 'must list inactive, expired or blocked' }))
          .default(['inactive']),
        /** Owning libraries (Alma `fee.owner.value`) whose fees are payable here; absent: all. */
        payableOwners: z.array(z.string().trim().min(1)).min(1).optional(),
        cardNumberPattern: regexPattern.default('^[0-9]{5,19}$'),
        currency: currencyCode.default('USD'),
      })
      .default({
        minPaymentCents: 100,
        refusedFor: ['inactive'],
        cardNumberPattern: '^[0-9]{5,19}$',
        currency: 'USD',
      }),
    kiosks: z.array(kioskCredentialSchema).min(1, 'must name at least one kiosk'),
    /** The campus's single sign-on for the staff console (OpenID Connect); absent: local accounts. */
    sso: ssoSchema.optional(),
    /** The Primo VE "Pay fines" link; absent: `/pay/primo` refuses this institution's tokens. */
    primo: primoSchema.optional(),
    notify: notifySchema.default(notifyDefaults),
    kiosk: z
      .strictObject({
        /** Shown in the kiosk header; the institution's name when absent. */
        libraryName: z.string().trim().min(1).optional(),
        /** A PNG, JPEG or WebP file on the service machine (read and checked at start). */
        logoFile: z.string().trim().min(1).optional(),
        /** A PNG, JPEG or WebP image the service fetches (https; http only on loopback). */
        logoUrl: logoUrl.optional(),
        primaryColor: hexColor.default('#00386b'),
        accentColor: hexColor.default('#c4820e'),
        languages: z.array(languageSchema).min(1).default(['en', 'es']),
        defaultLanguage: languageSchema.default('en'),
        allowManualEntry: bool.default(false),
        showItemTitles: bool.default(true),
        payOnPhone: bool.default(false),
        idleSeconds: z
          .strictObject({
            default: int(5, 3600).default(60),
            fines: int(5, 3600).default(90),
            checkout: int(30, 3600).default(300),
            receipt: int(5, 3600).default(30),
          })
          .default({ default: 60, fines: 90, checkout: 300, receipt: 30 }),
        idleWarningSeconds: int(3, 600).default(20),
        cardReader: cardReaderSettingsSchema.default(cardReaderSettingsSchema.parse({})),
        /** The institution's own names for fee types, by Alma code and language. */
        feeTypeNames: feeTypeNamesSchema.default({}),
      })
      .default({
        primaryColor: '#00386b',
        accentColor: '#c4820e',
        languages: ['en', 'es'],
        defaultLanguage: 'en',
        allowManualEntry: false,
        showItemTitles: true,
        payOnPhone: false,
        idleSeconds: { default: 60, fines: 90, checkout: 300, receipt: 30 },
        idleWarningSeconds: 20,
        cardReader: cardReaderSettingsSchema.parse({}),
        feeTypeNames: {},
      }),
  })
  .superRefine((institution, context) => {
    const { kiosk } = institution
    if (kiosk.logoFile && kiosk.logoUrl) {
      context.addIssue({
        code: 'custom',
        path: ['kiosk', 'logoUrl'],
        message: 'give the logo as a file or a URL, not both',
      })
    }
    if (kiosk.idleWarningSeconds >= kiosk.idleSeconds.default) {
      context.addIssue({
        code: 'custom',
        path: ['kiosk', 'idleWarningSeconds'],
        message: 'must be shorter than the default idle time',
      })
    }
    if (!kiosk.languages.includes(kiosk.defaultLanguage)) {
      context.addIssue({
        code: 'custom',
        path: ['kiosk', 'defaultLanguage'],
        message: 'must be one of the kiosk languages',
      })
    }
  })

export type InstitutionInput = z.input<typeof institutionSchema>
export type ParsedInstitution = z.output<typeof institutionSchema>

/** Service-wide settings the config file may hold (the environment wins over them). */
const serviceSettingsSchema = z.strictObject({
  port: int(0, 65535).optional(),
  host: z.string().min(1).optional(),
  publicBaseUrl: url.optional(),
  trustProxy: bool.optional(),
  databaseUrl: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  kioskRequestsPerMinute: int(1, 100_000).optional(),
  cashnetRequestsPerMinute: int(1, 100_000).optional(),
  checkoutTtlMinutes: int(1, 24 * 60).optional(),
  lookupTtlSeconds: int(10, 24 * 3600).optional(),
  almaSettleSeconds: int(1, 24 * 3600).optional(),
  postingStuckMinutes: int(1, 7 * 24 * 60).optional(),
  staffSessionIdleMinutes: int(5, 24 * 60).optional(),
  staffLockoutAfter: int(3, 100).optional(),
  staffLockoutMinutes: int(1, 24 * 60).optional(),
  staffSignInRequestsPerMinute: int(1, 1000).optional(),
  staffAllowedNetworks: z.array(ipRange).optional(),
  payLinkEmailDays: int(1, 60).optional(),
  payLinkQrMinutes: int(5, 24 * 60).optional(),
  smtpUrl: z.string().min(1).optional(),
  mailFrom: z.string().min(1).optional(),
  paySessionIdleMinutes: int(5, 24 * 60).optional(),
  payRequestsPerMinute: int(1, 100_000).optional(),
})

/** The config file: service settings and the institutions. */
export const configFileSchema = z.strictObject({
  service: serviceSettingsSchema.default({}),
  institutions: z.array(z.unknown()).min(1, 'must list at least one institution'),
})
