/**
 * A CashNet-like hosted checkout on loopback, the routing part: the store page lists the lines and
 * takes a test card; Pay charges it (`payment.ts`), hands the postback to the delivery
 * (`postbackDelivery.ts`: delays, duplicates, holds) and returns the browser to `signouturl` by GET
 * or POST; Cancel returns without a postback. Faithful enough that the real CashNet store replaces it
 * by configuration alone.
 */
import { randomBytes, randomInt } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FormFields } from '../../../common/cashnet.ts'
import type { SandboxGate } from '../gate.ts'
import { readCheckoutRequest, type SandboxCheckoutRequest } from './checkoutRequest.ts'
import { approvedTestCard, checkoutPage, messagePage, returnFormPage } from './pages.ts'
import {
  cancelCheckout,
  cardDigits,
  chargeCard,
  type SandboxCashnetTransaction,
} from './payment.ts'
import { PostbackDelivery, type PostbackDeliverySettings } from './postbackDelivery.ts'

export interface SandboxCashnetOptions extends Partial<PostbackDeliverySettings> {
  /** Default 0 (random); the host is always 127.0.0.1. */
  port?: number
  /** Where postbacks go: the service's `/cashnet/postback/<secret>`. */
  postbackUrl: string
  /** The store's path segment (default KIOSKSANDBOX). */
  storeName?: string
  /** How the browser returns to `signouturl` (default GET). */
  returnMethod?: 'GET' | 'POST'
}

export type SandboxCashnetSettings = Partial<Omit<SandboxCashnetOptions, 'port' | 'storeName'>>

export interface SandboxCashnet {
  /** The store checkout URL to configure as `CASHNET_CHECKOUT_URL`. */
  storeUrl: string
  /** Scheme, host and port: what the kiosk's checkout view must allow. */
  origin: string
  setOptions(settings: SandboxCashnetSettings): void
  transactions(): SandboxCashnetTransaction[]
  /** Resolves when every postback sent so far (delayed ones included) has been answered. */
  settled(): Promise<void>
  /**
   * Holds every postback that falls due from now on (the browser still goes back at once) until the
   * gate is released, which sends them, duplicates included, and resolves when they were answered.
   * One hold at a time; `settled()` does not wait for held postbacks.
   */
  holdPostbacks(): SandboxGate
  /**
   * Drops held and delayed postbacks (recorded as dropped, never sent), ends the hold and restores
   * the options given at start. Transactions are kept.
   */
  reset(): void
  close(): Promise<void>
}

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
  const initial: Required<SandboxCashnetSettings> = {
    postbackUrl: options.postbackUrl,
    returnMethod: options.returnMethod ?? 'GET',
    duplicatePostbacks: options.duplicatePostbacks ?? 0,
    postbackDelayMs: options.postbackDelayMs ?? 0,
  }
  let settings = initial
  const delivery = new PostbackDelivery(() => settings)
  const sessions = new Map<string, Session>()
  const history: SandboxCashnetTransaction[] = []
  // CashNet transaction numbers are numeric and unique; a random base keeps runs apart.
  let nextTx = randomInt(100_000_000, 900_000_000)
  const batchNo = String(randomInt(1000, 9999))

  function returnToStore(
    response: http.ServerResponse,
    signoutUrl: string,
    fields: FormFields,
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

  async function pay(
    response: http.ServerResponse,
    session: Session,
    sessionId: string,
    card: string,
  ): Promise<void> {
    const digits = cardDigits(card)
    if (digits === null) {
      send(
        response,
        422,
        checkoutPage({
          storeName,
          action: `/${storeName}/session/${sessionId}`,
          request: session.request,
          card,
          error: 'Enter a card number (13 to 19 digits).',
        }),
      )
      return
    }
    sessions.delete(sessionId)
    const charge = chargeCard({
      request: session.request,
      digits,
      tx: String(nextTx++),
      batchNo,
      storeName,
      now: new Date(),
    })
    history.push(charge.transaction)
    await delivery.dispatch(charge.postback, charge.transaction.postbacks)
    returnToStore(response, session.request.signoutUrl, charge.returnTo)
  }

  function openCheckout(response: http.ServerResponse, search: URLSearchParams): void {
    const read = readCheckoutRequest(search)
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
  }

  async function submitCheckout(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    sessionId: string,
  ): Promise<void> {
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
    if (form.get('action') === 'cancel') {
      sessions.delete(sessionId)
      const cancel = cancelCheckout(session.request, new Date())
      history.push(cancel.transaction)
      returnToStore(response, session.request.signoutUrl, cancel.returnTo)
      return
    }
    await pay(response, session, sessionId, form.get('card') ?? '')
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid')
    const segments = url.pathname.split('/').filter(Boolean)
    if (segments[0] !== storeName) {
      send(response, 404, messagePage('Not found', 'There is no store here.'))
      return
    }
    if (segments.length === 1 && request.method === 'GET') {
      openCheckout(response, url.searchParams)
      return
    }
    const sessionId = segments[2]
    if (segments.length === 3 && segments[1] === 'session' && sessionId) {
      await submitCheckout(request, response, sessionId)
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
    settled: () => delivery.settled(),
    holdPostbacks: () => delivery.hold(),
    reset() {
      delivery.drop()
      settings = initial
    },
    async close() {
      delivery.drop()
      server.closeAllConnections()
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
    },
  }
}
