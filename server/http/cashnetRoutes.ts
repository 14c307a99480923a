/**
 * CashNet's two public doors: the server-to-server postback (`/cashnet/postback/<secret>`) and the
 * browser's return page (`/cashnet/return`). Bodies are read raw by a parser scoped to this plugin, so
 * the postback ingest can store exactly what arrived, including oversized and malformed bodies.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import { redactUrl } from '../ops/redact.ts'
import { postbackBodyLimitBytes, type PostbackIngest } from '../payments/postback/ingest.ts'
import { resolveSourceIp } from '../payments/postback/verify.ts'

export interface CashnetRouteDeps {
  ingest: PostbackIngest
  /** Believe the last `X-Forwarded-For` hop (set when a reverse proxy fronts the service). */
  trustProxy: boolean
}

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

export function cashnetRoutes(deps: CashnetRouteDeps) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    // Scoped to this plugin: the kiosk API keeps Fastify's JSON parsing.
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', (_request, payload, parsed) => {
      readRawBody(payload, parsed)
    })

    const postback = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as Record<string, string | undefined>
      const rawUrl = request.raw.url ?? ''
      const queryStart = rawUrl.indexOf('?')
      const body = isRawBody(request.body) ? request.body : null
      const answer = await deps.ingest.ingest({
        secret: params['*'] ?? '',
        method: request.method,
        contentType: request.headers['content-type'] ?? null,
        sourceIp: resolveSourceIp(
          request.socket.remoteAddress,
          request.headers['x-forwarded-for'],
          deps.trustProxy,
        ),
        rawQuery: queryStart === -1 ? '' : rawUrl.slice(queryStart + 1),
        body: body ? { text: body.text, bytes: body.bytes } : null,
      })
      // A body still arriving must not keep the connection (and a graceful shutdown) waiting.
      if (body?.complete === false) void reply.header('connection', 'close')
      return reply
        .code(answer.statusCode)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(answer.statusCode === 200 ? 'OK' : answer.outcome.toUpperCase())
    }

    const routeOptions = {
      method: ['GET', 'POST'],
      // The secret must never reach a log line, including Fastify's own request logs.
      logSerializers: { req: redactedRequest },
      handler: postback,
    }
    app.route({ ...routeOptions, url: '/cashnet/postback/*' })
    app.route({ ...routeOptions, url: '/cashnet/postback' })

    // Only tells the kiosk the patron left CashNet; never evidence of payment, so it reads nothing.
    app.route({
      method: ['GET', 'POST'],
      url: '/cashnet/return',
      handler: (_request, reply) =>
        reply
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .type('text/html; charset=utf-8')
          .send(returnPage),
    })
    done()
  }
}
