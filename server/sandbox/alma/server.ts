/**
 * The sandbox Alma over HTTP (node:http on 127.0.0.1): each request is logged with its kind and its
 * start and end times (so tests can prove what the client did: parallel calls, rate, no key in
 * URLs), goes through the injected faults and any gate holding its kind, then gets Alma's answer.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SandboxGateError, SandboxHold, type SandboxGate } from '../gate.ts'
import { almaAnswer, createRefusals, isAuthorized, type AlmaCall, type Answer } from './answers.ts'
import {
  callKindOf,
  countCalls,
  sandboxAlmaCallKinds,
  type SandboxAlmaCallCounts,
  type SandboxAlmaCallKind,
} from './callKinds.ts'
import {
  noFaults,
  SandboxAlmaFaultInjector,
  type SandboxAlmaFaultChanges,
  type SandboxPayFailurePlan,
} from './faults.ts'
import { SandboxInstitution, type SandboxPayment } from './institution.ts'
import { standardSeed, type SandboxPatron } from './seed.ts'

interface SandboxRequest {
  method: string
  path: string
  query: Record<string, string>
  kind: SandboxAlmaCallKind
  /** 0 while no answer was sent: still in flight, held, or hung until the client gave up. */
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
  /**
   * Requests that reached Alma since the last reset, by kind: refused ones count (wrong key, Alma
   * errors, 429s from the threshold or injected, planned failures, hangs), since each is a call the
   * client spent.
   */
  callCounts(): SandboxAlmaCallCounts
  setFaults(faults: SandboxAlmaFaultChanges): void
  /** The next `count` pay calls fail as planned, with or without the pay applied first. */
  failPays(plan: SandboxPayFailurePlan): void
  /**
   * Holds every call of `kind` that arrives from now on, unprocessed (a pay is not applied), until
   * the gate is released; each is then processed and answered, whether or not its client still waits.
   * One hold per kind at a time.
   */
  hold(kind: SandboxAlmaCallKind): SandboxGate
  /** As if staff closed/waived it meanwhile. */
  closeFee(feeId: string): void
  setFeeBalance(feeId: string, balanceCents: number): void
  /** Marks a fee "API Restricted by library": paying it answers 60340. */
  setFeeRestricted(feeId: string, restricted: boolean): void
  /** The Alma primary id behind a seeded card number (tests only). */
  primaryIdForCard(cardNumber: string): string
  /**
   * Back to the seed, empty ledger and request log, no faults or planned failures; held calls are
   * dropped (their connections closed, never processed).
   */
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

const nowMs = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

function send(response: http.ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, {
    'Content-Type':
      answer.format === 'html' ? 'text/html; charset=utf-8' : 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(answer.text),
  })
  response.end(answer.text)
}

export async function startSandboxAlma(options: SandboxAlmaOptions = {}): Promise<SandboxAlma> {
  const apiKey = options.apiKey ?? 'sandbox-alma-key'
  const seed = options.seed ?? standardSeed()
  const institution = new SandboxInstitution(seed, () => new Date())
  const refusal = createRefusals()
  const faults = new SandboxAlmaFaultInjector({
    defaults: () => noFaults(options.latencyMs ?? 0),
    threshold: options.maxRequestsPerSecond ?? 25,
    random: options.random ?? Math.random,
    refusal,
  })
  const holds = new Map<SandboxAlmaCallKind, SandboxHold>()
  let log: SandboxRequest[] = []
  let baseUrl = ''
  const api = { institution, apiKey, baseUrl: () => baseUrl, refusal }

  /** Alma's own answer, or the planned failure's (after applying the pay when the plan says so). */
  function answerFor(call: AlmaCall, kind: SandboxAlmaCallKind): Answer | 'hang' {
    const planned = kind === 'payFee' && isAuthorized(call, apiKey) ? faults.takePayFailure() : null
    if (!planned) return almaAnswer(api, call)
    // Unapplied, the basis is the fee as it stands: the same path read with GET changes nothing.
    const basis = planned.applied
      ? almaAnswer(api, call)
      : almaAnswer(api, { ...call, method: 'GET' })
    return faults.payFailureAnswer(planned.answer, basis)
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const startedAt = nowMs()
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid')
    const call: AlmaCall = {
      method: request.method ?? 'GET',
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
    }
    const kind = callKindOf(call.method, call.pathname, call.query)
    const entry: SandboxRequest = {
      method: call.method,
      path: call.pathname,
      query: call.query,
      kind,
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

    const fault = faults.atArrival(startedAt)
    if (fault === 'hang') return
    const hold = holds.get(kind)
    if (hold?.active) {
      const passage = hold.enter()
      try {
        if (!(await passage.released)) {
          response.destroy()
          return
        }
        await respond(call, kind, fault, response, entry)
      } finally {
        passage.finish()
      }
      return
    }
    await respond(call, kind, fault, response, entry)
  }

  async function respond(
    call: AlmaCall,
    kind: SandboxAlmaCallKind,
    fault: Answer | null,
    response: http.ServerResponse,
    entry: SandboxRequest,
  ) {
    const delay = faults.delayMs(kind)
    if (delay > 0) await sleep(delay)
    // Processed after the delay, whether or not the client still waits: a pay whose answer is lost
    // to a client timeout has still happened, as with the real Alma.
    const answer = fault ?? answerFor(call, kind)
    if (answer === 'hang' || response.destroyed) return
    entry.status = answer.status
    send(response, answer)
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

  const dropHolds = () => {
    for (const hold of holds.values()) hold.drop()
    holds.clear()
  }

  return {
    url: baseUrl,
    apiKey,
    ledger: () => institution.ledger(),
    requests: () => log.map((entry) => ({ ...entry, query: { ...entry.query } })),
    callCounts: () => countCalls(log.map((entry) => entry.kind)),
    setFaults(changes) {
      faults.set(changes)
    },
    failPays(plan) {
      faults.failPays(plan)
    },
    hold(kind) {
      if (!sandboxAlmaCallKinds.includes(kind)) throw new RangeError(`Unknown call kind: ${kind}`)
      if (holds.get(kind)?.active) {
        throw new SandboxGateError('gate_busy', `Alma ${kind} calls are already held`)
      }
      const hold = new SandboxHold(`Alma ${kind} call`)
      holds.set(kind, hold)
      return hold.gate()
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
      dropHolds()
      institution.reset(seed)
      faults.reset()
      log = []
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        dropHolds()
        server.close((error) => {
          if (error) reject(error)
          else resolve()
        })
        // Hung and keep-alive connections would hold close() open forever.
        server.closeAllConnections()
      }),
  }
}
