/**
 * The sandbox Alma over HTTP (node:http on 127.0.0.1): Alma's paths, JSON and error bodies, the
 * per-second threshold answered with 429, and injectable faults. Every request is logged with its
 * start and end times so tests can prove what the client did (parallel calls, rate, no key in URLs).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { almaErrorJson, feeJson, feeListJson, userJson } from './almaJson.ts'
import { SandboxAlmaRefusal, SandboxInstitution, type SandboxPayment } from './institution.ts'
import { standardSeed, type SandboxPatron } from './seed.ts'

export interface SandboxAlmaFaults {
  /** Fraction 0..1 of requests answered with an injected error (half 429 with Alma's threshold body, half 500/503). */
  errorRate: number
  /** While true every request fails (connection answered with 503). */
  down: boolean
  /** Added to every answer. */
  latencyMs: number
  /** Fraction 0..1 of requests that hang until the client times out. */
  timeoutRate: number
}

export interface SandboxRequest {
  method: string
  path: string
  query: Record<string, string>
  /** 0 while no answer was sent: still in flight, or hung until the client gave up. */
  status: number
  /** Epoch milliseconds (sub-millisecond precision) when the request arrived. */
  startedAt: number
  /** When the answer was sent or the client went away; 0 while in flight. */
  endedAt: number
  authorization: string | null
  url: string
}

export interface SandboxAlma {
  /** Base URL, e.g. http://127.0.0.1:53123 (paths start /almaws/v1/…). */
  url: string
  apiKey: string
  /** Every pay op that Alma accepted, in order. */
  ledger(): SandboxPayment[]
  /** Every request received (incl. rejected ones). */
  requests(): SandboxRequest[]
  setFaults(faults: Partial<SandboxAlmaFaults>): void
  /** As if staff closed/waived it meanwhile. */
  closeFee(feeId: string): void
  setFeeBalance(feeId: string, balanceCents: number): void
  /** Marks a fee "API Restricted by library": paying it answers 60340. */
  setFeeRestricted(feeId: string, restricted: boolean): void
  /** The Alma primary id behind a seeded card number (tests only). */
  primaryIdForCard(cardNumber: string): string
  /** Back to the seed, empty ledger and request log, no faults. */
  reset(): void
  close(): Promise<void>
}

export interface SandboxAlmaOptions {
  /** Default 0 (random); the host is always 127.0.0.1. */
  port?: number
  /** Default 'sandbox-alma-key'. */
  apiKey?: string
  /** Per-second threshold → 429 like Alma; default 25. */
  maxRequestsPerSecond?: number
  latencyMs?: number
  /** Default: the standard seed. */
  seed?: SandboxPatron[]
  /** For deterministic fault injection: one draw per request for each non-zero rate. */
  random?: () => number
}

interface Answer {
  status: number
  body: unknown
  /** HTML instead of JSON, as a gateway in front of Alma answers. */
  html?: boolean
}

const nowMs = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

const downPage =
  '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>Service Temporarily Unavailable</h1></body></html>'
const notFoundPage =
  '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>'

