/**
 * The service's configuration once loaded and validated: service-wide settings, and one
 * `InstitutionConfig` per campus the service serves. Environment variables describe a single
 * institution; a config file (`CONFIG_FILE`) describes several. Everything downstream takes these
 * types, never the environment.
 */
import type { KioskSettings } from '../../common/api.ts'
import type { StaffRole } from '../../common/staffApi.ts'
import type { StandingCategory } from '../patrons/standing.ts'

interface KioskCredential {
  kioskId: string
  /** SHA-256 of the key, hex: keys are never held in plain text after start-up. */
  keyHash: string
}

/**
 * Which CashNet item code a line is sent with: a campus with several libraries may give each owning
 * library (Alma's `fee.owner.value`) its own codes, by fee type or as a default.
 */
export interface ItemCodeRules {
  default: string
  byFeeType: Readonly<Record<string, string>>
  byOwner: Readonly<
    Record<string, { default?: string; byFeeType?: Readonly<Record<string, string>> }>
  >
}

export interface InstitutionConfig {
  /** The Alma institution code, e.g. 01CALS_SJO: stored on every row of this campus. */
  code: string
  name: string
  alma: {
    baseUrl: string
    apiKey: string
    /** The `user_id_type` cards are looked up under. */
    userIdType: string
    maxRequestsPerSecond: number
    paymentMethod: string
    timeoutMs: number
  }
  cashnet: {
    checkoutUrl: string
    itemCodes: ItemCodeRules
    postbackSecret: string
    allowedIps: string[]
    refType: string
    refTypeField: string
    refValueField: string
    custcode: string | undefined
  }
  payments: {
    minPaymentCents: number
    /** Account categories refused at lookup; everyone else found in Alma may pay. */
    refusedFor: ReadonlySet<StandingCategory>
    /** Owning libraries whose fees are payable here; null: every library's. */
    payableOwners: ReadonlySet<string> | null
    cardNumberPattern: RegExp
  }
  kiosks: KioskCredential[]
  kioskSettings: KioskSettings
  /** Where the kiosk logo comes from; null: no logo. */
  logo: LogoSource | null
  /** Staff console single sign-on (OpenID Connect); null: local accounts only. */
  sso: SsoConfig | null
  /** The Primo VE "Pay fines" link (a signed JWT of the patron); null: not offered. */
  primo: PrimoSettings | null
  notify: NotifyConfig
}

export interface PrimoSettings {
  /** Ex Libris's key set for the institution: `https://api-<region>.hosted.exlibrisgroup.com/auth/<INST>/jwks.json`. */
  jwksUrl: string
  /** The Alma institution code Primo writes into the token's `institution` claim. */
  institutionCode: string
  /** Origins (`https://host[:port]`) a patron may be sent back to after paying. */
  returnOrigins: readonly string[]
}

/** Who is told what by email (nothing is sent without the service's `mail`). */
interface NotifyConfig {
  /** The circulation inbox; empty: no staff messages. */
  staffTo: string[]
  staff: 'each' | 'digest' | 'off'
  /** When the daily digest goes out, minutes after local midnight (the service's time zone). */
  digestAtMinutes: number
  /** Alerts; empty: none. */
  alertTo: string[]
  /** A payment not posted this long after CashNet took it raises an alert (repeated at most once per this interval). */
  postingAlertMs: number
  /** The kiosk offers "Email my receipt". */
  patronReceipt: boolean
}

/** The service's mail server; null: email is not set up. */
export interface MailConfig {
  /** `smtp://` or `smtps://`, possibly with credentials: never logged. */
  smtpUrl: string
  from: string
}

export interface SsoConfig {
  issuer: string
  clientId: string
  clientSecret: string
  label: string
  usernameClaim: string
  roleClaim: string
  /** Claim values that grant each role; the highest role matched wins. */
  roles: Readonly<Record<StaffRole, readonly string[]>>
}

interface StaffConfig {
  sessionIdleMs: number
  /** Failed sign-ins in a row before an account locks, and for how long. */
  lockAfter: number
  lockMs: number
  /** Sign-in attempts per minute from one address. */
  signInRequestsPerMinute: number
  /** CIDR ranges `/staff` answers; empty: every address. */
  allowedNetworks: string[]
}

export interface ServiceConfig {
  production: boolean
  sandbox: boolean
  port: number
  host: string
  publicBaseUrl: string
  trustProxy: boolean
  databaseUrl: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  kioskRequestsPerMinute: number
  /** Per source address under /cashnet/ (CashNet's own addresses exempt when allowlisted). */
  cashnetRequestsPerMinute: number
  checkoutTtlMs: number
  lookupTtlMs: number
  posting: {
    /** After a pay call whose outcome is unknown, how long before the fee is looked at again. */
    settleMs: number
    /** Alma's answers for a line unreadable this long → a `posting_stuck` exception. */
    stuckAfterMs: number
  }
  staff: StaffConfig
  /** How long pay links last: sent by email, or shown as a QR code (desk or kiosk). */
  payLinks: { emailMs: number; qrMs: number }
  mail: MailConfig | null
  /** The patron pay pages (`/pay`): how long a pay session lasts idle, requests per address. */
  pay: { sessionIdleMs: number; requestsPerMinute: number }
  /** At least one; codes, kiosk ids and postback secrets are unique across them. */
  institutions: InstitutionConfig[]
}

/** A library logo: a file on the service machine or an http(s) URL the service fetches. */
export interface LogoSource {
  kind: 'file' | 'url'
  location: string
  /** The config key that named it, for errors (`LIBRARY_LOGO_FILE`, `institutions[1] (b).kiosk.logoUrl`). */
  configKey: string
}
