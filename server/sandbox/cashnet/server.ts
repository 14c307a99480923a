/**
 * A CashNet-like hosted checkout on loopback: the store page lists the lines and takes a test card;
 * Pay sends CashNet's server-to-server postback (optionally delayed and duplicated) and returns the
 * browser to `signouturl` by GET or POST; Cancel returns without a postback. Faithful enough that the
 * real CashNet store replaces it by configuration alone.
 */
import { randomBytes, randomInt } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { decimalStringFromCents } from '../../../common/money.ts'
import {
  readCheckoutRequest,
  type SandboxCheckoutRequest,
  type SandboxLine,
} from './checkoutRequest.ts'
import { approvedTestCard, checkoutPage, messagePage, returnFormPage } from './pages.ts'

export interface SandboxCashnetOptions {
  /** Default 0 (random); the host is always 127.0.0.1. */
  port?: number
  /** Where postbacks go: the service's `/cashnet/postback/<secret>`. */
  postbackUrl: string
  /** The store's path segment (default KIOSKSANDBOX). */
  storeName?: string
  /** How the browser returns to `signouturl` (default GET). */
  returnMethod?: 'GET' | 'POST'
  /** Extra copies of every postback, sent after the first (default 0). */
  duplicatePostbacks?: number
  /** Delay before the postback; the browser returns without waiting for it (default 0). */
  postbackDelayMs?: number
}

export type SandboxCashnetSettings = Partial<Omit<SandboxCashnetOptions, 'port' | 'storeName'>>

export interface SandboxPostbackAttempt {
  /** HTTP status the service answered, null when no answer came. */
  status: number | null
  error: string | null
  at: string
}

export interface SandboxCashnetTransaction {
  /** `tx` for a payment, `failedtx` for a decline, null for a cancel. */
  tx: string | null
  outcome: 'paid' | 'declined' | 'cancelled'
  amountCents: number
  lines: SandboxLine[]
  references: [string, string][]
  custcode: string | null
  at: string
  /** Every postback sent for it (none for a cancel). */
  postbacks: SandboxPostbackAttempt[]
}

export interface SandboxCashnet {
  /** The store checkout URL to configure as `CASHNET_CHECKOUT_URL`. */
  storeUrl: string
  /** Scheme, host and port: what the kiosk's checkout view must allow. */
  origin: string
  setOptions(settings: SandboxCashnetSettings): void
  transactions(): SandboxCashnetTransaction[]
  /** Resolves when every postback sent so far (delayed ones included) has been answered. */
  settled(): Promise<void>
  close(): Promise<void>
}

/** The decline CashNet reports for the sandbox's declined test card. */
export const sandboxDecline = {
  result: '230',
  respmessage: 'DECLINED',
  ccerrorcode: '05',
  ccerrormessage: 'Do not honor',
} as const
/** CashNet's "customer cancelled before processing payment". */
export const sandboxCancel = {
  result: '902',
  respmessage: 'Customer cancelled before processing payment',
} as const

const declinedCardDigits = '4000000000000002'
const maxFormBytes = 64 * 1024
const sessionTtlMs = 60 * 60_000

interface Session {
  request: SandboxCheckoutRequest
  createdAt: number
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxFormBytes) {
        reject(new Error('form too large'))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
    request.on('error', reject)
  })
}

function send(
  response: http.ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  // Deliberately no X-Frame-Options or frame-ancestors: the kiosk shows this page in a frame.
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  })
  response.end(html)
}

