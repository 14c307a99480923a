/**
 * `/staff`: the staff console (built by `npm run build:staff` into `out/staff`, served with a
 * single-page fallback) and its API (`/staff/api/*`, the route table in `common/staffApi.ts`).
 * Everything under `/staff` answers only the campus networks when `STAFF_ALLOWED_NETWORKS` is set,
 * carries security headers, and is never cached when it is API data.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyCookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { checkoutRequestSchema, checkoutStatusSchema } from '../../common/api.ts'
import {
  accountsListSchema,
  cashnetReportMaxBytes,
  cashnetReportQuerySchema,
  createAccountRequestSchema,
  createPayLinkRequestSchema,
  dateRangeQuerySchema,
  exceptionsQuerySchema,
  patronLookupRequestSchema,
  payLinksQuerySchema,
  paymentsQuerySchema,
  resolveRequestSchema,
  signInRequestSchema,
  staffApiPrefix,
  staffPathPrefix,
  staffRoutes,
  updateAccountRequestSchema,
  type StaffRole,
} from '../../common/staffApi.ts'
import { sha256Hex } from '../ops/sha256.ts'
import { resolveSourceIp, createIpAllowlist } from '../payments/postback/verify.ts'
import type { ReconciliationService } from '../reconciliation/service.ts'
import type { Accounts } from '../staff/accounts.ts'
import { StaffRequestError } from '../staff/errors.ts'
import type { DeskService } from '../staff/deskService.ts'
import type { ExceptionsService } from '../staff/exceptionsService.ts'
import type { PaymentsService } from '../staff/paymentsService.ts'
import type { Sso } from '../staff/sso.ts'
import type { SignedIn, StaffAuth } from '../staff/staffAuth.ts'
import type { StaffRepository } from '../store/staff.ts'
import type { Today } from '../../common/staffApi.ts'
import {
  guard,
  parseOr400,
  sendStaffError,
  sessionCookie,
  ssoStateCookie,
  staffErrorBody,
} from './staffHttp.ts'

export interface StaffRouteDeps {
  auth: StaffAuth
  sso: Sso
  accounts: Accounts
  payments: PaymentsService
  exceptions: ExceptionsService
  reconciliation: ReconciliationService
  desk: DeskService
  today: (institutions: readonly string[]) => Promise<Today>
  staffStore: Pick<StaffRepository, 'appendAudit'>
  now: () => number
  publicBaseUrl: string
  trustProxy: boolean
  /** CIDR ranges `/staff` answers; empty: all. */
  allowedNetworks: readonly string[]
  signInRequestsPerMinute: number
  sessionIdleMs: number
  /** The built console; null: not built (the API still answers). */
  consoleDir: string | null
}

type RouteKey = keyof typeof staffRoutes

const idParams = z.strictObject({ id: z.coerce.number().int().positive() })
const checkoutParams = z.strictObject({ checkoutId: z.string().min(1).max(128) })
const usernameParams = z.strictObject({ username: z.string().min(1).max(200) })
const institutionParams = z.strictObject({ institution: z.string().min(1).max(64) })
const feesQuery = z.strictObject({ patronId: z.string().trim().min(1).max(128).optional() })
const deskWaitQuery = z.strictObject({
  status: checkoutStatusSchema.optional(),
  wait: z.coerce.number().int().min(0).max(60).optional(),
})

/** Relative to the `/staff` prefix this plugin is registered under. */
const local = (path: string) => path.slice(staffPathPrefix.length)

const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

