/**
 * The companion service's kiosk API: one schema per request and response, the types derived from them.
 * The service validates what it receives and the renderer validates what it gets back, with these same schemas.
 */
import { z } from 'zod'
import { checkoutStatuses, finalCheckoutStatuses } from './checkoutStatus.ts'

const cents = z.number().int()
const positiveCents = cents.positive()
const id = z.string().min(1).max(128)

// ---- Lookups ------------------------------------------------------------------------------

const lookupRequestSchema = z.object({
  /** The id the kiosk's card parser extracted: never raw track data. */
  cardNumber: z.string().trim().min(1).max(64),
})

const feeSchema = z.object({
  id,
  /** Alma fee type code, e.g. OVERDUEFINE. */
  type: z.string(),
  /** Human-readable fee type from Alma, e.g. "Overdue fine". */
  description: z.string(),
  /** Title of the item the fee is about, when Alma has one. */
  title: z.string().nullable(),
  /** ISO 8601 creation time; fees are allocated oldest first. */
  createdAt: z.string(),
  balanceCents: positiveCents,
})
export type Fee = z.infer<typeof feeSchema>

/**
 * A fee CashNet has already taken money for that is not yet posted to Alma (Alma slow or down, or
 * the posting waiting out a settle window). Shown so the patron sees it, never selectable: paying
 * it again would charge the patron twice.
 */
const feeBeingPostedSchema = feeSchema.omit({ balanceCents: true }).extend({
  /** What Alma still shows owing on the fee, the money being posted included. */
  balanceCents: cents.nonnegative(),
  /** Money already paid through CashNet for this fee and not yet posted to Alma. */
  postingCents: positiveCents,
})
export type FeeBeingPosted = z.infer<typeof feeBeingPostedSchema>

/**
 * Why the fines screen should tell the patron something about their account. Blocked and expired
 * patrons can still pay (paying is how a fines block clears); the kiosk says what paying does not fix.
 */
const patronNoticeSchema = z.discriminatedUnion('kind', [
  /** An active block; `description` is Alma's text for it (e.g. "Overdue items"), when it has one. */
  z.object({ kind: z.literal('blocked'), description: z.string().nullable() }),
  /** The account's expiry date (YYYY-MM-DD) has passed. */
  z.object({ kind: z.literal('expired'), expiredOn: z.string() }),
])
export type PatronNotice = z.infer<typeof patronNoticeSchema>

export const lookupResponseSchema = z.object({
  lookupId: id,
  patron: z.object({
    /** Preferred first name (Alma's legal one when none is set) and last initial. */
    displayName: z.string(),
    notices: z.array(patronNoticeSchema),
  }),
  /** The fees the patron can pay now, oldest first. */
  fees: z.array(feeSchema),
  /** Fees with a payment on its way to Alma: shown, not payable. */
  feesBeingPosted: z.array(feeBeingPostedSchema),
  /** Sum of `fees` (what can be paid now). */
  totalCents: cents.nonnegative(),
  currency: z.string().length(3),
  expiresAt: z.string(),
})
export type LookupResponse = z.infer<typeof lookupResponseSchema>

// ---- Checkouts ----------------------------------------------------------------------------

export const checkoutRequestSchema = z.object({
  lookupId: id,
  /** Fees to pay; all active fees when omitted. */
  feeIds: z.array(id).min(1).max(200).optional(),
  /** A partial amount, allocated oldest fee first; the selected total when omitted. */
  amountCents: positiveCents.optional(),
})
export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>

const checkoutLineSchema = z.object({ feeId: id, amountCents: positiveCents })

export const checkoutCreatedSchema = z.object({
  checkoutId: id,
  checkoutUrl: z.url(),
  amountCents: positiveCents,
  lines: z.array(checkoutLineSchema).min(1),
  expiresAt: z.string(),
})
export type CheckoutCreated = z.infer<typeof checkoutCreatedSchema>

export { checkoutStatuses, finalCheckoutStatuses }
export const checkoutStatusSchema = z.enum(checkoutStatuses)
export type CheckoutStatus = z.infer<typeof checkoutStatusSchema>

const receiptLineSchema = z.object({
  feeId: id,
  description: z.string(),
  title: z.string().nullable(),
  amountCents: positiveCents,
  /** The fee's balance after this payment, as Alma reported it. */
  remainingCents: cents.nonnegative(),
})
export type ReceiptLine = z.infer<typeof receiptLineSchema>

export const receiptSchema = z.object({
  /** CashNet's transaction number (`tx`). */
  transactionId: z.string(),
  amountCents: positiveCents,
  postedAt: z.string().nullable(),
  lines: z.array(receiptLineSchema),
  /** Money that could not be applied to any fee; staff finish it. */
  unappliedCents: cents.nonnegative(),
  /** Reference for staff when part of the payment could not be posted. */
  exceptionReference: z.string().nullable(),
  /** The patron's remaining balance over all active fees after posting, when known. */
  remainingBalanceCents: cents.nonnegative().nullable(),
})
export type Receipt = z.infer<typeof receiptSchema>

