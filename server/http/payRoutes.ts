/**
 * `/pay`: the patron payment pages (built by `npm run build:pay` into `out/pay`), their entries
 * (`/pay/l/<token>`, `/pay/primo?jwt=…`), CashNet's return (`/pay/return`) and the pages' JSON API
 * (`/pay/api/*`, `common/payApi.ts`). One discipline for all of it: a per-address rate limit, a
 * strict CSP and no framing, no caching of anything patron-specific, no referrer (an entry URL
 * carries a token), the session cookie on every API call and its CSRF token on every change.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyCookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import {
  payApiPaths,
  payCheckoutRequestSchema,
  payCheckoutWaitQuerySchema,
  payCsrfHeader,
  payPaths,
  type PayError,
  type PayErrorCode,
} from '../../common/payApi.ts'
import { AlmaError } from '../alma/errors.ts'
import { PatronError } from '../patrons/errors.ts'
import { PaymentError } from '../payments/errors.ts'
import { resolveSourceIp } from '../payments/postback/verify.ts'
import { entryPage, payContentSecurityPolicy, type EntryMessageKind } from '../pay/pages.ts'
import { PayEntryError, type PaySessions } from '../pay/paySessions.ts'
import type { PaySession } from '../store/paySessions.ts'
import { apiError, apiStatusByCode } from './apiErrors.ts'

const paySessionCookie = 'pay_session'

export interface PayRouteDeps {
  sessions: PaySessions
  publicBaseUrl: string
  trustProxy: boolean
  /** Requests a minute one address may make under `/pay` (`429` beyond). */
  requestsPerMinute: number
  idleMs: number
  /** The built pages (`out/pay`); null or missing: the API still answers. */
  pagesDir: string | null
}

const statusByCode: Record<PayErrorCode, number> = {
  ...apiStatusByCode,
  no_session: 401,
  csrf: 403,
}

const entryStatus: Record<PayEntryError['kind'], number> = {
  not_found: 404,
  gone: 410,
  primo_refused: 401,
  primo_unavailable: 503,
  primo_keys_unavailable: 503,
}

/** Seconds a patron is asked to wait when Primo's keys are unavailable: the key set's refetch cooldown. */
const primoKeysRetryAfterSeconds = 30

const securityHeaders = {
  'content-security-policy': payContentSecurityPolicy,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // An entry URL holds a token: it must never leave in a Referer, to CashNet or anyone.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
}

const primoQuery = z.object({
  jwt: z.string().min(1).max(8192),
  returnUrl: z.string().max(2048).optional(),
})
const linkParams = z.object({ token: z.string().min(1).max(200) })

function payError(code: PayErrorCode, message?: string): PayError {
  if (code === 'no_session') {
    return { error: { code, message: message ?? 'Open your payment link again.' } }
  }
  if (code === 'csrf') {
    return { error: { code, message: message ?? 'Reload the page and try again.' } }
  }
  const { error } = apiError(code, message)
  return { error: { code: error.code, message: error.message } }
}

function sendPayError(reply: FastifyReply, code: PayErrorCode, message?: string) {
  return reply.code(statusByCode[code]).send(payError(code, message))
}

/** The domain's typed errors as pay API answers; anything else a 500 without details. */
function sendDomainError(reply: FastifyReply, error: unknown) {
  if (error instanceof PatronError) return sendPayError(reply, error.kind, error.message)
  if (error instanceof PaymentError) return sendPayError(reply, error.kind, error.message)
  if (error instanceof AlmaError) return sendPayError(reply, 'alma_unavailable')
  reply.log.error({ err: error }, 'pay request failed')
  return sendPayError(reply, 'internal')
}

