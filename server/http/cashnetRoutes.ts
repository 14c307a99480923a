/**
 * CashNet's two public doors: the server-to-server postback (`/cashnet/postback/<secret>`) and the
 * browser's return page (`/cashnet/return`).
 * - Every request is rate-limited per source address (CashNet's own addresses exempt when an
 *   allowlist is set), before anything else.
 * - A postback's secret and source are checked before its body is read: a refused request costs a
 *   small, capped record, never its body.
 * - Bodies are read raw by a parser scoped to this plugin, whatever their declared Content-Type
 *   (even one Fastify could not parse, which would otherwise be a silent 415), so the ingest
 *   stores exactly what arrived and decides on the type itself.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import { redactUrl } from '../ops/redact.ts'
import rateLimit from '@fastify/rate-limit'
import { cashnetPaths } from '../../common/cashnet.ts'
import {
  postbackBodyLimitBytes,
  type PostbackAnswer,
  type PostbackIngest,
} from '../payments/postback/ingest.ts'
import { resolveSourceIp } from '../payments/postback/verify.ts'

export interface CashnetRouteDeps {
  ingest: PostbackIngest
  /** Believe the last `X-Forwarded-For` hop (set when a reverse proxy fronts the service). */
  trustProxy: boolean
  /** Requests per minute per source address under `/cashnet/`. */
  requestsPerMinute: number
  /** Addresses never rate-limited: CashNet's own, when an allowlist names them. */
  exempt: (sourceIp: string) => boolean
  /** The console's page of a desk payment (where its CashNet tab comes back to). */
  deskPaymentUrl: (checkoutId: string) => string
}

/** The Content-Type as the sender wrote it, before this plugin replaced it for Fastify's parser. */
const declaredContentType = Symbol('declared content type')
type WithDeclaredType = FastifyRequest & { [declaredContentType]?: string | null }

/** A body as this plugin reads it: the first `postbackBodyLimitBytes` + 1 bytes and the full size. */
interface RawBody {
  kind: 'raw-body'
  text: string
  bytes: number
  /** False when reading stopped at `drainAfterBytes`: the rest is still arriving. */
  complete: boolean
}

/** Past this, the rest of a body is drained unread: enough to know it was oversized. */
const drainAfterBytes = 1024 * 1024

function isRawBody(value: unknown): value is RawBody {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'raw-body'
  )
}

function readRawBody(
  payload: IncomingMessage,
  done: (error: Error | null, body?: RawBody) => void,
) {
  const kept: Buffer[] = []
  let keptBytes = 0
  let bytes = 0
  let finished = false
  const finish = (error: Error | null, complete: boolean) => {
    if (finished) return
    finished = true
    payload.removeAllListeners('data')
    if (error) {
      done(error)
      return
    }
    done(null, { kind: 'raw-body', text: Buffer.concat(kept).toString('utf8'), bytes, complete })
  }
  payload.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    const room = postbackBodyLimitBytes + 1 - keptBytes
    if (room > 0) {
      const part = chunk.subarray(0, room)
      kept.push(part)
      keptBytes += part.length
    }
    if (bytes > drainAfterBytes) {
      // Enough to record that it was oversized; the rest flows away unread until the answer
      // closes the connection.
      finish(null, false)
      payload.resume()
    }
  })
  payload.on('end', () => {
    finish(null, true)
  })
  payload.on('error', (error) => {
    finish(error, false)
  })
}

/** The request as Fastify logs it, with the postback secret cut out of the URL. */
function redactedRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  }
}

const returnPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Returning to the kiosk…</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0}</style>
</head>
<body><main><p role="status">Returning to the kiosk…</p></main></body>
</html>
`

function answer(reply: FastifyReply, result: PostbackAnswer) {
  return reply
    .code(result.statusCode)
    .header('cache-control', 'no-store')
    .type('text/plain; charset=utf-8')
    .send(result.statusCode === 200 ? 'OK' : result.outcome.toUpperCase())
}

export function cashnetRoutes(deps: CashnetRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const sourceIpOf = (request: FastifyRequest) =>
      resolveSourceIp(
        request.socket.remoteAddress,
        request.headers['x-forwarded-for'],
        deps.trustProxy,
      )

    await app.register(rateLimit, {
      max: deps.requestsPerMinute,
      timeWindow: 60_000,
      hook: 'onRequest',
      keyGenerator: sourceIpOf,
      allowList: (_request, key) => deps.exempt(key),
    })

    // Scoped to this plugin: the kiosk API keeps Fastify's JSON parsing. Whatever the sender
    // declared, Fastify sees one type this parser takes; the declared one goes to the ingest.
    app.addHook('onRequest', (request, _reply, done) => {
      const declared = request.headers['content-type']
      ;(request as WithDeclaredType)[declaredContentType] = declared ?? null
      if (declared !== undefined) request.headers['content-type'] = 'application/octet-stream'
      done()
    })
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', (_request, payload, parsed) => {
      readRawBody(payload, parsed)
    })

    const headOf = (request: FastifyRequest) => {
      const params = request.params as Record<string, string | undefined>
      const declaredBytes = Number(request.headers['content-length'] ?? 0)
      return {
        secret: params['*'] ?? '',
        method: request.method,
        contentType: (request as WithDeclaredType)[declaredContentType] ?? null,
        sourceIp: sourceIpOf(request),
        bodyBytes: Number.isSafeInteger(declaredBytes) && declaredBytes > 0 ? declaredBytes : 0,
      }
    }

    // Before the body is read: a refused request is answered and its body never kept.
    const screen = async (request: FastifyRequest, reply: FastifyReply) => {
      const refused = await deps.ingest.screen(headOf(request))
      if (refused) {
        void reply.header('connection', 'close')
        return answer(reply, refused)
      }
      return undefined
    }

    const postback = async (request: FastifyRequest, reply: FastifyReply) => {
      const rawUrl = request.raw.url ?? ''
      const queryStart = rawUrl.indexOf('?')
      const body = isRawBody(request.body) ? request.body : null
      const result = await deps.ingest.ingest({
        ...headOf(request),
        rawQuery: queryStart === -1 ? '' : rawUrl.slice(queryStart + 1),
        body: body ? { text: body.text, bytes: body.bytes } : null,
      })
      // A body still arriving must not keep the connection (and a graceful shutdown) waiting.
      if (body?.complete === false) void reply.header('connection', 'close')
      return answer(reply, result)
    }

    const routeOptions = {
      method: ['GET', 'POST'],
      // The secret must never reach a log line, including Fastify's own request logs.
      logSerializers: { req: redactedRequest },
      preParsing: screen,
      handler: postback,
    }
    app.route({ ...routeOptions, url: `${cashnetPaths.postback}/*` })
    app.route({ ...routeOptions, url: cashnetPaths.postback })

    // A desk payment's tab: on to the console's page of that payment, which shows its progress.
    app.route({
      method: ['GET', 'POST'],
      url: `${cashnetPaths.returnToDesk}/:checkoutId`,
      handler: (request, reply) => {
        const { checkoutId } = request.params as { checkoutId: string }
        return reply
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .redirect(deps.deskPaymentUrl(checkoutId), 303)
      },
    })

    // Only tells the kiosk the patron left CashNet; never evidence of payment, so it reads nothing.
    app.route({
      method: ['GET', 'POST'],
      url: cashnetPaths.return,
      handler: (_request, reply) =>
        reply
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .type('text/html; charset=utf-8')
          .send(returnPage),
    })
  }
}