export async function startSandboxAlma(options: SandboxAlmaOptions = {}): Promise<SandboxAlma> {
  const apiKey = options.apiKey ?? 'sandbox-alma-key'
  const threshold = options.maxRequestsPerSecond ?? 25
  const random = options.random ?? Math.random
  const seed = options.seed ?? standardSeed()
  const institution = new SandboxInstitution(seed, () => new Date())
  const noFaults = (): SandboxAlmaFaults => ({
    errorRate: 0,
    down: false,
    latencyMs: options.latencyMs ?? 0,
    timeoutRate: 0,
  })
  let faults = noFaults()
  let log: SandboxRequest[] = []
  /** Arrival times within the last second, for the per-second threshold. */
  let arrivals: number[] = []
  let trackingSerial = 0
  let baseUrl = ''

  const refusal = (status: number, code: string, message: string): Answer => {
    trackingSerial += 1
    return {
      status,
      body: almaErrorJson(code, message, `E01-SANDBOX-${String(trackingSerial).padStart(6, '0')}`),
    }
  }

  function authorized(request: http.IncomingMessage, query: Record<string, string>): boolean {
    const header = /^apikey\s+(\S+)$/i.exec(request.headers.authorization ?? '')
    // Alma also accepts ?apikey=; the sandbox does too, so a test can catch a client that uses it.
    return header?.[1] === apiKey || query.apikey === apiKey
  }

  /** Routes /almaws/v1/users/… to the institution; null when the path is not an Alma one. */
  function route(method: string, segments: string[], query: Record<string, string>): Answer | null {
    if (segments[0] !== 'almaws' || segments[1] !== 'v1' || segments[2] !== 'users') return null
    const [, , , userId, fees, feeId, ...rest] = segments
    if (userId === undefined || rest.length > 0) return null
    const userIdType = query.user_id_type ?? 'all_unique'

    if (fees === undefined) {
      if (method !== 'GET') return null
      const patron = institution.findUser(userId, userIdType)
      // Alma errors on expand=fees for patrons who have fees (pulibrary/bibdata#2059).
      const expand = (query.expand ?? '').split(',')
      if (expand.includes('fees') && institution.listFees(patron, 'ACTIVE').length > 0) {
        return refusal(
          400,
          '402119',
          'General Error - An error has occurred while processing the request.',
        )
      }
      return { status: 200, body: userJson(baseUrl, patron) }
    }
    if (fees !== 'fees') return null
    const patron = institution.findFeeOwner(userId, userIdType)
    if (feeId === undefined) {
      if (method !== 'GET') return null
      const listed = institution.listFees(patron, query.status ?? 'ACTIVE')
      return { status: 200, body: feeListJson(baseUrl, patron, listed) }
    }
    if (method === 'GET') {
      return { status: 200, body: feeJson(baseUrl, patron, institution.findFee(patron, feeId)) }
    }
    if (method !== 'POST') return null
    if (feeId === 'all') {
      return refusal(400, '401666', 'Parameter is not valid: the sandbox pays one fee at a time')
    }
    const fee = institution.findFee(patron, feeId)
    if (query.op !== 'pay') return refusal(400, '401666', 'Parameter is not valid: op')
    return { status: 200, body: feeJson(baseUrl, patron, institution.pay(patron, fee, query)) }
  }

  function answerFor(
    request: http.IncomingMessage,
    url: URL,
    query: Record<string, string>,
  ): Answer {
    if (!authorized(request, query)) {
      return refusal(
        401,
        'UNAUTHORIZED',
        'API-key not defined or not configured to allow this API.',
      )
    }
    let segments: string[]
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    } catch {
      return { status: 404, body: notFoundPage, html: true }
    }
    try {
      return (
        route(request.method ?? 'GET', segments, query) ?? {
          status: 404,
          body: notFoundPage,
          html: true,
        }
      )
    } catch (error) {
      if (error instanceof SandboxAlmaRefusal)
        return refusal(error.status, error.code, error.message)
      throw error
    }
  }

  /** The injected failure for this request, if any; 'hang' means never answer. */
  function injectedFault(startedAt: number): Answer | 'hang' | null {
    if (faults.down) return { status: 503, body: downPage, html: true }
    arrivals = arrivals.filter((time) => time > startedAt - 1000)
    arrivals.push(startedAt)
    if (arrivals.length > threshold) {
      return refusal(429, 'PER_SECOND_THRESHOLD', 'HTTP requests are more than allowed per second')
    }
    if (faults.errorRate > 0) {
      const draw = random()
      if (draw < faults.errorRate) {
        // Lower half: Alma's threshold answer; upper half: a server error, 500 or 503.
        if (draw < faults.errorRate / 2) {
          return refusal(
            429,
            'PER_SECOND_THRESHOLD',
            'HTTP requests are more than allowed per second',
          )
        }
        return draw < (faults.errorRate * 3) / 4
          ? refusal(
              500,
              '402119',
              'General Error - An error has occurred while processing the request.',
            )
          : { status: 503, body: downPage, html: true }
      }
    }
    if (faults.timeoutRate > 0 && random() < faults.timeoutRate) return 'hang'
    return null
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const startedAt = nowMs()
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid')
    const query = Object.fromEntries(url.searchParams)
    const entry: SandboxRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query,
      status: 0,
      startedAt,
      endedAt: 0,
      authorization: request.headers.authorization ?? null,
      url: request.url ?? '/',
    }
    log.push(entry)
    response.on('close', () => {
      entry.endedAt = nowMs()
    })
    request.resume()

    const fault = injectedFault(startedAt)
    if (fault === 'hang') return
    if (faults.latencyMs > 0) await sleep(faults.latencyMs)
    // Processed after the latency, whether or not the client still waits: a pay whose answer is
    // lost to a client timeout has still happened, as with the real Alma.
    const answer = fault ?? answerFor(request, url, query)
    if (response.destroyed) return
    entry.status = answer.status
    const text = answer.html ? String(answer.body) : JSON.stringify(answer.body)
    response.writeHead(answer.status, {
      'Content-Type': answer.html ? 'text/html; charset=utf-8' : 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    })
    response.end(text)
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'Content-Type': 'text/plain' })
        response.end(error instanceof Error ? error.message : 'sandbox error')
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  baseUrl = `http://127.0.0.1:${port}`

  return {
    url: baseUrl,
    apiKey,
    ledger: () => institution.ledger(),
    requests: () => log.map((entry) => ({ ...entry, query: { ...entry.query } })),
    setFaults(changes) {
      faults = { ...faults, ...changes }
    },
    closeFee: (feeId) => {
      institution.closeFee(feeId)
    },
    setFeeBalance: (feeId, balanceCents) => {
      institution.setFeeBalance(feeId, balanceCents)
    },
    setFeeRestricted: (feeId, restricted) => {
      institution.setFeeRestricted(feeId, restricted)
    },
    primaryIdForCard: (cardNumber) => institution.primaryIdForCard(cardNumber),
    reset() {
      institution.reset(seed)
      faults = noFaults()
      log = []
      arrivals = []
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error)
          else resolve()
        })
        // Hung and keep-alive connections would hold close() open forever.
        server.closeAllConnections()
      }),
  }
}
