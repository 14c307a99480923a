import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cashnetRoutes } from '../../../../server/http/cashnetRoutes.ts'
import { systemClock } from '../../../../server/ops/clock.ts'
import { createCheckoutNotifier } from '../../../../server/payments/notifier.ts'
import { createPostbackIngest } from '../../../../server/payments/postback/ingest.ts'
import {
  openSqliteRepository,
  type SqliteRepository,
} from '../../../../server/store/sqlite/index.ts'

const secret = 'a-long-random-postback-secret-0123456789'

describe('server/http/cashnetRoutes', () => {
  let dir: string
  let repo: SqliteRepository
  let app: FastifyInstance
  let baseUrl: string
  let logs: string

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-routes-'))
    repo = await openSqliteRepository(join(dir, 'kiosk.sqlite'))
    logs = ''
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString()
        done()
      },
    })
    app = Fastify({ logger: { level: 'info', stream } })
    const ingest = createPostbackIngest({
      repo,
      notifier: createCheckoutNotifier(),
      clock: systemClock,
      secret,
    })
    await app.register(cashnetRoutes({ ingest, trustProxy: false }))
    // The kiosk API beside it keeps Fastify's own JSON parsing.
    app.post('/api/v1/echo', (request) => request.body)
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterEach(async () => {
    await app.close()
    await repo.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('never logs the postback secret, on accepted paths or rejected ones', async () => {
    await fetch(`${baseUrl}/cashnet/postback/${secret}?result=0`, { method: 'POST' })
    await fetch(`${baseUrl}/cashnet/postback/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=0&tx=1',
    })
    await fetch(`${baseUrl}/cashnet/postback/${secret}-wrong`)
    await app.close()
    expect(logs).toContain('incoming request')
    expect(logs).toContain('/cashnet/postback/[secret]')
    expect(logs).not.toContain(secret.slice(0, 12))
  })

  it('stores the raw form body exactly as it arrived', async () => {
    const body =
      'result=0&respmessage=SUCCESS&tx=42&amount1=3.00&ref1type1=CHECKOUT_ID&ref1val1=x%20y'
    const response = await fetch(`${baseUrl}/cashnet/postback/${secret}?via=query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    })
    // Money CashNet took for a checkout nobody knows: kept for staff, answered OK.
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const [kept] = await repo.listPostbacks()
    expect(kept).toMatchObject({
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      rawBody: body,
      rawQuery: 'via=query',
      bodyBytes: body.length,
      truncated: false,
      sourceIp: '127.0.0.1',
      outcome: 'unmatched',
    })
  })

  it('records a body far beyond the limit as oversized, truncated, and still answers', async () => {
    const response = await fetch(`${baseUrl}/cashnet/postback/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `result=0&pad=${'y'.repeat(2 * 1024 * 1024)}`,
    })
    expect(response.status).toBe(413)
    // The rest of the body is not awaited: the connection closes, so shutdown never hangs on it.
    expect(response.headers.get('connection')).toBe('close')
    const [kept] = await repo.listPostbacks()
    expect(kept?.outcome).toBe('rejected_oversized')
    expect(kept?.truncated).toBe(true)
    expect(kept?.rawBody).toHaveLength(16 * 1024)
    expect(kept?.bodyBytes).toBeGreaterThan(1024 * 1024)
  })

  it('serves the return page for GET and POST without treating it as payment', async () => {
    const get = await fetch(`${baseUrl}/cashnet/return?result=0&tx=123`)
    expect(get.status).toBe(200)
    expect(get.headers.get('x-frame-options')).toBeNull()
    expect(await get.text()).toContain('Returning to the kiosk…')
    const post = await fetch(`${baseUrl}/cashnet/return`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=0&tx=123',
    })
    expect(post.status).toBe(200)
    expect(await post.text()).toContain('Returning to the kiosk…')
    expect(await repo.listPostbacks()).toEqual([])
  })

  it('leaves JSON parsing alone outside the plugin', async () => {
    const response = await fetch(`${baseUrl}/api/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    })
    expect(await response.json()).toEqual({ hello: 'world' })
  })
})