export async function startSandboxCashnet(options: SandboxCashnetOptions): Promise<SandboxCashnet> {
  const storeName = options.storeName ?? 'KIOSKSANDBOX'
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(storeName)) throw new Error(`Bad store name: ${storeName}`)
  let settings: Required<SandboxCashnetSettings> = {
    postbackUrl: options.postbackUrl,
    returnMethod: options.returnMethod ?? 'GET',
    duplicatePostbacks: options.duplicatePostbacks ?? 0,
    postbackDelayMs: options.postbackDelayMs ?? 0,
  }
  const sessions = new Map<string, Session>()
  const history: SandboxCashnetTransaction[] = []
  const inFlight = new Set<Promise<void>>()
  /** Delayed postbacks not sent yet, with what ends their wait if the sandbox closes first. */
  const timers = new Map<NodeJS.Timeout, () => void>()
  // CashNet transaction numbers are numeric and unique; a random base keeps runs apart.
  let nextTx = randomInt(100_000_000, 900_000_000)
  const batchNo = String(randomInt(1000, 9999))

  async function postOnce(fields: [string, string][], record: SandboxCashnetTransaction) {
    const at = new Date().toISOString()
    try {
      const response = await fetch(settings.postbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        signal: AbortSignal.timeout(30_000),
      })
      await response.arrayBuffer()
      record.postbacks.push({ status: response.status, error: null, at })
    } catch (error) {
      record.postbacks.push({
        status: null,
        error: error instanceof Error ? error.message : String(error),
        at,
      })
    }
  }

  /** Every copy in sequence, the way a notifier retrying on its own schedule would. */
  async function deliver(fields: [string, string][], record: SandboxCashnetTransaction) {
    for (let copy = 0; copy <= settings.duplicatePostbacks; copy++) await postOnce(fields, record)
  }

  function track(work: Promise<void>): Promise<void> {
    inFlight.add(work)
    void work.finally(() => inFlight.delete(work))
    return work
  }

  async function postback(fields: [string, string][], record: SandboxCashnetTransaction) {
    if (settings.postbackDelayMs <= 0) {
      await track(deliver(fields, record))
      return
    }
    const delayed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        void deliver(fields, record).finally(resolve)
      }, settings.postbackDelayMs)
      timers.set(timer, resolve)
    })
    void track(delayed)
  }

  function returnToStore(
    response: http.ServerResponse,
    signoutUrl: string,
    fields: [string, string][],
  ): void {
    if (settings.returnMethod === 'POST') {
      send(response, 200, returnFormPage(signoutUrl, fields))
      return
    }
    const target = new URL(signoutUrl)
    for (const [name, value] of fields) target.searchParams.append(name, value)
    response.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' })
    response.end()
  }

  function lineFields(request: SandboxCheckoutRequest): [string, string][] {
    const fields: [string, string][] = [['itemcnt', String(request.lines.length)]]
    request.lines.forEach((line, index) => {
      const n = index + 1
      fields.push([`itemcode${n}`, line.itemCode])
      fields.push([`amount${n}`, decimalStringFromCents(line.amountCents)])
      fields.push([`desc${n}`, line.description])
    })
    return fields
  }

  async function pay(
    response: http.ServerResponse,
    session: Session,
    sessionId: string,
    card: string,
    action: string,
  ): Promise<void> {
    const digits = card.replace(/[\s-]/g, '')
    if (!/^\d{13,19}$/.test(digits)) {
      send(
        response,
        422,
        checkoutPage({
          storeName,
          action,
          request: session.request,
          card,
          error: 'Enter a card number (13 to 19 digits).',
        }),
      )
      return
    }
    sessions.delete(sessionId)
    const { request } = session
    const tx = String(nextTx++)
    const declined = digits === declinedCardDigits
    const record: SandboxCashnetTransaction = {
      tx,
      outcome: declined ? 'declined' : 'paid',
      amountCents: request.totalCents,
      lines: request.lines,
      references: request.references,
      custcode: request.custcode,
      at: new Date().toISOString(),
      postbacks: [],
    }
    history.push(record)
    const outcomeFields: [string, string][] = declined
      ? [
          ['result', sandboxDecline.result],
          ['respmessage', sandboxDecline.respmessage],
          ['ccerrorcode', sandboxDecline.ccerrorcode],
          ['ccerrormessage', sandboxDecline.ccerrormessage],
          ['failedtx', tx],
        ]
      : [
          ['result', '0'],
          ['respmessage', 'SUCCESS'],
          ['tx', tx],
        ]
    const fields: [string, string][] = [
      ...outcomeFields,
      ['batchno', batchNo],
      ['merchant', storeName],
      ['station', 'WEB'],
      ['operator', 'SANDBOX'],
      ['effdate', new Date().toISOString().slice(0, 10)],
      ['pmtcode', 'CC'],
      ...lineFields(request),
      ...request.references,
      ...(request.custcode === null ? [] : [['custcode', request.custcode] as [string, string]]),
    ]
    await postback(fields, record)
    returnToStore(response, request.signoutUrl, [...outcomeFields, ...request.references])
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid')
    const segments = url.pathname.split('/').filter(Boolean)
    if (segments[0] !== storeName) {
      send(response, 404, messagePage('Not found', 'There is no store here.'))
      return
    }

    if (segments.length === 1 && request.method === 'GET') {
      const read = readCheckoutRequest(url.searchParams)
      if (!read.ok) {
        send(response, 400, messagePage('Checkout link not valid', read.reason))
        return
      }
      const sessionId = randomBytes(12).toString('hex')
      sessions.set(sessionId, { request: read.request, createdAt: Date.now() })
      for (const [id, session] of sessions) {
        if (Date.now() - session.createdAt > sessionTtlMs) sessions.delete(id)
      }
      send(
        response,
        200,
        checkoutPage({
          storeName,
          action: `/${storeName}/session/${sessionId}`,
          request: read.request,
          card: approvedTestCard,
        }),
      )
      return
    }

    const sessionId = segments[2]
    if (segments.length === 3 && segments[1] === 'session' && sessionId) {
      if (request.method !== 'POST') {
        send(response, 405, messagePage('Not allowed', 'Use the form.'), { allow: 'POST' })
        return
      }
      const form = new URLSearchParams(await readBody(request))
      const session = sessions.get(sessionId)
      if (!session) {
        send(response, 410, messagePage('Checkout ended', 'This checkout has already ended.'))
        return
      }
      const action = `/${storeName}/session/${sessionId}`
      if (form.get('action') === 'cancel') {
        sessions.delete(sessionId)
        history.push({
          tx: null,
          outcome: 'cancelled',
          amountCents: session.request.totalCents,
          lines: session.request.lines,
          references: session.request.references,
          custcode: session.request.custcode,
          at: new Date().toISOString(),
          postbacks: [],
        })
        returnToStore(response, session.request.signoutUrl, [
          ['result', sandboxCancel.result],
          ['respmessage', sandboxCancel.respmessage],
          ...session.request.references,
        ])
        return
      }
      await pay(response, session, sessionId, form.get('card') ?? '', action)
      return
    }
    send(response, 404, messagePage('Not found', 'There is no such page.'))
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        send(
          response,
          500,
          messagePage('Error', error instanceof Error ? error.message : 'unexpected error'),
        )
      } else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  return {
    storeUrl: `${origin}/${storeName}`,
    origin,
    setOptions(partial) {
      settings = {
        postbackUrl: partial.postbackUrl ?? settings.postbackUrl,
        returnMethod: partial.returnMethod ?? settings.returnMethod,
        duplicatePostbacks: partial.duplicatePostbacks ?? settings.duplicatePostbacks,
        postbackDelayMs: partial.postbackDelayMs ?? settings.postbackDelayMs,
      }
    },
    transactions: () =>
      history.map((record) => ({ ...record, postbacks: record.postbacks.map((p) => ({ ...p })) })),
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight])
    },
    async close() {
      for (const [timer, abandon] of timers) {
        clearTimeout(timer)
        abandon()
      }
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
    },
  }
}
