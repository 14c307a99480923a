/**
 * The patron payment pages (`/pay`): a patron on their own phone, through a pay link or Primo VE's
 * "Pay fines" link. Paths, the page's JSON API (`/pay/api/*`) and every schema, defined once for
 * the service, the pages and the tests.
 *
 * The page knows the patron only through the server-side pay session its entry (a pay link or a
 * Primo token) started: no request names a patron, a lookup or a checkout. Every request that
 * changes state carries `x-csrf-token` equal to the session's `csrfToken`. Errors have the kiosk
 * API's shape, `{error: {code, message}}`, with the codes in `payErrorCodes`.
 */
import { z } from 'zod'
import {
  apiErrorCodes,
  checkoutStateSchema,
  checkoutStatusSchema,
  feeTypeNamesSchema,
  languageSchema,
  lookupResponseSchema,
  receiptSchema,
} from './api.ts'

export const payPaths = {
  /** The pages (fees → choose → confirm) and their assets. */
  pages: '/pay',
  /** Where the browser lands after CashNet: waits for the posting, shows the receipt. */
  status: '/pay/status',
  /** Primo VE's payment link lands here with `?jwt=…`. */
  primo: '/pay/primo',
  /** A pay link: `/pay/l/<token>`. */
  link: '/pay/l',
  /** CashNet sends the patron's browser back here (GET or auto-submitted POST). */
  return: '/pay/return',
  /** The pages' JSON API. */
  api: '/pay/api',
} as const

/** The header every state-changing pay API request carries. */
export const payCsrfHeader = 'x-csrf-token'

export const payApiPaths = {
  session: '/pay/api/session',
  fees: '/pay/api/fees',
  checkouts: '/pay/api/checkouts',
  checkout: '/pay/api/checkout',
  cancelCheckout: '/pay/api/checkout/cancel',
  receipt: '/pay/api/receipt',
} as const

// ---- Session ----------------------------------------------------------------------------------

/** What the page shows before it asks for anything: the library, languages, limits, its token. */
export const paySessionInfoSchema = z.object({
  csrfToken: z.string().min(1),
  /** How the patron came: a pay link or Primo VE. */
  channel: z.enum(['link', 'primo']),
  library: z.object({
    name: z.string(),
    primaryColor: z.string(),
    accentColor: z.string(),
  }),
  languages: z.array(languageSchema).min(1),
  defaultLanguage: languageSchema,
  currency: z.string().length(3),
  minPaymentCents: z.number().int().positive(),
  showItemTitles: z.boolean(),
  feeTypeNames: feeTypeNamesSchema,
  /** The session's latest checkout, if it made one: the status page follows it. */
  hasCheckout: z.boolean(),
  /** Where "Back to Primo" leads (Primo entries with an accepted `returnUrl`), else null. */
  returnUrl: z.url().nullable(),
})
export type PaySessionInfo = z.infer<typeof paySessionInfoSchema>

// ---- Fees ---------------------------------------------------------------------------------------

/** The patron's fees as Alma has them now; the lookup itself stays in the session. */
export const payFeesSchema = lookupResponseSchema.omit({ lookupId: true, expiresAt: true })
export type PayFees = z.infer<typeof payFeesSchema>

// ---- Checkouts ----------------------------------------------------------------------------------

/** Pay all (neither field), chosen fees, or an amount over them: the kiosk's request, no lookup id. */
export const payCheckoutRequestSchema = z.strictObject({
  feeIds: z.array(z.string().min(1).max(128)).min(1).max(200).optional(),
  amountCents: z.number().int().positive().optional(),
})
export type PayCheckoutRequest = z.infer<typeof payCheckoutRequestSchema>

export const payCheckoutCreatedSchema = z.object({
  /** The CashNet page: the browser goes there as a full page, never in a frame. */
  checkoutUrl: z.url(),
  amountCents: z.number().int().positive(),
})
export type PayCheckoutCreated = z.infer<typeof payCheckoutCreatedSchema>

/** `GET checkout?status=<known>&wait=<seconds>`: answers when the status differs, or at `wait`. */
export const payCheckoutWaitQuerySchema = z.strictObject({
  status: checkoutStatusSchema.optional(),
  wait: z.coerce.number().int().min(0).max(30).optional(),
})

/** The session's latest checkout; `checkoutId` is the reference a patron gives the library. */
export const payCheckoutStateSchema = checkoutStateSchema
export type PayCheckoutState = z.infer<typeof payCheckoutStateSchema>

export const payReceiptSchema = z.object({ checkoutId: z.string(), receipt: receiptSchema })
export type PayReceipt = z.infer<typeof payReceiptSchema>

// ---- Errors -------------------------------------------------------------------------------------

const payErrorCodes = [
  ...apiErrorCodes,
  /** No pay session (never started, ended, or idle too long): open the link again. */
  'no_session',
  /** A state-changing request without the session's token, or from another site. */
  'csrf',
] as const
const payErrorCodeSchema = z.enum(payErrorCodes)
export type PayErrorCode = z.infer<typeof payErrorCodeSchema>

export const payErrorSchema = z.object({
  error: z.object({ code: payErrorCodeSchema, message: z.string() }),
})
export type PayError = z.infer<typeof payErrorSchema>