export function staffRoutesPlugin(deps: StaffRouteDeps) {
  const secure = deps.publicBaseUrl.startsWith('https://')
  const allowedOrigins = new Set([new URL(deps.publicBaseUrl).origin])
  const onNetwork = createIpAllowlist([...deps.allowedNetworks])
  const sourceIpOf = (request: FastifyRequest) =>
    resolveSourceIp(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      deps.trustProxy,
    )
  const consoleIndex = (() => {
    if (!deps.consoleDir) return null
    try {
      return readFileSync(join(deps.consoleDir, 'index.html'), 'utf8')
    } catch {
      return null
    }
  })()

  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(fastifyCookie)
    await app.register(rateLimit, { global: false })

    app.addHook('onRequest', async (request, reply) => {
      if (deps.allowedNetworks.length > 0 && !onNetwork(sourceIpOf(request))) {
        return reply
          .code(403)
          .send(
            staffErrorBody(
              new StaffRequestError(
                'forbidden',
                'The staff console answers the campus network only.',
              ),
            ),
          )
      }
    })
    app.addHook('onSend', async (request, reply, payload) => {
      void reply.headers(securityHeaders)
      if (request.url.startsWith(staffApiPrefix)) void reply.header('cache-control', 'no-store')
      return payload
    })
    // Oversized or unreadable bodies get the staff error shape too.
    app.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
      if (error.statusCode === 413) {
        return sendStaffError(
          reply,
          new StaffRequestError(
            'too_large',
            `The upload is larger than ${cashnetReportMaxBytes} bytes.`,
          ),
        )
      }
      if (error.statusCode === 429) {
        return sendStaffError(
          reply,
          new StaffRequestError('rate_limited', 'Too many attempts; wait a minute.'),
        )
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return sendStaffError(
          reply,
          new StaffRequestError('invalid_request', 'The request is not valid.'),
        )
      }
      return sendStaffError(reply, error)
    })
    app.addContentTypeParser(
      ['text/csv', 'text/plain', 'application/vnd.ms-excel'],
      { parseAs: 'string', bodyLimit: cashnetReportMaxBytes },
      (_request, body, done) => {
        done(null, body)
      },
    )

    /**
     * The session cookie. Its Max-Age is the idle time and it is sent again with every answer to
     * a signed-in request (see `route`), so the browser's copy slides with use just as the
     * service's idle check does: a busy desk stays signed in, an idle one is forgotten by both.
     */
    const setSession = (reply: FastifyReply, token: string) =>
      reply.setCookie(sessionCookie, token, {
        path: staffPathPrefix,
        httpOnly: true,
        sameSite: 'strict',
        secure,
        maxAge: Math.ceil(deps.sessionIdleMs / 1000),
      })

    const audit = (
      signedIn: SignedIn,
      action: string,
      target: string | null,
      detail: Record<string, unknown>,
      institution: string | null = null,
    ) =>
      deps.staffStore.appendAudit({
        at: deps.now(),
        actor: signedIn.account.username,
        institution,
        action,
        target,
        detail,
      })

    const own = (signedIn: SignedIn) =>
      signedIn.info.institutions.map((institution) => institution.code)

    /** A route from the table: guarded, validated, errors mapped. */
    function route(
      key: RouteKey,
      handler: (
        request: FastifyRequest,
        reply: FastifyReply,
        signedIn: SignedIn | null,
      ) => Promise<unknown>,
      extra: { rateLimited?: boolean; bodyLimit?: number } = {},
    ) {
      const spec = staffRoutes[key]
      app.route({
        method: spec.method,
        url: local(spec.path),
        ...(extra.bodyLimit ? { bodyLimit: extra.bodyLimit } : {}),
        ...(extra.rateLimited
          ? {
              config: {
                rateLimit: {
                  max: deps.signInRequestsPerMinute,
                  timeWindow: 60_000,
                  keyGenerator: sourceIpOf,
                },
              },
            }
          : {}),
        handler: async (request, reply) => {
          try {
            const signedIn = await guard(request, spec, { auth: deps.auth, allowedOrigins })
            const token = request.cookies[sessionCookie]
            if (signedIn && token) setSession(reply, token)
            return await handler(request, reply, signedIn)
          } catch (error) {
            return sendStaffError(reply, error)
          }
        },
      })
    }
    const need = (signedIn: SignedIn | null): SignedIn => {
      if (!signedIn) throw new Error('route without a role used a signed-in handler')
      return signedIn
    }

    // ---- Session ---------------------------------------------------------------------------
    route(
      'signIn',
      async (request, reply) => {
        const body = parseOr400(signInRequestSchema, request.body, 'body')
        const signedIn = await deps.auth.signIn(body.username, body.password, {
          sourceIp: sourceIpOf(request),
        })
        setSession(reply, signedIn.token)
        return reply.code(204).send()
      },
      { rateLimited: true },
    )
    route('session', async (_request, _reply, signedIn) => need(signedIn).info)
    route('signOut', async (_request, reply, signedIn) => {
      await deps.auth.signOut(need(signedIn))
      void reply.clearCookie(sessionCookie, { path: staffPathPrefix })
      return reply.code(204).send()
    })
    route('ssoOptions', () => Promise.resolve(deps.sso.options()))
    route(
      'ssoStart',
      async (request, reply) => {
        const { institution } = parseOr400(institutionParams, request.params, 'institution')
        const url = await deps.sso.start(institution)
        void reply.setCookie(ssoStateCookie, url.searchParams.get('state') ?? '', {
          path: staffRoutes.ssoCallback.path,
          httpOnly: true,
          // Lax: the identity provider's redirect back is a cross-site top-level navigation.
          sameSite: 'lax',
          secure,
          maxAge: 600,
        })
        return reply.redirect(url.href, 303)
      },
      { rateLimited: true },
    )
    app.get(
      local(staffRoutes.ssoCallback.path),
      {
        config: {
          rateLimit: {
            max: deps.signInRequestsPerMinute,
            timeWindow: 60_000,
            keyGenerator: sourceIpOf,
          },
        },
      },
      async (request, reply) => {
        const query = request.url.includes('?')
          ? request.url.slice(request.url.indexOf('?') + 1)
          : ''
        const state = new URLSearchParams(query).get('state')
        void reply.clearCookie(ssoStateCookie, { path: staffRoutes.ssoCallback.path })
        try {
          if (!state || request.cookies[ssoStateCookie] !== state) {
            throw new StaffRequestError(
              'sso_failed',
              'This sign-in was not started in this browser. Start again.',
            )
          }
          const signedIn = await deps.sso.callback(query, { sourceIp: sourceIpOf(request) })
          setSession(reply, signedIn.token)
          return await reply.redirect(`${staffPathPrefix}/`, 303)
        } catch (error) {
          const code = error instanceof StaffRequestError ? error.kind : 'sso_failed'
          if (!(error instanceof StaffRequestError))
            request.log.error({ err: error }, 'SSO callback failed')
          return reply.redirect(`${staffPathPrefix}/?signInError=${encodeURIComponent(code)}`, 303)
        }
      },
    )

    // ---- Today and payments ----------------------------------------------------------------
    route('today', async (request, _reply, signedIn) => {
      const query = parseOr400(
        z.strictObject({ institution: z.string().min(1).max(64).optional() }),
        request.query,
        'query',
      )
      const scope = own(need(signedIn))
      if (query.institution && !scope.includes(query.institution)) {
        throw new StaffRequestError('not_found', 'No such institution.')
      }
      return deps.today(query.institution ? [query.institution] : scope)
    })
    route('payments', async (request, _reply, signedIn) => {
      const query = parseOr400(paymentsQuerySchema, request.query, 'query')
      const staff = need(signedIn)
      const page = await deps.payments.list(own(staff), query)
      if (query.q !== undefined) {
        // A search names a payment or a patron: audited with what it found. What was typed is kept
        // only as its SHA-256 — it may be an Alma user id, or by mistake anything else — so a
        // suspected search can be confirmed by hashing the value, and the log holds no patron data.
        await audit(
          staff,
          'payments_searched',
          null,
          {
            qSha256: sha256Hex(query.q),
            results: page.payments.length,
            checkoutIds: page.payments.map((payment) => payment.checkoutId),
            ...(query.cursor ? { cursor: true } : {}),
          },
          query.institution ?? null,
        )
      }
      return page
    })
    route('payment', async (request, _reply, signedIn) => {
      const { checkoutId } = parseOr400(checkoutParams, request.params, 'checkoutId')
      const staff = need(signedIn)
      const detail = await deps.payments.detail(own(staff), checkoutId)
      await audit(staff, 'payment_viewed', `checkout:${checkoutId}`, {}, detail.institution)
      return detail
    })

    // ---- Exceptions ------------------------------------------------------------------------
    route('exceptions', async (request, _reply, signedIn) => ({
      exceptions: await deps.exceptions.list(
        own(need(signedIn)),
        parseOr400(exceptionsQuerySchema, request.query, 'query'),
      ),
    }))
    route('exceptionFees', async (request, _reply, signedIn) => {
      const { id } = parseOr400(idParams, request.params, 'id')
      const { patronId } = parseOr400(feesQuery, request.query, 'query')
      const staff = need(signedIn)
      return deps.exceptions.fees(
        { username: staff.account.username, institutions: own(staff) },
        id,
        patronId,
      )
    })
    route('resolveException', async (request, _reply, signedIn) => {
      const { id } = parseOr400(idParams, request.params, 'id')
      const body = parseOr400(resolveRequestSchema, request.body, 'body')
      const staff = need(signedIn)
      return deps.exceptions.resolve(
        { username: staff.account.username, institutions: own(staff) },
        id,
        body,
      )
    })

    // ---- Reconciliation --------------------------------------------------------------------
    route('reconciliation', async (request, _reply, signedIn) =>
      deps.reconciliation.report(
        own(need(signedIn)),
        parseOr400(dateRangeQuerySchema, request.query, 'query'),
      ),
    )
    route('reconciliationCsv', async (request, reply, signedIn) => {
      const range = parseOr400(dateRangeQuerySchema, request.query, 'query')
      const staff = need(signedIn)
      const csv = await deps.reconciliation.csv(own(staff), range)
      await audit(staff, 'csv_exported', null, { ...range, rows: csv.rows })
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="reconciliation-${range.from}-to-${range.to}.csv"`,
        )
        .send(csv.text)
    })
    route(
      'cashnetReport',
      async (request, _reply, signedIn) => {
        const query = parseOr400(cashnetReportQuerySchema, request.query, 'query')
        if (typeof request.body !== 'string' || request.body.trim() === '') {
          throw new StaffRequestError(
            'invalid_request',
            'body: send the CashNet report as text/csv',
            {
              field: 'body',
            },
          )
        }
        const staff = need(signedIn)
        const comparison = await deps.reconciliation.compare(own(staff), query, request.body)
        await audit(staff, 'report_compared', null, {
          from: query.from,
          to: query.to,
          rows: comparison.rows,
          matched: comparison.matched,
          onlyInCashnet: comparison.onlyInCashnet.length,
          onlyHere: comparison.onlyHere.length,
        })
        return comparison
      },
      { bodyLimit: cashnetReportMaxBytes },
    )

    // ---- Staff accounts (admin) ------------------------------------------------------------
    /** An admin manages accounts of their own institutions only. */
    const mayManage = (staff: SignedIn, institutions: readonly string[]) => {
      const scope = own(staff)
      if (!institutions.every((code) => scope.includes(code))) {
        throw new StaffRequestError(
          'forbidden',
          'That account belongs to an institution you do not administer.',
        )
      }
    }
    route('accounts', async (_request, _reply, signedIn) => {
      const scope = own(need(signedIn))
      const accounts = await deps.accounts.list()
      return accountsListSchema.parse({
        accounts: accounts.filter((account) =>
          account.institutions.some((code) => scope.includes(code)),
        ),
      })
    })
    route('createAccount', async (request, reply, signedIn) => {
      const body = parseOr400(createAccountRequestSchema, request.body, 'body')
      const staff = need(signedIn)
      mayManage(staff, body.institutions)
      return reply.code(201).send(await deps.accounts.create(staff.account.username, body))
    })
    route('updateAccount', async (request, _reply, signedIn) => {
      const { username } = parseOr400(usernameParams, request.params, 'username')
      const body = parseOr400(updateAccountRequestSchema, request.body, 'body')
      const staff = need(signedIn)
      const target = (await deps.accounts.list()).find(
        (account) => account.username === username.toLowerCase(),
      )
      if (!target?.institutions.some((code) => own(staff).includes(code))) {
        throw new StaffRequestError('not_found', 'No such staff account.')
      }
      mayManage(staff, target.institutions)
      if (body.institutions) mayManage(staff, body.institutions)
      const demotes = body.role !== undefined && body.role !== ('admin' satisfies StaffRole)
      if (target.username === staff.account.username && (body.disabled === true || demotes)) {
        throw new StaffRequestError(
          'invalid_request',
          'You cannot disable or demote your own account.',
          {
            field: body.disabled === true ? 'disabled' : 'role',
          },
        )
      }
      return deps.accounts.update(staff.account.username, username, body)
    })

    // ---- The desk ------------------------------------------------------------------------------
    const deskStaff = (signedIn: SignedIn | null) => {
      const staff = need(signedIn)
      return { username: staff.account.username, institutions: own(staff) }
    }
    route('patronLookup', async (request, _reply, signedIn) =>
      deps.desk.lookupPatron(
        deskStaff(signedIn),
        parseOr400(patronLookupRequestSchema, request.body, 'body'),
      ),
    )
    route('createPayLink', async (request, reply, signedIn) =>
      reply
        .code(201)
        .send(
          await deps.desk.sendPayLink(
            deskStaff(signedIn),
            parseOr400(createPayLinkRequestSchema, request.body, 'body'),
          ),
        ),
    )
    route('payLinks', async (request, _reply, signedIn) => ({
      links: await deps.desk.listPayLinks(
        deskStaff(signedIn),
        parseOr400(payLinksQuerySchema, request.query, 'query'),
      ),
    }))
    route('revokePayLink', async (request, _reply, signedIn) => {
      const { id } = parseOr400(idParams, request.params, 'id')
      return deps.desk.revokePayLink(deskStaff(signedIn), id)
    })
    route('deskCheckout', async (request, reply, signedIn) =>
      reply
        .code(201)
        .send(
          await deps.desk.takePayment(
            deskStaff(signedIn),
            parseOr400(checkoutRequestSchema, request.body, 'body'),
          ),
        ),
    )
    route('deskCheckoutState', async (request, _reply, signedIn) => {
      const { checkoutId } = parseOr400(checkoutParams, request.params, 'checkoutId')
      const query = parseOr400(deskWaitQuery, request.query, 'query')
      return deps.desk.paymentState(
        deskStaff(signedIn),
        checkoutId,
        query.status && query.wait ? { status: query.status, seconds: query.wait } : undefined,
      )
    })
    route('cancelDeskCheckout', async (request, _reply, signedIn) => {
      const { checkoutId } = parseOr400(checkoutParams, request.params, 'checkoutId')
      return deps.desk.cancelPayment(deskStaff(signedIn), checkoutId)
    })

    // Unknown API paths: the staff error shape, never the console's page.
    app.all(`${local(staffApiPrefix)}/*`, async (_request, reply) =>
      sendStaffError(reply, new StaffRequestError('not_found', 'No such staff API route.')),
    )

    // ---- The console -----------------------------------------------------------------------
    if (deps.consoleDir && consoleIndex) {
      await app.register(fastifyStatic, {
        root: deps.consoleDir,
        prefix: '/',
        decorateReply: false,
        index: false,
        wildcard: false,
      })
      const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) =>
        reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send(consoleIndex)
      app.get('/', sendIndex)
      // Client-side routes (/staff/payments/…): the console's page; its script picks the screen.
      // A route of its own, not only the not-found handler: a wildcard route registered at `/`
      // (the demo's kiosk preview) would otherwise answer them first.
      app.get('/*', sendIndex)
      app.setNotFoundHandler(async (request, reply) => {
        if (request.method !== 'GET') {
          return sendStaffError(reply, new StaffRequestError('not_found', 'Not found.'))
        }
        return sendIndex(request, reply)
      })
    } else {
      app.get('/', async (_request, reply) =>
        reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(
            'The staff console is not built here: run `npm run build:staff`. Its API answers at /staff/api.',
          ),
      )
    }
  }
}