export const checkoutStateSchema = z.object({
  checkoutId: id,
  status: checkoutStatusSchema,
  amountCents: positiveCents,
  lines: z.array(checkoutLineSchema),
  receipt: receiptSchema.optional(),
  /**
   * When the checkout's time with CashNet ends (`CHECKOUT_TTL_MINUTES` after it was made): a
   * pending one expires then. A successful postback is honoured even after a cancel or expiry, so a
   * page that gave up waiting keeps watching until about then for a payment reported late.
   */
  expiresAt: z.iso.datetime(),
  /** CashNet's message for a failed payment, or why the checkout ended. */
  message: z.string().optional(),
})
export type CheckoutState = z.infer<typeof checkoutStateSchema>

// ---- Kiosk settings -----------------------------------------------------------------------

export const languageSchema = z.enum(['en', 'es'])
export type Language = z.infer<typeof languageSchema>

export const cardReaderSettingsSchema = z.object({
  prefix: z.string().max(4).default(''),
  suffix: z.string().max(16).default('Enter'),
  minLength: z.number().int().min(1).max(128).default(4),
  maxLength: z.number().int().min(1).max(256).default(120),
  maxKeyGapMs: z.number().int().min(5).max(1000).default(50),
  /** A regular expression with one capture group that yields the id to look up. */
  idPattern: z.string().min(1).default('^(?:;|%B)?(\\d{5,19})(?:[=^].*)?\\??$'),
})
export type CardReaderSettings = z.infer<typeof cardReaderSettingsSchema>

/**
 * An institution's own names for fee types, by Alma type code and language, e.g.
 * `{"OVERDUEFINE": {"en": "Late fine", "es": "Multa por atraso"}}`. They win over the standard names
 * in `common/feeTypes.ts`; a language left out falls back to those.
 */
export const feeTypeNamesSchema = z.record(
  z.string().trim().min(1).max(64),
  z.partialRecord(languageSchema, z.string().trim().min(1).max(120)),
)
export type FeeTypeNames = z.infer<typeof feeTypeNamesSchema>

export const kioskSettingsSchema = z.object({
  library: z.object({
    name: z.string().min(1),
    /** The logo's path on the kiosk API (`/api/v1/logo`), or null: no logo. */
    logoUrl: z.string().nullable(),
    primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  }),
  languages: z.array(languageSchema).min(1),
  defaultLanguage: languageSchema,
  currency: z.string().length(3),
  minPaymentCents: positiveCents,
  allowManualEntry: z.boolean(),
  showItemTitles: z.boolean(),
  /** Seconds of inactivity before the "Are you still there?" warning, per screen. */
  idleTimeoutSeconds: z.object({
    default: z.number().int().positive(),
    fines: z.number().int().positive(),
    checkout: z.number().int().positive(),
    receipt: z.number().int().positive(),
  }),
  /** Seconds the warning counts down before the session ends. */
  idleWarningSeconds: z.number().int().positive(),
  cardReader: cardReaderSettingsSchema,
  /** Per-institution fee type names (none: the standard names, then Alma's descriptions). */
  feeTypeNames: feeTypeNamesSchema.default({}),
  /** Offer "Pay on your phone" (a QR code of a pay link) on the fees screen. */
  payOnPhone: z.boolean().default(false),
  /** Offer "Email my receipt" on the receipt (the service has email and the library allows it). */
  emailReceipt: z.boolean().default(false),
})
export type KioskSettings = z.infer<typeof kioskSettingsSchema>

// ---- Pay on your phone --------------------------------------------------------------------

const kioskPayLinkRequestSchema = z.object({ lookupId: id })

export const kioskPayLinkSchema = z.object({
  /** The link the QR code holds (it names no patron). */
  url: z.url(),
  /** An SVG QR code of `url`. */
  qrSvg: z.string().startsWith('<svg'),
  expiresAt: z.iso.datetime(),
})
export type KioskPayLink = z.infer<typeof kioskPayLinkSchema>

// ---- Email my receipt ---------------------------------------------------------------------

const emailReceiptRequestSchema = z.object({
  /** The language the patron used at the kiosk: the receipt is written in it. */
  language: languageSchema,
})

export const emailReceiptResponseSchema = z.object({
  /** Where it goes, masked (`m•••@example.edu`): the patron recognises it, an onlooker learns little. */
  sentTo: z.string(),
})
export type EmailReceiptResponse = z.infer<typeof emailReceiptResponseSchema>

// ---- The route table ------------------------------------------------------------------------

