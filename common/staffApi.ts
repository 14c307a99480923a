/**
 * The staff console's API (`/staff/api/*`): one route table with the schema of every request and
 * response, used by the service's routes and by the console's client. Money is integer cents; times
 * are ISO 8601 strings; dates (`from`, `to`) are the campus's calendar days, `YYYY-MM-DD`.
 *
 * Sessions: a cookie set by `POST session` (local account) or by the SSO callback. Every request that
 * changes state carries `x-csrf-token` equal to the session's `csrfToken`. Errors have the kiosk API's
 * shape (`{error: {code, message, field?}}`) with the codes in `staffErrorCodes`.
 */
import { z } from 'zod'
import { checkoutStatuses, lookupResponseSchema } from './api.ts'

const cents = z.number().int()
const isoTime = z.string()
const id = z.string().min(1).max(128)
/** A calendar day, `YYYY-MM-DD`. */
const calendarDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-02')
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)), 'is not a calendar date')

export const staffPathPrefix = '/staff'
export const staffApiPrefix = '/staff/api'
/** The header every state-changing staff request carries. */
export const csrfHeader = 'x-csrf-token'

// ---- Roles ------------------------------------------------------------------------------------

/**
 * `desk`: look up payments and patrons, take desk payments and send pay links; `supervisor`: also
 * resolve exceptions, reconciliation and exports; `admin`: everything, plus staff accounts.
 */
export const staffRoles = ['desk', 'supervisor', 'admin'] as const
export const staffRoleSchema = z.enum(staffRoles)
export type StaffRole = z.infer<typeof staffRoleSchema>

/** Whether `role` may do what `needed` may. */
export function roleAllows(role: StaffRole, needed: StaffRole): boolean {
  return staffRoles.indexOf(role) >= staffRoles.indexOf(needed)
}

// ---- Session ----------------------------------------------------------------------------------

export const usernameSchema = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'may hold letters, digits and . _ @ - only')
export const minimumPasswordLength = 12
export const passwordSchema = z
  .string()
  .min(minimumPasswordLength, `must be at least ${minimumPasswordLength} characters`)
  .max(256)

export const signInRequestSchema = z.strictObject({
  username: usernameSchema,
  password: z.string().min(1, 'is required').max(256),
})

const institutionRefSchema = z.object({ code: z.string(), name: z.string() })

export const sessionInfoSchema = z.object({
  username: z.string(),
  role: staffRoleSchema,
  institutions: z.array(institutionRefSchema).min(1),
  csrfToken: z.string(),
  /** How the staff member signed in. */
  method: z.enum(['local', 'sso']),
})
export type SessionInfo = z.infer<typeof sessionInfoSchema>

/** Single sign-on choices shown on the sign-in screen (one per institution that has SSO). */
export const ssoOptionsSchema = z.object({
  options: z.array(z.object({ institution: z.string(), label: z.string(), startUrl: z.string() })),
})
export type SsoOptions = z.infer<typeof ssoOptionsSchema>

// ---- Payments ---------------------------------------------------------------------------------

/** How a payment came in: `kiosk:<id>`, `desk:<username>`, `link` or `primo`. */
export const channelKinds = ['kiosk', 'desk', 'link', 'primo'] as const
const channelKindSchema = z.enum(channelKinds)
export type ChannelKind = z.infer<typeof channelKindSchema>

/** What became of a payment line in Alma. */
const lineAlmaStatuses = ['not_paid', 'pending', 'posted', 'reallocated', 'exception'] as const

const paymentLineSchema = z.object({
  feeId: z.string(),
  feeType: z.string(),
  description: z.string(),
  amountCents: cents,
  itemCode: z.string().nullable(),
  postedAt: isoTime.nullable(),
  almaStatus: z.enum(lineAlmaStatuses),
})
export type PaymentLine = z.infer<typeof paymentLineSchema>

const patronRefSchema = z.object({
  /** The Alma primary id (staff only; never sent to kiosks or patrons' phones). */
  primaryId: z.string(),
  /** The patron's name as Alma held it when the payment was made; staff only. */
  name: z.string().nullable(),
})

const paymentSummarySchema = z.object({
  checkoutId: z.string(),
  institution: z.string(),
  createdAt: isoTime,
  status: z.enum(checkoutStatuses),
  amountCents: cents,
  /** `kiosk:<id>`, `desk:<username>`, `link` or `primo`. */
  channel: z.string(),
  kioskId: z.string().nullable(),
  cashnetTx: z.string().nullable(),
  patron: patronRefSchema,
  lines: z.array(paymentLineSchema),
})
export type PaymentSummary = z.infer<typeof paymentSummarySchema>

