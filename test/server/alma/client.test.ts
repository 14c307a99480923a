import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAlmaClient, type AlmaClientOptions } from '../../../server/alma/client.ts'
import { AlmaError, type AlmaErrorKind } from '../../../server/alma/errors.ts'
import type { AlmaPort } from '../../../server/alma/port.ts'
import {
  sandboxCards,
  standardSeed,
  startSandboxAlma,
  type SandboxAlma,
} from '../../../server/sandbox/alma/index.ts'

/** Random numbers for the sandbox's fault draws, in order; 0.99 (no fault) once they run out. */
function scripted() {
  const values: number[] = []
  return {
    random: () => values.shift() ?? 0.99,
    push: (...next: number[]) => values.push(...next),
    clear: () => values.splice(0),
  }
}

async function failure(promise: Promise<unknown>): Promise<AlmaError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AlmaError) return error
    throw error
  }
  throw new Error('expected an AlmaError, but the call succeeded')
}

describe('server/alma/client', () => {
  const draws = scripted()
  let sandbox: SandboxAlma
  const sleeps: number[] = []
  const calls: [string, number | 'error'][] = []

  const client = (overrides: Partial<AlmaClientOptions> = {}): AlmaPort =>
    createAlmaClient({
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      maxRequestsPerSecond: 100,
      timeoutMs: 2_000,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 },
      random: () => 0.5,
      // Backoff delays are recorded, not waited for: the schedule is asserted, the test stays fast.
      sleep: (ms) => {
        sleeps.push(ms)
        return Promise.resolve()
      },
      onCall: (operation, status) => calls.push([operation, status]),
      ...overrides,
    })

  beforeAll(async () => {
    sandbox = await startSandboxAlma({ random: draws.random, maxRequestsPerSecond: 1_000 })
  })
  afterEach(() => {
    sandbox.reset()
    draws.clear()
    sleeps.length = 0
    calls.length = 0
  })
  afterAll(async () => {
    await sandbox.close()
  })

  describe('reads', () => {
    it('gets a user by card number with the configured identifier type, never expand=fees', async () => {
      const user = await client().getUser(sandboxCards.severalFees, 'BARCODE')
      expect(user).toEqual({
        primaryId: 'mgarcia01',
        firstName: 'María',
        lastName: 'García',
        preferredFirstName: '',
        preferredLastName: '',
        preferredEmail: 'mgarcia01@example.edu',
        status: 'ACTIVE',
        accountType: 'INTERNAL',
        expiryDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
        blocks: [],
      })
      const [request] = sandbox.requests()
      expect(request?.path).toBe(`/almaws/v1/users/${sandboxCards.severalFees}`)
      expect(request?.query).toEqual({ user_id_type: 'BARCODE' })
    })

    it('reads the preferred names a patron set in Alma', async () => {
      const user = await client().getUser(sandboxCards.expired, 'BARCODE')
      expect([user.firstName, user.preferredFirstName, user.preferredLastName]).toEqual([
        'Robert',
        'Rob',
        '',
      ])
    })

    it('lists active fees in integer cents from Alma floats', async () => {
      const list = await client().listActiveFees(sandboxCards.severalFees, 'BARCODE')
      expect(list.currency).toBe('USD')
      expect(list.totalSumCents).toBe(4275)
      expect(
        list.fees.map((fee) => [fee.typeCode, fee.balanceCents, fee.title, fee.ownerCode]),
      ).toEqual([
        ['OVERDUEFINE', 1250, 'The social life of language / Gillian Sankoff.', 'MAIN'],
        ['LOSTITEMREPLACEMENTFEE', 2500, 'Pride and prejudice / Jane Austen.', 'MAIN'],
        ['LOSTITEMPROCESSFEE', 525, null, 'MAIN'],
      ])
      expect(sandbox.requests()[0]?.query).toEqual({ user_id_type: 'BARCODE', status: 'ACTIVE' })
    })

    it('reads a list without fees, a fee without a type and earlier transactions', async () => {
      const none = await client().listActiveFees(sandboxCards.noFees, 'BARCODE')
      expect(none).toEqual({ fees: [], totalSumCents: 0, currency: 'USD' })

      const many = await client().listActiveFees(sandboxCards.manyFees, 'BARCODE')
      const untyped = many.fees.find((fee) => fee.typeCode === '')
      expect(untyped?.typeDescription).toBe('')
      const partlyPaid = many.fees.find((fee) => fee.transactions.length > 0)
      expect(partlyPaid).toMatchObject({
        balanceCents: 450,
        originalAmountCents: 700,
        transactions: [{ type: 'PAYMENT', amountCents: 250, externalTransactionId: null }],
      })
    })

    it('reads active blocks and leaves inactive ones out', async () => {
      const seed = standardSeed()
      const blocked = seed.find((patron) => patron.blocks.length > 0)
      blocked?.blocks.push({
        type: { value: 'GENERAL', desc: 'General' },
        description: { value: 'LOST', desc: 'Lost items' },
        status: 'INACTIVE',
        expiryDate: '2020-01-01',
        note: null,
      })
      const own = await startSandboxAlma({ seed })
      try {
        const user = await createAlmaClient({
          baseUrl: own.url,
          apiKey: own.apiKey,
          maxRequestsPerSecond: 25,
          timeoutMs: 2_000,
          retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
        }).getUser(sandboxCards.blocked, 'all_unique')
        expect(user.blocks).toEqual([
          { code: 'OVERDUE', description: 'Blocked: overdue items', expiresAt: null },
        ])
      } finally {
        await own.close()
      }
    })

    it('URL-encodes identifiers and refuses dot-only ones without calling Alma', async () => {
      const error = await failure(client().getUser('a/b?c#d', 'all_unique'))
      expect(error.kind).toBe('not_found')
      expect(sandbox.requests()[0]?.url).toBe(
        '/almaws/v1/users/a%2Fb%3Fc%23d?user_id_type=all_unique',
      )

      expect((await failure(client().getUser('..', 'all_unique'))).kind).toBe('rejected')
      expect(sandbox.requests()).toHaveLength(1)
    })
  })

  describe('paying', () => {
    it('posts op=pay with the parameters in the query string and returns the updated fee', async () => {
      const primaryId = sandbox.primaryIdForCard(sandboxCards.oneFee)
      const [fee] = (await client().listActiveFees(sandboxCards.oneFee, 'BARCODE')).fees
      if (!fee) throw new Error('the seed has one fee')

      const paid = await client().payFee(primaryId, fee.id, {
        amountCents: 125,
        method: 'ONLINE',
        externalTransactionId: 'CN-1001',
        comment: 'Kiosk 3',
      })
      expect(paid.balanceCents).toBe(175)
      expect(paid.transactions).toEqual([
        { type: 'PAYMENT', amountCents: 125, externalTransactionId: 'CN-1001' },
      ])
      const post = sandbox.requests().find((request) => request.method === 'POST')
      expect(post?.query).toEqual({
        op: 'pay',
        amount: '1.25',
        method: 'ONLINE',
        external_transaction_id: 'CN-1001',
        comment: 'Kiosk 3',
      })
      expect(sandbox.ledger()).toEqual([
        expect.objectContaining({
          feeId: fee.id,
          amountCents: 125,
          externalTransactionId: 'CN-1001',
        }),
      ])
      const reread = await client().getFee(primaryId, fee.id)
      expect(reread.transactions.map((t) => t.externalTransactionId)).toEqual(['CN-1001'])
    })
    it('sends the pay POST with an empty body and no content type', async () => {
      const seen: { headers: http.IncomingHttpHeaders; body: string }[] = []
      const server = http.createServer((request, response) => {
        let body = ''
        request.on('data', (chunk: Buffer) => (body += chunk.toString()))
        request.on('end', () => {
          seen.push({ headers: request.headers, body })
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(
            JSON.stringify({
              id: '7',
              status: { value: 'CLOSED' },
              balance: 0,
              creation_time: '2026-01-01T00:00:00Z',
            }),
          )
        })
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      try {
        const { port } = server.address() as AddressInfo
        const fee = await client({ baseUrl: `http://127.0.0.1:${port}` }).payFee('u', '7', {
          amountCents: 500,
          method: 'ONLINE',
          externalTransactionId: 'T',
        })
        expect(fee.status).toBe('CLOSED')
        expect(seen).toHaveLength(1)
        expect(seen[0]?.body).toBe('')
        expect(seen[0]?.headers['content-length']).toBe('0')
        expect(seen[0]?.headers['content-type']).toBeUndefined()
        expect(seen[0]?.headers.accept).toBe('application/json')
      } finally {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      }
    })
  })

  describe('error kinds from real sandbox answers', () => {
    const kindOf = async (
      promise: Promise<unknown>,
    ): Promise<[AlmaErrorKind, readonly string[]]> => {
      const error = await failure(promise)
      return [error.kind, error.codes]
    }

    it('maps unknown users and fees to not_found', async () => {
      const alma = client()
      expect(await kindOf(alma.getUser(sandboxCards.notFound, 'BARCODE'))).toEqual([
        'not_found',
        ['401890'],
      ])
      expect(await kindOf(alma.getUser(sandboxCards.notFound, 'all_unique'))).toEqual([
        'not_found',
        ['401861'],
      ])
      expect(await kindOf(alma.listActiveFees(sandboxCards.notFound, 'BARCODE'))).toEqual([
        'not_found',
        ['401651'],
      ])
      const primaryId = sandbox.primaryIdForCard(sandboxCards.oneFee)
      expect(await kindOf(alma.getFee(primaryId, '999'))).toEqual(['not_found', ['401665']])
      // Not found is an answer, not a failure: no retries.
      expect(sandbox.requests()).toHaveLength(4)
    })

    it('maps a fee the library restricted to restricted, and a refused amount to rejected', async () => {
      const alma = client()
      const primaryId = sandbox.primaryIdForCard(sandboxCards.oneFee)
      const [fee] = (await alma.listActiveFees(sandboxCards.oneFee, 'BARCODE')).fees
      if (!fee) throw new Error('the seed has one fee')
      const payment = { amountCents: 100, method: 'ONLINE', externalTransactionId: 'T' }

      sandbox.setFeeRestricted(fee.id, true)
      expect(await kindOf(alma.payFee(primaryId, fee.id, payment))).toEqual([
        'restricted',
        ['60340'],
      ])
      sandbox.setFeeRestricted(fee.id, false)
      expect(
        await kindOf(
          alma.payFee(primaryId, fee.id, { ...payment, amountCents: fee.balanceCents + 1 }),
        ),
      ).toEqual(['rejected', ['401666']])
      expect(sandbox.ledger()).toEqual([])
    })

    it('maps a refused API key to auth', async () => {
      const error = await failure(
        client({ apiKey: 'wrong-key' }).getUser(sandboxCards.oneFee, 'BARCODE'),
      )
      expect(error.kind).toBe('auth')
      expect(error.status).toBe(401)
      expect(error.message).not.toContain('wrong-key')
    })

    it('maps 429 to rate_limited and 5xx to unavailable once the attempts are used up', async () => {
      sandbox.setFaults({ errorRate: 1 })
      draws.push(0.1, 0.1)
      const limited = await failure(
        client({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } }).getUser(
          sandboxCards.oneFee,
          'BARCODE',
        ),
      )
      expect([limited.kind, limited.status, limited.codes]).toEqual([
        'rate_limited',
        429,
        ['PER_SECOND_THRESHOLD'],
      ])

      draws.push(0.6)
      const serverError = await failure(
        client({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).getUser(
          sandboxCards.oneFee,
          'BARCODE',
        ),
      )
      expect([serverError.kind, serverError.status]).toEqual(['unavailable', 500])

      sandbox.setFaults({ errorRate: 0, down: true })
      const down = await failure(
        client({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).getUser(
          sandboxCards.oneFee,
          'BARCODE',
        ),
      )
      expect([down.kind, down.status]).toEqual(['unavailable', 503])
    })

    it("maps the sandbox's per-second threshold to rate_limited", async () => {
      const strict = await startSandboxAlma({ maxRequestsPerSecond: 3 })
      try {
        const alma = createAlmaClient({
          baseUrl: strict.url,
          apiKey: strict.apiKey,
          maxRequestsPerSecond: 50,
          timeoutMs: 2_000,
          retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
        })
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => alma.getUser(sandboxCards.oneFee, 'BARCODE')),
        )
        const kinds = results.map((result) =>
          result.status === 'fulfilled' ? 'ok' : (result.reason as AlmaError).kind,
        )
        expect(kinds.filter((kind) => kind === 'ok')).toHaveLength(3)
        expect(kinds.filter((kind) => kind === 'rate_limited')).toHaveLength(3)
      } finally {
        await strict.close()
      }
    })

    it('maps a hanging request to unavailable after the timeout', async () => {
      sandbox.setFaults({ timeoutRate: 1 })
      const error = await failure(
        client({
          timeoutMs: 200,
          retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
        }).getUser(sandboxCards.oneFee, 'BARCODE'),
      )
      expect([error.kind, error.status, error.message]).toEqual([
        'unavailable',
        null,
        'Alma getUser: no answer (timed out)',
      ])
      expect(calls).toEqual([['getUser', 'error']])
    })

    it('maps a refused connection to unavailable without leaking the request configuration', async () => {
      const gone = await startSandboxAlma()
      const url = gone.url
      await gone.close()
      const error = await failure(
        client({ baseUrl: url, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).getUser(
          sandboxCards.oneFee,
          'BARCODE',
        ),
      )
      expect(error.kind).toBe('unavailable')
      expect(error.cause).toBeInstanceOf(Error)
      expect(JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause))).not.toContain(
        sandbox.apiKey,
      )
    })

    it('maps an answer that is not Alma (wrong base URL) to invalid_response', async () => {
      const error = await failure(
        client({ baseUrl: `${sandbox.url}/gateway` }).getUser(sandboxCards.oneFee, 'BARCODE'),
      )
      expect([error.kind, error.status]).toEqual(['invalid_response', 404])
    })

    it('maps JSON that does not fit the schema to invalid_response', async () => {
      const seed = standardSeed()
      const patron = seed.find((candidate) =>
        candidate.identifiers.some((id) => id.value === sandboxCards.oneFee),
      )
      const [fee] = patron?.fees ?? []
      if (!fee) throw new Error('the seed has one fee')
      fee.creationTime = ''
      const broken = await startSandboxAlma({ seed })
      try {
        const error = await failure(
          createAlmaClient({
            baseUrl: broken.url,
            apiKey: broken.apiKey,
            maxRequestsPerSecond: 25,
            timeoutMs: 2_000,
            retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
          }).listActiveFees(sandboxCards.oneFee, 'BARCODE'),
        )
        expect(error.kind).toBe('invalid_response')
        expect(error.message).toContain('fee.0.creation_time')
        // Not retried: asking again gets the same answer.
        expect(broken.requests()).toHaveLength(1)
      } finally {
        await broken.close()
      }
    })

    it('never puts the card number or the key in an error message', async () => {
      const error = await failure(client().getUser(sandboxCards.notFound, 'BARCODE'))
      expect(error.message).not.toContain(sandboxCards.notFound)
      expect(error.message).toContain('401890')
    })
  })

  describe('the API key', () => {
    it('travels only in the Authorization header, never in a URL', async () => {
      const alma = client()
      const primaryId = sandbox.primaryIdForCard(sandboxCards.severalFees)
      const { fees } = await alma.listActiveFees(sandboxCards.severalFees, 'BARCODE')
      await alma.getUser(sandboxCards.severalFees, 'BARCODE')
      await alma.getFee(primaryId, fees[0]?.id ?? '')
      await alma.payFee(primaryId, fees[0]?.id ?? '', {
        amountCents: 100,
        method: 'ONLINE',
        externalTransactionId: 'T-1',
      })
      const requests = sandbox.requests()
      expect(requests).toHaveLength(4)
      for (const request of requests) {
        expect(request.url).not.toMatch(/apikey/i)
        expect(request.url).not.toContain(sandbox.apiKey)
        expect(request.authorization).toBe(`apikey ${sandbox.apiKey}`)
        expect(request.status).toBe(200)
      }
    })
  })

  describe('retries', () => {
    it('retries a GET on 429, 500 and 503 with full-jitter backoff, then succeeds', async () => {
      sandbox.setFaults({ errorRate: 0.5 })
      // Draws below 0.25 → 429, below 0.375 → 500, below 0.5 → 503, then no fault.
      draws.push(0.1, 0.3, 0.45)
      const user = await client().getUser(sandboxCards.oneFee, 'BARCODE')
      expect(user.primaryId).toBe('jchen02')
      expect(sandbox.requests().map((request) => request.status)).toEqual([429, 500, 503, 200])
      expect(calls.map(([, status]) => status)).toEqual([429, 500, 503, 200])
      // random() = 0.5 of min(1000, 100 · 2^(n-1)).
      expect(sleeps).toEqual([50, 100, 200])
    })

    it('retries a GET that timed out, then succeeds', async () => {
      sandbox.setFaults({ timeoutRate: 0.5 })
      draws.push(0.1)
      const list = await client({ timeoutMs: 250 }).listActiveFees(sandboxCards.oneFee, 'BARCODE')
      expect(list.fees).toHaveLength(1)
      const statuses = sandbox.requests().map((request) => request.status)
      // The first request never got an answer (0); the retry did.
      expect(statuses).toEqual([0, 200])
    })

    it('gives up after maxAttempts', async () => {
      sandbox.setFaults({ errorRate: 1 })
      draws.push(0.9, 0.9, 0.9, 0.9)
      const error = await failure(client().getFee('jchen02', '1'))
      expect(error.kind).toBe('unavailable')
      expect(sandbox.requests()).toHaveLength(4)
    })

    it('never retries payFee, whatever the failure', async () => {
      const primaryId = sandbox.primaryIdForCard(sandboxCards.oneFee)
      const [fee] = (await client().listActiveFees(sandboxCards.oneFee, 'BARCODE')).fees
      if (!fee) throw new Error('the seed has one fee')
      const payment = { amountCents: 100, method: 'ONLINE', externalTransactionId: 'T-2' }

      sandbox.setFaults({ errorRate: 1 })
      draws.push(0.1)
      expect((await failure(client().payFee(primaryId, fee.id, payment))).kind).toBe('rate_limited')
      draws.push(0.9)
      expect((await failure(client().payFee(primaryId, fee.id, payment))).kind).toBe('unavailable')
      sandbox.setFaults({ errorRate: 0, timeoutRate: 1 })
      expect(
        (await failure(client({ timeoutMs: 200 }).payFee(primaryId, fee.id, payment))).kind,
      ).toBe('unavailable')

      const posts = sandbox.requests().filter((request) => request.method === 'POST')
      expect(posts.map((request) => request.status)).toEqual([429, 503, 0])
      expect(sleeps).toEqual([])
      expect(sandbox.ledger()).toEqual([])
    })
  })
})