/** One kiosk API route: what the service registers and the renderer calls, with its schemas. */
export interface KioskApiRoute {
  method: 'GET' | 'POST'
  /** Fastify-style pattern: `:name` segments are the route's params. */
  path: string
  params?: z.ZodType
  /** The query string (strings on the wire, coerced by the schema). */
  query?: z.ZodType
  body?: z.ZodType
  response: z.ZodType
}

const checkoutParamsSchema = z.object({ id })

/** The long-poll: answer at once when the status differs from `status`, else on a change or after `wait` s. */
const checkoutStateQuerySchema = z.object({
  wait: z.coerce.number().min(0).max(3600).optional(),
  status: checkoutStatusSchema.optional(),
})

/** Every kiosk API route, once: `server/http/kioskRoutes.ts` registers them, the renderer calls them. */
export const kioskApiRoutes = {
  lookup: {
    method: 'POST',
    path: '/api/v1/lookups',
    body: lookupRequestSchema,
    response: lookupResponseSchema,
  },
  createCheckout: {
    method: 'POST',
    path: '/api/v1/checkouts',
    body: checkoutRequestSchema,
    response: checkoutCreatedSchema,
  },
  checkoutState: {
    method: 'GET',
    path: '/api/v1/checkouts/:id',
    params: checkoutParamsSchema,
    query: checkoutStateQuerySchema,
    response: checkoutStateSchema,
  },
  cancelCheckout: {
    method: 'POST',
    path: '/api/v1/checkouts/:id/cancel',
    params: checkoutParamsSchema,
    response: checkoutStateSchema,
  },
  kioskSettings: { method: 'GET', path: '/api/v1/kiosk-settings', response: kioskSettingsSchema },
  /** The institution's logo image (PNG, JPEG or WebP bytes; 404 when it has none). */
  logo: { method: 'GET', path: '/api/v1/logo', response: z.instanceof(Uint8Array) },
  /** "Pay on your phone": a QR code of a pay link for the patron on screen. */
  payLink: {
    method: 'POST',
    path: '/api/v1/pay-links',
    body: kioskPayLinkRequestSchema,
    response: kioskPayLinkSchema,
  },
  /** "Email my receipt": the kiosk's own posted checkout, to the patron's preferred email in Alma. */
  emailReceipt: {
    method: 'POST',
    path: '/api/v1/checkouts/:id/email-receipt',
    params: checkoutParamsSchema,
    body: emailReceiptRequestSchema,
    response: emailReceiptResponseSchema,
  },
} as const satisfies Record<string, KioskApiRoute>

/** A route's path with its `:name` params filled in (encoded). */
export function kioskApiPath(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:(\w+)/g, (_match, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`${pattern}: no value for :${name}`)
    return encodeURIComponent(value)
  })
}

/** The routes' paths, for callers that only need a URL. */
export const apiPaths = {
  lookups: kioskApiRoutes.lookup.path,
  checkouts: kioskApiRoutes.createCheckout.path,
  checkout: (checkoutId: string) =>
    kioskApiPath(kioskApiRoutes.checkoutState.path, { id: checkoutId }),
  cancelCheckout: (checkoutId: string) =>
    kioskApiPath(kioskApiRoutes.cancelCheckout.path, { id: checkoutId }),
  kioskSettings: kioskApiRoutes.kioskSettings.path,
  logo: kioskApiRoutes.logo.path,
  payLinks: kioskApiRoutes.payLink.path,
  emailReceipt: (checkoutId: string) =>
    kioskApiPath(kioskApiRoutes.emailReceipt.path, { id: checkoutId }),
} as const

// ---- Errors -------------------------------------------------------------------------------

export const apiErrorCodes = [
  'invalid_request',
  'invalid_card',
  'not_found',
  'blocked',
  'inactive',
  'expired',
  'lookup_expired',
  'invalid_amount',
  'fees_changed',
  /** A selected fee has a payment still being posted to Alma: it cannot be paid again yet. */
  'fee_being_posted',
  'checkout_not_found',
  'unauthorized',
  'rate_limited',
  'alma_unavailable',
  /** The service sends no email (no mail server, or the library turned receipts off). */
  'email_unavailable',
  /** The patron has no preferred email in Alma. */
  'no_email',
  /** A receipt is asked for before the payment is posted. */
  'not_posted',
  'internal',
] as const
const apiErrorCodeSchema = z.enum(apiErrorCodes)
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>

export const apiErrorSchema = z.object({
  error: z.object({
    code: apiErrorCodeSchema,
    message: z.string(),
    /** For blocked or inactive patrons: a reason the kiosk may show. */
    reason: z.string().optional(),
  }),
})
export type ApiError = z.infer<typeof apiErrorSchema>

export const healthSchema = z.object({ status: z.literal('ok'), version: z.string() })
export type Health = z.infer<typeof healthSchema>
