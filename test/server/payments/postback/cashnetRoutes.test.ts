import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cashnetDeskReturnPath } from '../../../../common/cashnet.ts'
import { cashnetRoutes } from '../../../../server/http/cashnetRoutes.ts'
import { systemClock } from '../../../../server/ops/clock.ts'
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

  let dbPath: string

  /** The routes over a fresh store; the suite's default is generous, some tests tighten it. */
  async function start(options: { perMinute?: number; allowed?: string[]; kept?: number } = {}) {
    await app.close()
    await repo.close()
    repo = await openSqliteRepository(dbPath)
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
      clock: systemClock,
      institutionFor: (presented) =>
        presented === secret ? { code: 'test', allowedIps: options.allowed ?? [] } : null,
      ...(options.kept ? { refusedRequestsKept: options.kept } : {}),
    })
    await app.register(
      cashnetRoutes({
        ingest,
        trustProxy: false,
        requestsPerMinute: options.perMinute ?? 1_000,
        exempt: (ip) => (options.allowed ?? []).includes(ip),
        deskPaymentUrl: (checkoutId) =>
          `https://service.example/staff/payments/${encodeURIComponent(checkoutId)}`,
      }),
    )
    // The kiosk API beside it keeps Fastify's own JSON parsing.
    app.post('/api/v1/echo', (request) => request.body)
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-routes-'))
    dbPath = join(dir, 'kiosk.sqlite')
    repo = await openSqliteRepository(dbPath)
    app = Fastify()
    await start()
  })
  afterEach(async () => {
    await app.close()
    await repo.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** The database file's size once the write-ahead log is folded in (the log itself is reused). */
  const durableSize = () => {
    const db = new DatabaseSync(dbPath)
    try {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    } finally {
      db.close()
    }
    return statSync(dbPath).size
  }

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

  it("sends a desk payment's tab back to the console's page of that payment, GET or POST", async () => {
    for (const method of ['GET', 'POST']) {
      const answer = await fetch(`${baseUrl}${cashnetDeskReturnPath('c 1/2')}?result=0`, {
        method,
        redirect: 'manual',
        ...(method === 'POST'
          ? {
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: 'result=0&tx=1',
            }
          : {}),
      })
      expect(answer.status).toBe(303)
      expect(answer.headers.get('location')).toBe(
        'https://service.example/staff/payments/c%201%2F2',
      )
    }
    expect(await repo.listPostbacks()).toEqual([])
  })

  it('reads a form body whatever the case or parameters of its Content-Type', async () => {
    const types = [
      'application/x-www-form-urlencoded',
      'APPLICATION/X-WWW-FORM-URLENCODED; Charset=UTF-8',
      'application/x-www-form-urlencoded ; charset="utf-8"',
      'application/x-www-form-urlencoded; charset',
    ]
    for (const [index, type] of types.entries()) {
      const response = await fetch(`${baseUrl}/cashnet/postback/${secret}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: `result=0&tx=${100 + index}&amount=1.00&ref1type1=CHECKOUT_ID&ref1val1=unknown`,
      })
      expect({ type, status: response.status }).toEqual({ type, status: 200 })
    }
    const kept = await repo.listPostbacks()
    expect(kept.map((postback) => [postback.contentType, postback.outcome])).toEqual(
      types.map((type) => [type, 'unmatched']),
    )
  })

  it('answers a body that is not a form 400 with a small record, never a silent 415', async () => {
    for (const type of ['application/json', ';;;', 'text/plain']) {
      const response = await fetch(`${baseUrl}/cashnet/postback/${secret}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ result: '0', tx: '77' }),
      })
      expect({ type, status: response.status }).toEqual({ type, status: 400 })
    }
    expect(await repo.listPostbacks()).toEqual([])
    const bytes = JSON.stringify({ result: '0', tx: '77' }).length
    const refused = await repo.listRefusedRequests()
    expect(refused.map((r) => [r.reason, r.contentType, r.bodyBytes])).toEqual([
      ['not_a_form', 'text/plain', bytes],
      ['not_a_form', ';;;', bytes],
      ['not_a_form', 'application/json', bytes],
    ])
  })

  it('keeps only a small, capped record of wrong-secret requests, and the rest of the service answers', async () => {
    await start({ kept: 50 })
    const sizeBefore = durableSize()
    const padding = `result=0&tx=1&pad=${'z'.repeat(15 * 1024)}`
    const answers: number[] = []
    for (let round = 0; round < 30; round++) {
      const batch = Array.from({ length: 10 }, (_, i) =>
        fetch(`${baseUrl}/cashnet/postback/not-the-secret-${round}-${i}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: padding,
        }).then((response) => response.status),
      )
      answers.push(...(await Promise.all(batch)))
    }
    expect(answers).toEqual(Array(300).fill(403))
    // The rest of the service is not slowed or refused meanwhile.
    const echo = await fetch(`${baseUrl}/api/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"still":"here"}',
    })
    expect(await echo.json()).toEqual({ still: 'here' })

    expect(await repo.listPostbacks()).toEqual([])
    const refused = await repo.listRefusedRequests()
    expect(refused).toHaveLength(50)
    expect(
      refused.every((r) => r.reason === 'wrong_secret' && r.bodyBytes === padding.length),
    ).toBe(true)
    // 300 × 15 KB (4.5 MB) arrived; the database file grew by a few pages at most.
    expect(durableSize() - sizeBefore).toBeLessThan(64 * 1024)
  })

  it('rate-limits /cashnet/ per source address, except CashNet’s own allowlisted ones', async () => {
    await start({ perMinute: 5 })
    const statuses = async (count: number) => {
      const got: number[] = []
      for (let i = 0; i < count; i++) {
        got.push((await fetch(`${baseUrl}/cashnet/postback/wrong-${i}`, { method: 'POST' })).status)
      }
      return got
    }
    expect(await statuses(7)).toEqual([403, 403, 403, 403, 403, 429, 429])
    expect((await fetch(`${baseUrl}/cashnet/return`)).status).toBe(429)
    // Only what got past the limit left a record.
    expect(await repo.listRefusedRequests()).toHaveLength(5)

    await start({ perMinute: 5, allowed: ['127.0.0.1'] })
    expect(await statuses(7)).toEqual(Array(7).fill(403))
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
