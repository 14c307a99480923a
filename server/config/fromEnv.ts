/**
 * A single-campus site describes its one institution in environment variables; this maps them onto
 * the institution schema's shape, and names the variable behind each field so problems found later
 * (production checks) still speak of the keys the site actually set.
 */
import type { InstitutionEnv } from './schema.ts'
import type { InstitutionInput } from './institutionSchema.ts'

export function institutionFromEnv(env: InstitutionEnv): InstitutionInput {
  return {
    code: env.INSTITUTION_CODE,
    name: env.LIBRARY_NAME,
    alma: {
      baseUrl: env.ALMA_API_BASE_URL,
      apiKey: env.ALMA_API_KEY,
      userIdType: env.ALMA_USER_ID_TYPE,
      maxRequestsPerSecond: env.ALMA_MAX_REQUESTS_PER_SECOND,
      paymentMethod: env.ALMA_PAYMENT_METHOD,
      timeoutMs: env.ALMA_TIMEOUT_MS,
    },
    cashnet: {
      checkoutUrl: env.CASHNET_CHECKOUT_URL,
      postbackSecret: env.CASHNET_POSTBACK_SECRET,
      allowedIps: env.CASHNET_ALLOWED_IPS,
      itemCodes: {
        default: env.CASHNET_DEFAULT_ITEM_CODE,
        byFeeType: env.CASHNET_ITEM_CODES,
        byOwner: env.CASHNET_ITEM_CODES_BY_OWNER,
      },
      refType: env.CASHNET_REF_TYPE,
      refTypeField: env.CASHNET_REF_TYPE_FIELD,
      refValueField: env.CASHNET_REF_VALUE_FIELD,
      ...(env.CASHNET_CUSTCODE ? { custcode: env.CASHNET_CUSTCODE } : {}),
    },
    payments: {
      minPaymentCents: env.MIN_PAYMENT_CENTS,
      refusedFor: env.PAYMENT_REFUSED_FOR,
      ...(env.PAYABLE_OWNERS.length > 0 ? { payableOwners: env.PAYABLE_OWNERS } : {}),
      cardNumberPattern: env.CARD_NUMBER_PATTERN,
      currency: env.CURRENCY,
    },
    kiosks: env.KIOSK_KEYS.map(({ kioskId, key }) => ({ id: kioskId, key })),
    ...(env.STAFF_SSO_ISSUER || env.STAFF_SSO_CLIENT_ID || env.STAFF_SSO_CLIENT_SECRET
      ? {
          sso: {
            // Missing ones are reported as required by the institution schema.
            issuer: env.STAFF_SSO_ISSUER ?? '',
            clientId: env.STAFF_SSO_CLIENT_ID ?? '',
            clientSecret: env.STAFF_SSO_CLIENT_SECRET ?? '',
            ...(env.STAFF_SSO_LABEL ? { label: env.STAFF_SSO_LABEL } : {}),
            usernameClaim: env.STAFF_SSO_USERNAME_CLAIM,
            roleClaim: env.STAFF_SSO_ROLE_CLAIM,
            roles: {
              desk: env.STAFF_SSO_DESK_VALUES,
              supervisor: env.STAFF_SSO_SUPERVISOR_VALUES,
              admin: env.STAFF_SSO_ADMIN_VALUES,
            },
          },
        }
      : {}),
    ...(env.PRIMO_JWKS_URL || env.PRIMO_INSTITUTION_CODE || env.PRIMO_RETURN_ORIGINS.length > 0
      ? {
          primo: {
            // Missing ones are reported as required by the institution schema.
            jwksUrl: env.PRIMO_JWKS_URL ?? '',
            institutionCode: env.PRIMO_INSTITUTION_CODE ?? '',
            returnOrigins: env.PRIMO_RETURN_ORIGINS,
          },
        }
      : {}),
    notify: {
      staffTo: env.STAFF_NOTIFY_TO,
      staff: env.STAFF_NOTIFY,
      digestAt: env.STAFF_DIGEST_AT,
      alertTo: env.STAFF_ALERT_TO,
      postingAlertMinutes: env.POSTING_ALERT_MINUTES,
      patronReceipt: env.PATRON_RECEIPT_EMAIL,
    },
    kiosk: {
      ...(env.LIBRARY_LOGO_FILE ? { logoFile: env.LIBRARY_LOGO_FILE } : {}),
      ...(env.LIBRARY_LOGO_URL ? { logoUrl: env.LIBRARY_LOGO_URL } : {}),
      primaryColor: env.LIBRARY_PRIMARY_COLOR,
      accentColor: env.LIBRARY_ACCENT_COLOR,
      languages: env.KIOSK_LANGUAGES,
      defaultLanguage: env.KIOSK_DEFAULT_LANGUAGE,
      allowManualEntry: env.KIOSK_ALLOW_MANUAL_ENTRY,
      showItemTitles: env.KIOSK_SHOW_ITEM_TITLES,
      payOnPhone: env.KIOSK_PAY_ON_PHONE,
      idleSeconds: {
        default: env.KIOSK_IDLE_SECONDS,
        fines: env.KIOSK_IDLE_SECONDS_FINES,
        checkout: env.KIOSK_IDLE_SECONDS_CHECKOUT,
        receipt: env.KIOSK_IDLE_SECONDS_RECEIPT,
      },
      idleWarningSeconds: env.KIOSK_IDLE_WARNING_SECONDS,
    },
  }
}

/** The environment variable behind an institution field, for messages about env-configured sites. */
export const envKeyForField: Readonly<Record<string, string>> = {
  code: 'INSTITUTION_CODE',
  name: 'LIBRARY_NAME',
  'alma.baseUrl': 'ALMA_API_BASE_URL',
  'alma.apiKey': 'ALMA_API_KEY',
  'alma.timeoutMs': 'ALMA_TIMEOUT_MS',
  'cashnet.checkoutUrl': 'CASHNET_CHECKOUT_URL',
  'cashnet.postbackSecret': 'CASHNET_POSTBACK_SECRET',
  'cashnet.allowedIps': 'CASHNET_ALLOWED_IPS',
  kiosks: 'KIOSK_KEYS',
  'kiosk.logoFile': 'LIBRARY_LOGO_FILE',
  'kiosk.logoUrl': 'LIBRARY_LOGO_URL',
  'kiosk.idleWarningSeconds': 'KIOSK_IDLE_WARNING_SECONDS',
  'kiosk.defaultLanguage': 'KIOSK_DEFAULT_LANGUAGE',
  'sso.issuer': 'STAFF_SSO_ISSUER',
  'sso.clientId': 'STAFF_SSO_CLIENT_ID',
  'sso.clientSecret': 'STAFF_SSO_CLIENT_SECRET',
  'sso.roles': 'STAFF_SSO_DESK_VALUES / STAFF_SSO_SUPERVISOR_VALUES / STAFF_SSO_ADMIN_VALUES',
  'primo.jwksUrl': 'PRIMO_JWKS_URL',
  'primo.institutionCode': 'PRIMO_INSTITUTION_CODE',
  'primo.returnOrigins': 'PRIMO_RETURN_ORIGINS',
  'notify.staffTo': 'STAFF_NOTIFY_TO',
  'notify.alertTo': 'STAFF_ALERT_TO',
  'notify.patronReceipt': 'PATRON_RECEIPT_EMAIL',
}