export function payRoutesPlugin(deps: PayRouteDeps) {
  const secure = deps.publicBaseUrl.startsWith('https://')
  const ownOrigin = new URL(deps.publicBaseUrl).origin
  const sourceIpOf = (request: FastifyRequest) =>
    resolveSourceIp(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      deps.trustProxy,
    )
  const pagesIndex = (() => {
    if (!deps.pagesDir) return null
    try {
      return readFileSync(join(deps.pagesDir, 'index.html'), 'utf8')
    } catch {
      return null
    }
  })()

  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(fastifyCookie)
    await app.register(rateLimit, {
      max: deps.requestsPerMinute,
      timeWindow: 60_000,
      hook: 'onRequest',
      keyGenerator: sourceIpOf,
    })

    app.addHook('onSend', async (_request, reply, payload) => {
      void reply.headers(securityHeaders)
      if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store')
      return payload
    })
    app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      if (error.statusCode === 429)
        return sendPayError(reply, 'rate_limited', 'Too many requests. Wait a minute.')
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return sendPayError(reply, 'invalid_request')
      }
      return sendDomainError(reply, error)
    })
    // CashNet may return the browser with a form POST: its fields are never read (only the
    // postback is evidence of payment), so they are parsed into nothing.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_request, _body, done) => {
        done(null, null)
      },
    )

    const entryError = (reply: FastifyReply, kind: EntryMessageKind, status: number) =>
      reply.code(status).type('text/html; charset=utf-8').send(entryPage(kind))

    /**
     * The session cookie. Its Max-Age is the idle time and every API answer within the session
     * sends it again (see `api`), so the browser's copy slides with use as the service's idle
     * check does: a patron busy on the page keeps it, an idle one loses it on both sides.
     */
    const setSessionCookie = (reply: FastifyReply, cookieValue: string) =>
      reply.setCookie(paySessionCookie, cookieValue, {
        path: payPaths.pages,
        httpOnly: true,
        // Lax: the return from CashNet is a cross-site top-level navigation that must keep it.
        sameSite: 'lax',
        secure,
        maxAge: Math.ceil(deps.idleMs / 1000),
      })

    const startSession = (reply: FastifyReply, cookieValue: string) =>
      setSessionCookie(reply, cookieValue)
        // On to the pages without the token in the address bar or the history.
        .redirect(`${payPaths.pages}/`, 303)

    const onEntryError = (reply: FastifyReply, request: FastifyRequest, error: unknown) => {
      if (error instanceof PayEntryError) {
        request.log.info({ entry: error.kind, cause: kindOf(error.cause) }, 'pay entry refused')
        if (error.kind === 'primo_keys_unavailable') {
          void reply.header('retry-after', String(primoKeysRetryAfterSeconds))
        }
        return entryError(reply, error.kind, entryStatus[error.kind])
      }
      throw error
    }

    // ---- Entries ---------------------------------------------------------------------------
    app.get(`${payPaths.link}/:token`, async (request, reply) => {
      const params = linkParams.safeParse(request.params)
      if (!params.success) return entryError(reply, 'not_found', 404)
      try {
        const started = await deps.sessions.startFromLink(params.data.token)
        return await startSession(reply, started.cookieValue)
      } catch (error) {
        return onEntryError(reply, request, error)
      }
    })

    app.get(payPaths.primo, async (request, reply) => {
      const query = primoQuery.safeParse(request.query)
      if (!query.success) return entryError(reply, 'primo_refused', 401)
      try {
        const started = await deps.sessions.startFromPrimo(query.data.jwt, query.data.returnUrl)
        return await startSession(reply, started.cookieValue)
      } catch (error) {
        return onEntryError(reply, request, error)
      }
    })

    // CashNet's signouturl: never evidence of payment; the status page asks the service.
    app.route({
      method: ['GET', 'POST'],
      url: payPaths.return,
      handler: (_request, reply) => reply.redirect(payPaths.status, 303),
    })

    // ---- The pages' API --------------------------------------------------------------------
    type Handler = (
      session: PaySession,
      request: FastifyRequest,
      reply: FastifyReply,
    ) => Promise<unknown>

    /** A route that needs the session, and for a change its CSRF token from this origin. */
    const api = (method: 'GET' | 'POST', url: string, handler: Handler) => {
      app.route({
        method,
        url,
        handler: async (request, reply) => {
          if (method !== 'GET') {
            const origin = request.headers.origin
            if (origin !== undefined && origin !== ownOrigin) return sendPayError(reply, 'csrf')
          }
          const cookieValue = request.cookies[paySessionCookie]
          const session = await deps.sessions.resolve(cookieValue)
          if (!session || !cookieValue) return sendPayError(reply, 'no_session')
          setSessionCookie(reply, cookieValue)
          if (method !== 'GET' && request.headers[payCsrfHeader] !== session.csrfToken) {
            return sendPayError(reply, 'csrf')
          }
          try {
            return await handler(session, request, reply)
          } catch (error) {
            return sendDomainError(reply, error)
          }
        },
      })
    }

    api('GET', payApiPaths.session, (session) => Promise.resolve(deps.sessions.info(session)))
    api('GET', payApiPaths.fees, (session) => deps.sessions.fees(session))
    api('POST', payApiPaths.checkouts, async (session, request, reply) => {
      const body = payCheckoutRequestSchema.safeParse(request.body ?? {})
      if (!body.success)
        return sendPayError(reply, 'invalid_request', body.error.issues[0]?.message)
      return reply.code(201).send(await deps.sessions.createCheckout(session, body.data))
    })
    api('GET', payApiPaths.checkout, async (session, request, reply) => {
      const query = payCheckoutWaitQuerySchema.safeParse(request.query)
      if (!query.success) return sendPayError(reply, 'invalid_request')
      const { status, wait } = query.data
      return deps.sessions.checkoutState(
        session,
        status && wait ? { known: status, seconds: wait } : undefined,
      )
    })
    api('POST', payApiPaths.cancelCheckout, (session) => deps.sessions.cancelCheckout(session))
    api('GET', payApiPaths.receipt, (session) => deps.sessions.receipt(session))
    app.all(`${payPaths.api}/*`, async (_request, reply) =>
      sendPayError(reply, 'not_found', 'No such pay API route.'),
    )

    // ---- The pages -------------------------------------------------------------------------
    if (deps.pagesDir && pagesIndex) {
      await app.register(fastifyStatic, {
        root: deps.pagesDir,
        prefix: `${payPaths.pages}/`,
        decorateReply: false,
        index: false,
        wildcard: false,
        // Hashed file names: cached for good; the index is served fresh on every visit.
        cacheControl: false,
        setHeaders: (response) => {
          response.setHeader('cache-control', 'public, max-age=31536000, immutable')
        },
      })
    }
    const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) =>
      pagesIndex
        ? reply
            .type('text/html; charset=utf-8')
            .header('cache-control', 'no-store')
            .send(pagesIndex)
        : entryError(reply, 'not_built', 503)
    app.get(payPaths.pages, sendIndex)
    app.get(`${payPaths.pages}/`, sendIndex)
    app.get(payPaths.status, sendIndex)
  }
}

function kindOf(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && 'kind' in cause) {
    return String(cause.kind)
  }
  return undefined
}