export const paymentSortKeys = ['createdAt', 'amountCents', 'status'] as const

export const paymentsQuerySchema = z.strictObject({
  from: calendarDaySchema.optional(),
  to: calendarDaySchema.optional(),
  status: z.enum(checkoutStatuses).optional(),
  channel: channelKindSchema.optional(),
  /** A CashNet `tx`, a checkout id, or an Alma user id. */
  q: z.string().trim().min(1).max(128).optional(),
  institution: z.string().min(1).max(64).optional(),
  sort: z.enum(paymentSortKeys).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next` of the previous page. */
  cursor: z.string().min(1).max(512).optional(),
})
export type PaymentsQuery = z.infer<typeof paymentsQuerySchema>

export const paymentsPageSchema = z.object({
  payments: z.array(paymentSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  next: z.string().nullable(),
})
export type PaymentsPage = z.infer<typeof paymentsPageSchema>

const timelineEntrySchema = z.object({
  at: isoTime,
  /** e.g. checkout_created, postback, posting_attempt, posting_posted, payment_exception, email_sent. */
  type: z.string(),
  /** One line a person reads. */
  summary: z.string(),
  /** What the entry records (parsed postback fields without the secret, Alma's answer, …). */
  detail: z.record(z.string(), z.unknown()),
})
export type TimelineEntry = z.infer<typeof timelineEntrySchema>

export const paymentDetailSchema = paymentSummarySchema.extend({
  timeline: z.array(timelineEntrySchema),
})
export type PaymentDetail = z.infer<typeof paymentDetailSchema>

// ---- Exceptions -------------------------------------------------------------------------------

export const exceptionKinds = [
  'unapplied_money',
  'unmatched_payment',
  'posting_stuck',
  'alma_refused',
  'alma_mismatch',
] as const
const exceptionStates = ['open', 'resolved'] as const
export type ExceptionState = (typeof exceptionStates)[number]

const resolutionActions = ['apply_to_fee', 'retry_posting', 'refunded', 'written_off'] as const
const resolutionActionSchema = z.enum(resolutionActions)
export type ResolutionAction = z.infer<typeof resolutionActionSchema>

const resolutionSchema = z.object({
  action: z.union([resolutionActionSchema, z.literal('posted')]),
  by: z.string(),
  at: isoTime,
  note: z.string().nullable(),
  reference: z.string().nullable(),
  feeId: z.string().nullable(),
})

export const exceptionSchema = z.object({
  id: z.number().int(),
  reference: z.string(),
  kind: z.enum(exceptionKinds),
  institution: z.string(),
  createdAt: isoTime,
  amountCents: cents.nullable(),
  cashnetTx: z.string().nullable(),
  checkoutId: z.string().nullable(),
  patron: patronRefSchema.nullable(),
  reason: z.string(),
  state: z.enum(exceptionStates),
  resolution: resolutionSchema.nullable(),
  /** The actions that make sense for this exception now. */
  actions: z.array(resolutionActionSchema),
})
export type StaffException = z.infer<typeof exceptionSchema>

export const exceptionsQuerySchema = z.strictObject({
  state: z.enum(exceptionStates).default('open'),
  kind: z.enum(exceptionKinds).optional(),
  institution: z.string().min(1).max(64).optional(),
})

export const exceptionsListSchema = z.object({ exceptions: z.array(exceptionSchema) })

export const resolveRequestSchema = z
  .strictObject({
    action: resolutionActionSchema,
    /** `apply_to_fee`: the patron's active fee that takes the money. */
    feeId: id.optional(),
    /** `apply_to_fee` for a payment that names no patron: whose fee (Alma user id). */
    patronId: id.optional(),
    /** `refunded`: CashNet's refund reference. */
    reference: z.string().trim().min(1).max(128).optional(),
    note: z.string().trim().min(1, 'is required').max(2000),
  })
  .superRefine((request, context) => {
    if (request.action === 'apply_to_fee' && !request.feeId) {
      context.addIssue({ code: 'custom', path: ['feeId'], message: 'is required to apply money' })
    }
    if (request.action === 'refunded' && !request.reference) {
      context.addIssue({
        code: 'custom',
        path: ['reference'],
        message: 'is required: the CashNet refund reference',
      })
    }
  })
export type ResolveRequest = z.infer<typeof resolveRequestSchema>

/** A patron's active fees, for the "apply to fee" dialog. */
export const patronFeesSchema = z.object({
  patron: patronRefSchema,
  fees: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      description: z.string(),
      title: z.string().nullable(),
      createdAt: isoTime,
      balanceCents: cents,
    }),
  ),
})
export type PatronFees = z.infer<typeof patronFeesSchema>

// ---- Today ------------------------------------------------------------------------------------

export const todaySchema = z.object({
  date: calendarDaySchema,
  byChannel: z.array(
    z.object({ channel: z.string(), count: z.number().int(), amountCents: cents }),
  ),
  byKiosk: z.array(z.object({ kioskId: z.string(), count: z.number().int(), amountCents: cents })),
  openExceptions: z.record(z.enum(exceptionKinds), z.number().int()),
  health: z.object({
    /** Seconds since the oldest payment CashNet took that is not yet in Alma; 0 when none. */
    oldestUnpostedSeconds: z.number(),
    unpostedCount: z.number().int(),
    almaErrorsLastHour: z.number().int(),
  }),
  /** The last 30 days, oldest first, today last. */
  days: z.array(z.object({ date: calendarDaySchema, count: z.number().int(), amountCents: cents })),
})
export type Today = z.infer<typeof todaySchema>

// ---- Reconciliation ---------------------------------------------------------------------------

export const dateRangeQuerySchema = z
  .strictObject({
    from: calendarDaySchema,
    to: calendarDaySchema,
    institution: z.string().min(1).max(64).optional(),
  })
  .refine((range) => range.from <= range.to, { path: ['to'], message: 'must not be before from' })

const reconciliationDifferenceSchema = z.object({
  date: calendarDaySchema,
  checkoutId: z.string().nullable(),
  cashnetTx: z.string().nullable(),
  itemCode: z.string().nullable(),
  /** What CashNet took, what reached Alma, and why they differ. */
  cashnetCents: cents,
  postedCents: cents,
  reason: z.string(),
  exceptionId: z.number().int().nullable(),
})

export const reconciliationSchema = z.object({
  from: calendarDaySchema,
  to: calendarDaySchema,
  rows: z.array(
    z.object({
      date: calendarDaySchema,
      itemCode: z.string(),
      cashnetCount: z.number().int(),
      cashnetCents: cents,
      postedCents: cents,
      openExceptionCents: cents,
    }),
  ),
  totals: z.object({
    cashnetCount: z.number().int(),
    cashnetCents: cents,
    postedCents: cents,
    openExceptionCents: cents,
  }),
  differences: z.array(reconciliationDifferenceSchema),
})
export type Reconciliation = z.infer<typeof reconciliationSchema>

/** The columns of `reconciliation.csv`, in order. */
export const reconciliationCsvColumns = [
  'date',
  'institution',
  'cashnet_tx',
  'batchno',
  'checkout_id',
  'channel',
  'item_code',
  'alma_user_id',
  'alma_fee_id',
  'fee_type',
  'amount',
  'alma_posted_at',
  'alma_status',
  'exception_id',
] as const

/** How CashNet's own report's columns map onto ours (header names, any case). */
export const cashnetReportMappingSchema = z.strictObject({
  tx: z.string().trim().min(1).max(64).default('Transaction Number'),
  amount: z.string().trim().min(1).max(64).default('Amount'),
  date: z.string().trim().min(1).max(64).default('Transaction Date'),
})
export type CashnetReportMapping = z.infer<typeof cashnetReportMappingSchema>

/** Query of the upload; the body is the CSV itself (`text/csv`), at most this many bytes. */
export const cashnetReportQuerySchema = dateRangeQuerySchema.and(
  z.object({
    tx: z.string().trim().min(1).max(64).optional(),
    amount: z.string().trim().min(1).max(64).optional(),
    date: z.string().trim().min(1).max(64).optional(),
  }),
)
export const cashnetReportMaxBytes = 5 * 1024 * 1024

export const cashnetReportComparisonSchema = z.object({
  rows: z.number().int(),
  matched: z.number().int(),
  /** In CashNet's report, not here (or here under another amount). */
  onlyInCashnet: z.array(
    z.object({
      line: z.number().int(),
      tx: z.string(),
      date: calendarDaySchema,
      amountCents: cents,
      note: z.string(),
    }),
  ),
  /** Verified here, missing from CashNet's report. */
  onlyHere: z.array(
    z.object({
      tx: z.string(),
      date: calendarDaySchema,
      amountCents: cents,
      checkoutId: z.string().nullable(),
    }),
  ),
})
export type CashnetReportComparison = z.infer<typeof cashnetReportComparisonSchema>

// ---- Staff accounts (admin) -------------------------------------------------------------------

export const staffAccountSchema = z.object({
  username: z.string(),
  role: staffRoleSchema,
  institutions: z.array(z.string()).min(1),
  disabled: z.boolean(),
  /** `local` accounts have a password; `sso` ones are created at first sign-in. */
  method: z.enum(['local', 'sso']),
  createdAt: isoTime,
  lastSignInAt: isoTime.nullable(),
})
export type StaffAccount = z.infer<typeof staffAccountSchema>

export const accountsListSchema = z.object({ accounts: z.array(staffAccountSchema) })

export const createAccountRequestSchema = z.strictObject({
  username: usernameSchema,
  role: staffRoleSchema,
  institutions: z.array(z.string().min(1).max(64)).min(1, 'must name at least one institution'),
  password: passwordSchema,
})

export const updateAccountRequestSchema = z
  .strictObject({
    role: staffRoleSchema.optional(),
    institutions: z.array(z.string().min(1).max(64)).min(1).optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .refine((update) => Object.keys(update).length > 0, 'must change something')

// ---- The desk: patrons, pay links and desk payments (desk role) --------------------------------

const patronIdSchema = z.string().trim().min(1, 'is required').max(128)

/** A patron looked up at the desk by Alma user id or barcode. */
export const patronLookupRequestSchema = z.strictObject({
  patronId: patronIdSchema,
  /** Needed when the staff member serves several institutions. */
  institution: z.string().min(1).max(64).optional(),
})

export const deskPatronSchema = z.object({
  /** Staff see the Alma primary id and the name Alma holds. */
  patron: patronRefSchema,
  /** The fees as the kiosk would show them; `lookupId` makes a desk payment. */
  lookup: lookupResponseSchema,
})
export type DeskPatron = z.infer<typeof deskPatronSchema>

/** How a pay link reached the patron; the pay_links table's CHECK constraint is built from it. */
export const payLinkDeliveries = ['email', 'qr', 'kiosk'] as const

export const createPayLinkRequestSchema = z.strictObject({
  patronId: patronIdSchema,
  /** `email`: to the patron's preferred address in Alma; `qr`: a code on this screen. */
  send: z.enum(['email', 'qr']),
  institution: z.string().min(1).max(64).optional(),
})

export const createdPayLinkSchema = z.object({
  id: z.number().int(),
  /** The link itself: shown once, never stored (only its hash is). */
  url: z.string(),
  expiresAt: isoTime,
  /** An SVG QR code of `url`, for `send: "qr"`. */
  qrSvg: z.string().nullable(),
  /** For `send: "email"`: where it went (masked), once queued. */
  sentTo: z.string().nullable(),
})
export type CreatedPayLink = z.infer<typeof createdPayLinkSchema>

const payLinkStates = ['active', 'expired', 'revoked'] as const

export const payLinkSchema = z.object({
  id: z.number().int(),
  delivery: z.enum(payLinkDeliveries),
  createdBy: z.string(),
  createdAt: isoTime,
  expiresAt: isoTime,
  openedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  state: z.enum(payLinkStates),
})
export type PayLinkInfo = z.infer<typeof payLinkSchema>

export const payLinksQuerySchema = z.strictObject({
  patronId: patronIdSchema,
  institution: z.string().min(1).max(64).optional(),
})
export const payLinksListSchema = z.object({ links: z.array(payLinkSchema) })

// ---- Errors -----------------------------------------------------------------------------------

const staffErrorCodes = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'csrf',
  'not_found',
  'conflict',
  'locked_out',
  'rate_limited',
  'alma_unavailable',
  'too_large',
  'sso_unavailable',
  'sso_failed',
  'sso_forbidden',
  'patron_refused',
  'payment_refused',
  'email_unavailable',
  'internal',
] as const
export const staffErrorSchema = z.object({
  error: z.object({
    code: z.enum(staffErrorCodes),
    message: z.string(),
    /** The field at fault, for a 400. */
    field: z.string().optional(),
    /** The finer reason behind `payment_refused` / `patron_refused` (the kiosk API's codes). */
    reason: z.string().optional(),
    /** Bad rows of an upload, by line number. */
    lines: z.array(z.object({ line: z.number().int(), message: z.string() })).optional(),
  }),
})
export type StaffError = z.infer<typeof staffErrorSchema>

// ---- The route table --------------------------------------------------------------------------

interface StaffRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  /** Who may call it; null: anyone (signing in). */
  role: StaffRole | null
}

export const staffRoutes = {
  signIn: { method: 'POST', path: `${staffApiPrefix}/session`, role: null },
  session: { method: 'GET', path: `${staffApiPrefix}/session`, role: 'desk' },
  signOut: { method: 'DELETE', path: `${staffApiPrefix}/session`, role: 'desk' },
  ssoOptions: { method: 'GET', path: `${staffApiPrefix}/sso`, role: null },
  /** A browser navigation: redirects to the campus identity provider. */
  ssoStart: { method: 'GET', path: `${staffApiPrefix}/sso/:institution/start`, role: null },
  /**
   * Where the identity provider returns: sets the session cookie and redirects to the console, or
   * to the sign-in screen with `?signInError=<code>` (one of the `sso_*` error codes).
   */
  ssoCallback: { method: 'GET', path: `${staffApiPrefix}/sso/callback`, role: null },
  today: { method: 'GET', path: `${staffApiPrefix}/today`, role: 'desk' },
  payments: { method: 'GET', path: `${staffApiPrefix}/payments`, role: 'desk' },
  payment: { method: 'GET', path: `${staffApiPrefix}/payments/:checkoutId`, role: 'desk' },
  exceptions: { method: 'GET', path: `${staffApiPrefix}/exceptions`, role: 'desk' },
  exceptionFees: {
    method: 'GET',
    path: `${staffApiPrefix}/exceptions/:id/fees`,
    role: 'supervisor',
  },
  resolveException: {
    method: 'POST',
    path: `${staffApiPrefix}/exceptions/:id/resolve`,
    role: 'supervisor',
  },
  reconciliation: { method: 'GET', path: `${staffApiPrefix}/reconciliation`, role: 'supervisor' },
  reconciliationCsv: {
    method: 'GET',
    path: `${staffApiPrefix}/reconciliation.csv`,
    role: 'supervisor',
  },
  cashnetReport: {
    method: 'POST',
    path: `${staffApiPrefix}/reconciliation/cashnet-report`,
    role: 'supervisor',
  },
  accounts: { method: 'GET', path: `${staffApiPrefix}/accounts`, role: 'admin' },
  createAccount: { method: 'POST', path: `${staffApiPrefix}/accounts`, role: 'admin' },
  updateAccount: { method: 'PATCH', path: `${staffApiPrefix}/accounts/:username`, role: 'admin' },
  patronLookup: { method: 'POST', path: `${staffApiPrefix}/patrons/lookup`, role: 'desk' },
  createPayLink: { method: 'POST', path: `${staffApiPrefix}/pay-links`, role: 'desk' },
  payLinks: { method: 'GET', path: `${staffApiPrefix}/pay-links`, role: 'desk' },
  revokePayLink: { method: 'DELETE', path: `${staffApiPrefix}/pay-links/:id`, role: 'desk' },
  /** Body: a kiosk checkout's request; answers the CashNet checkout to open in a new tab. */
  deskCheckout: { method: 'POST', path: `${staffApiPrefix}/desk/checkouts`, role: 'desk' },
  /** `?status=<known>&wait=<seconds>` long-polls for a change, as the kiosk API does. */
  deskCheckoutState: {
    method: 'GET',
    path: `${staffApiPrefix}/desk/checkouts/:checkoutId`,
    role: 'desk',
  },
  cancelDeskCheckout: {
    method: 'POST',
    path: `${staffApiPrefix}/desk/checkouts/:checkoutId/cancel`,
    role: 'desk',
  },
} as const satisfies Record<string, StaffRoute>

/** The console's own pages (client routes under `/staff`) the service links to. */
export const staffConsolePages = {
  payment: '/payments/:checkoutId',
} as const

/** A route's path with its `:params` filled in (each encoded). */
export function staffPath(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`missing path parameter ${name}`)
    return encodeURIComponent(String(value))
  })
}
