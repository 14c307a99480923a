import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createKioskApi } from '../../../renderer/src/api/kioskApi.ts'
import { KioskApiError } from '../../../renderer/src/api/kioskApiError.ts'
import { lookupFixture, settingsFixture } from '../support/fixtures.ts'

/** A real HTTP server on loopback answering what each test routes. */
type Route = (request: IncomingMessage, body: string, response: ServerResponse) => void
const routes = new Map<string, Route>()
const seen: { method: string; url: string; body: string; headers: IncomingMessage['headers'] }[] =
  []
let server: Server
let baseUrl: string

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        body,
        headers: request.headers,
      })
      const path = (request.url ?? '').split('?')[0] ?? ''
      const route = routes.get(`${request.method ?? ''} ${path}`)
      if (route) route(request, body, response)
      else json(response, 404, { error: { code: 'not_found', message: 'no route' } })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function api(requestTimeoutMs = 2000) {
  return createKioskApi({ baseUrl, requestTimeoutMs })
}

async function failure(promise: Promise<unknown>): Promise<KioskApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof KioskApiError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describe('renderer/api/kioskApi', () => {
  it('posts only the card id to the lookup and validates the answer', async () => {
    routes.set('POST /api/v1/lookups', (_request, _body, response) => {
      json(response, 200, lookupFixture())
    })
    const result = await api().lookup('2000000001')
    expect(result.patron.displayName).toBe('Jane Quincy Doe')
    const request = seen.at(-1)
    expect(JSON.parse(request?.body ?? '')).toEqual({ cardNumber: '2000000001' })
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers.authorization).toBeUndefined()
  })

  it('reads the kiosk settings with their card reader defaults', async () => {
    const { cardReader: _defaults, ...settings } = settingsFixture()
    routes.set('GET /api/v1/kiosk-settings', (_request, _body, response) => {
      json(response, 200, { ...settings, cardReader: {} })
    })
    const result = await api().getKioskSettings()
    expect(result.cardReader.suffix).toBe('Enter')
    expect(result.cardReader.maxKeyGapMs).toBe(50)
  })

  it('turns API errors into rejected errors with their code and reason', async () => {
    routes.set('POST /api/v1/lookups', (_request, _body, response) => {
      json(response, 403, {
        error: { code: 'blocked', message: 'Blocked', reason: 'Overdue items' },
      })
    })
    const error = await failure(api().lookup('2000000005'))
    expect([error.kind, error.code, error.reason, error.status]).toEqual([
      'rejected',
      'blocked',
      'Overdue items',
      403,
    ])
  })

  it('treats a 5xx without an API error body as the service being unavailable', async () => {
    routes.set('GET /api/v1/kiosk-settings', (_request, _body, response) => {
      response.writeHead(502).end('Bad gateway')
    })
    expect((await failure(api().getKioskSettings())).kind).toBe('unavailable')
  })

  it('rejects answers that do not match the contract', async () => {
    routes.set('POST /api/v1/lookups', (_request, _body, response) => {
      json(response, 200, { lookupId: 'x', fees: 'none' })
    })
    expect((await failure(api().lookup('2000000001'))).kind).toBe('invalid_response')
  })

  it('reports a dropped connection as unavailable', async () => {
    routes.set('POST /api/v1/lookups', (request) => {
      request.socket.destroy()
    })
    expect((await failure(api().lookup('2000000001'))).kind).toBe('unavailable')
  })

  it('gives up on a service that does not answer in time', async () => {
    routes.set('GET /api/v1/kiosk-settings', () => {
      // Never answers.
    })
    expect((await failure(api(200).getKioskSettings())).kind).toBe('unavailable')
  })

  it('long-polls a checkout with wait and the known status', async () => {
    routes.set('GET /api/v1/checkouts/c_1', (_request, _body, response) => {
      json(response, 200, {
        checkoutId: 'c_1',
        status: 'paid',
        amountCents: 100,
        lines: [],
        expiresAt: '2026-03-02T10:20:00.000Z',
      })
    })
    const state = await api().getCheckout('c_1', { waitSeconds: 20, knownStatus: 'pending' })
    expect(state.status).toBe('paid')
    expect(seen.at(-1)?.url).toBe('/api/v1/checkouts/c_1?wait=20&status=pending')
  })

  it('stops a long-poll when the session ends', async () => {
    routes.set('GET /api/v1/checkouts/c_2', () => {
      // Holds the long-poll open.
    })
    const session = new AbortController()
    const pending = api().getCheckout('c_2', { waitSeconds: 20, signal: session.signal })
    // End the session once the long-poll is really open on the server.
    await vi.waitFor(() => {
      expect(seen.some((request) => request.url.startsWith('/api/v1/checkouts/c_2'))).toBe(true)
    })
    session.abort()
    expect((await failure(pending)).kind).toBe('aborted')
  })

  it('creates and cancels checkouts', async () => {
    routes.set('POST /api/v1/checkouts', (_request, body, response) => {
      const request = JSON.parse(body) as { amountCents: number }
      json(response, 201, {
        checkoutId: 'c_3',
        checkoutUrl: 'http://127.0.0.1:9/pay',
        amountCents: request.amountCents,
        lines: [{ feeId: '1001', amountCents: request.amountCents }],
        expiresAt: '2099-01-01T00:00:00Z',
      })
    })
    routes.set('POST /api/v1/checkouts/c_3/cancel', (_request, _body, response) => {
      json(response, 200, {
        checkoutId: 'c_3',
        status: 'cancelled',
        amountCents: 500,
        lines: [],
        expiresAt: '2026-03-02T10:20:00.000Z',
      })
    })
    const created = await api().createCheckout({
      lookupId: 'lk',
      feeIds: ['1001'],
      amountCents: 500,
    })
    expect(created.amountCents).toBe(500)
    expect((await api().cancelCheckout('c_3')).status).toBe('cancelled')
  })

  it('asks for the receipt by email in the patron language and reads the masked address', async () => {
    routes.set('POST /api/v1/checkouts/c_4/email-receipt', (_request, _body, response) => {
      json(response, 202, { sentTo: 'j•••@example.edu' })
    })
    routes.set('POST /api/v1/checkouts/c_5/email-receipt', (_request, _body, response) => {
      json(response, 409, { error: { code: 'no_email', message: 'No email' } })
    })
    expect(await api().emailReceipt('c_4', 'es')).toEqual({ sentTo: 'j•••@example.edu' })
    const sent = seen.filter((request) => request.url.endsWith('/email-receipt'))
    expect(sent.map(({ method, body }) => ({ method, body: JSON.parse(body) as unknown }))).toEqual(
      [{ method: 'POST', body: { language: 'es' } }],
    )
    const error = await failure(api().emailReceipt('c_5', 'en'))
    expect([error.kind, error.code, error.status]).toEqual(['rejected', 'no_email', 409])
  })
})
