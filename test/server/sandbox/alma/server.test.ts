import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  sandboxCards,
  standardSeed,
  startSandboxAlma,
  type SandboxAlma,
} from '../../../../server/sandbox/alma/index.ts'
import { almaCaller, errorCode, users, type FeeJson, type FeeListJson } from './almaCaller.ts'

const values: number[] = []
const random = () => values.shift() ?? 0.99

describe('server/sandbox/alma', () => {
  let alma: SandboxAlma

  const { call, activeFees } = almaCaller(() => alma)

  beforeAll(async () => {
    alma = await startSandboxAlma({ maxRequestsPerSecond: 1_000, random })
  })
  afterEach(() => {
    alma.reset()
    values.length = 0
  })
  afterAll(async () => {
    await alma.close()
  })

  describe('users', () => {
    it('finds a user by any identifier or the primary id with all_unique, by type otherwise', async () => {
      const primaryId = alma.primaryIdForCard(sandboxCards.severalFees)
      expect(primaryId).toBe('mgarcia01')
      for (const [id, type] of [
        [sandboxCards.severalFees, 'all_unique'],
        [sandboxCards.severalFees, 'BARCODE'],
        ['MGARCIA01', 'all_unique'],
        ['900000001', 'UNIV_ID'],
      ] as const) {
        const { status, body } = await call('GET', users(id), { user_id_type: type })
        expect(status).toBe(200)
        expect(body).toMatchObject({ primary_id: 'mgarcia01' })
      }
      // No user_id_type means all_unique, as in Alma.
      expect((await call('GET', users(sandboxCards.severalFees))).status).toBe(200)
    })

    it('answers a user in Alma’s shape', async () => {
      const { body } = await call('GET', users(sandboxCards.blocked), { user_id_type: 'BARCODE' })
      expect(body).toMatchObject({
        primary_id: 'tnguyen05',
        first_name: 'Thanh',
        last_name: 'Nguyen',
        status: { value: 'ACTIVE' },
        account_type: { value: 'INTERNAL' },
        expiry_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}Z$/) as unknown,
        user_identifier: [
          { id_type: { value: 'BARCODE' }, value: sandboxCards.blocked, status: 'ACTIVE' },
          { id_type: { value: 'UNIV_ID' } },
        ],
        user_block: [
          {
            block_type: { value: 'GENERAL' },
            block_description: { desc: 'Blocked: overdue items' },
            block_status: 'ACTIVE',
          },
        ],
      })
      expect(body).not.toHaveProperty('fees')
      const external = await call('GET', users(sandboxCards.external), { user_id_type: 'BARCODE' })
      expect(external.body).toMatchObject({ account_type: { value: 'EXTERNAL' } })
    })

    it('answers unknown users with Alma’s error body and HTTP 400', async () => {
      const any = await call('GET', users(sandboxCards.notFound))
      expect(any.status).toBe(400)
      expect(any.body).toEqual({
        errorsExist: true,
        errorList: {
          error: [
            {
              errorCode: '401861',
              errorMessage: `User with identifier ${sandboxCards.notFound} was not found.`,
              trackingId: expect.any(String) as unknown,
            },
          ],
        },
        result: null,
      })
      // A UNIV_ID value looked up as a BARCODE is not found either.
      const typed = await call('GET', users('900000001'), { user_id_type: 'BARCODE' })
      expect([typed.status, errorCode(typed.body)]).toEqual([400, '401890'])
    })

    it('errors on expand=fees for a patron with fees, as Alma does', async () => {
      const withFees = await call('GET', users(sandboxCards.oneFee), { expand: 'loans,fees' })
      expect([withFees.status, errorCode(withFees.body)]).toEqual([400, '402119'])
      expect((await call('GET', users(sandboxCards.noFees), { expand: 'fees' })).status).toBe(200)
    })
  })

  describe('fees', () => {
    it('lists active fees with float amounts, totals and currency', async () => {
      const list = await activeFees(sandboxCards.severalFees)
      expect(list.total_record_count).toBe(3)
      expect(list.total_sum).toBe(42.75)
      expect(list.currency).toBe('USD')
      expect(list.fee?.map((fee) => [fee.type?.value, fee.balance, fee.title ?? null])).toEqual([
        ['OVERDUEFINE', 12.5, 'The social life of language / Gillian Sankoff.'],
        ['LOSTITEMREPLACEMENTFEE', 25, 'Pride and prejudice / Jane Austen.'],
        ['LOSTITEMPROCESSFEE', 5.25, null],
      ])
      expect(list.fee?.[0]).not.toHaveProperty('transaction')
    })

    it('leaves fee out when there are none, and has the seed’s special fees', async () => {
      expect(await activeFees(sandboxCards.noFees)).toEqual({
        total_record_count: 0,
        total_sum: 0,
        currency: 'USD',
      })
      const many = await activeFees(sandboxCards.manyFees)
      expect(many.fee).toHaveLength(8)
      expect(many.fee?.filter((fee) => fee.type === undefined)).toHaveLength(1)
      expect(many.fee?.find((fee) => fee.transaction)?.transaction?.[0]).toMatchObject({
        type: { value: 'PAYMENT' },
        amount: 2.5,
        payment_method: { value: 'CASH' },
      })
      const unicode = await activeFees(sandboxCards.unicode)
      expect(unicode.fee?.map((fee) => fee.title)).toEqual([
        'Cien años de soledad / Gabriel García Márquez.',
        '東京物語 = Tokyo story',
      ])
    })

    it('answers an unknown user or fee with Alma’s codes', async () => {
      const noUser = await call('GET', users(sandboxCards.notFound, '/fees'))
      expect([noUser.status, errorCode(noUser.body)]).toEqual([400, '401651'])
      const noFee = await call('GET', users('mgarcia01', '/fees/123'))
      expect([noFee.status, errorCode(noFee.body)]).toEqual([400, '401665'])
      // Another patron's fee is not found under this one.
      const [otherFee] = (await activeFees(sandboxCards.oneFee)).fee ?? []
      const foreign = await call('GET', users('mgarcia01', `/fees/${otherFee?.id ?? ''}`))
      expect(errorCode(foreign.body)).toBe('401665')
    })
  })

  describe('paying', () => {
    const pay = (feeId: string, query: Record<string, string>) =>
      call('POST', users('mgarcia01', `/fees/${feeId}`), { op: 'pay', ...query })

    it('records a partial payment: transaction, lower balance, ledger', async () => {
      const [fee] = (await activeFees(sandboxCards.severalFees)).fee ?? []
      if (!fee) throw new Error('seeded')
      const { status, body } = await pay(fee.id, {
        amount: '2.77',
        method: 'ONLINE',
        external_transaction_id: 'CN-77',
      })
      expect(status).toBe(200)
      expect(body).toMatchObject({
        id: fee.id,
        status: { value: 'ACTIVE' },
        balance: 9.73,
        original_amount: 12.5,
        transaction: [
          {
            type: { value: 'PAYMENT' },
            amount: 2.77,
            external_transaction_id: 'CN-77',
            payment_method: { value: 'ONLINE' },
          },
        ],
      })
      expect(alma.ledger()).toEqual([
        {
          userPrimaryId: 'mgarcia01',
          feeId: fee.id,
          amountCents: 277,
          method: 'ONLINE',
          externalTransactionId: 'CN-77',
          at: expect.any(String) as unknown,
        },
      ])
    })

    it('closes a fully paid fee, which then leaves the ACTIVE list', async () => {
      const [fee] = (await activeFees(sandboxCards.severalFees)).fee ?? []
      if (!fee) throw new Error('seeded')
      const { body } = await pay(fee.id, { amount: '12.50', method: 'CREDIT_CARD' })
      expect(body).toMatchObject({ status: { value: 'CLOSED' }, balance: 0 })
      const active = await activeFees(sandboxCards.severalFees)
      expect(active.fee?.map((listed) => listed.id)).not.toContain(fee.id)
      expect(active.total_sum).toBe(30.25)
      const closed = await call('GET', users('mgarcia01', '/fees'), { status: 'CLOSED' })
      expect((closed.body as FeeListJson).fee?.map((listed) => listed.id)).toEqual([fee.id])
    })

    it('refuses amounts that are not positive, above the balance or not money, and bad methods', async () => {
      const [fee] = (await activeFees(sandboxCards.severalFees)).fee ?? []
      if (!fee) throw new Error('seeded')
      const invalid: Record<string, string>[] = [
        { amount: '0', method: 'ONLINE' },
        { amount: '-1.00', method: 'ONLINE' },
        { amount: '12.51', method: 'ONLINE' },
        { amount: '1.005', method: 'ONLINE' },
        { amount: 'ALL', method: 'ONLINE' },
        { method: 'ONLINE' },
        { amount: '1.00' },
        { amount: '1.00', method: 'BITCOIN' },
      ]
      for (const query of invalid) {
        const { status, body } = await pay(fee.id, query)
        expect([status, errorCode(body)]).toEqual([400, '401666'])
      }
      const wrongOp = await call('POST', users('mgarcia01', `/fees/${fee.id}`), { op: 'explode' })
      expect(errorCode(wrongOp.body)).toBe('401666')
      expect(alma.ledger()).toEqual([])
    })

    it('refuses a restricted fee with 60340 and a closed one', async () => {
      const [first, second] = (await activeFees(sandboxCards.severalFees)).fee ?? []
      if (!first || !second) throw new Error('seeded')
      alma.setFeeRestricted(first.id, true)
      const restricted = await pay(first.id, { amount: '1.00', method: 'ONLINE' })
      expect([restricted.status, errorCode(restricted.body)]).toEqual([400, '60340'])
      alma.closeFee(second.id)
      const closed = await pay(second.id, { amount: '1.00', method: 'ONLINE' })
      expect(errorCode(closed.body)).toBe('401666')
      expect(alma.ledger()).toEqual([])
    })

    it('lets tests close fees or change balances as staff would', async () => {
      const [first, second] = (await activeFees(sandboxCards.severalFees)).fee ?? []
      if (!first || !second) throw new Error('seeded')
      alma.closeFee(first.id)
      alma.setFeeBalance(second.id, 1_000)
      const waived = (await call('GET', users('mgarcia01', `/fees/${first.id}`))).body as FeeJson
      expect(waived).toMatchObject({ status: { value: 'CLOSED' }, balance: 0 })
      expect(waived.transaction?.[0]).toMatchObject({ type: { value: 'WAIVE' }, amount: 12.5 })
      const list = await activeFees(sandboxCards.severalFees)
      expect(list.fee?.map((fee) => fee.balance)).toEqual([10, 5.25])
      alma.setFeeBalance(second.id, 0)
      expect((await activeFees(sandboxCards.severalFees)).fee).toHaveLength(1)
      expect(() => {
        alma.closeFee('nope')
      }).toThrow()
    })
  })

  describe('authentication', () => {
    it('answers 401 to a missing or wrong key, and accepts the key in the header or ?apikey=', async () => {
      const missing = await call('GET', users(sandboxCards.oneFee), {}, {})
      expect([missing.status, errorCode(missing.body)]).toEqual([401, 'UNAUTHORIZED'])
      const wrong = await call(
        'GET',
        users(sandboxCards.oneFee),
        {},
        { authorization: 'apikey nope' },
      )
      expect(wrong.status).toBe(401)
      const inQuery = await call('GET', users(sandboxCards.oneFee), { apikey: alma.apiKey }, {})
      expect(inQuery.status).toBe(200)
    })
  })

  describe('threshold and faults', () => {
    it('answers 429 with Alma’s threshold body past the per-second threshold', async () => {
      const strict = await startSandboxAlma({ maxRequestsPerSecond: 5 })
      try {
        const responses = await Promise.all(
          Array.from({ length: 8 }, () =>
            fetch(`${strict.url}${users(sandboxCards.oneFee)}`, {
              headers: { authorization: `apikey ${strict.apiKey}` },
            }),
          ),
        )
        const statuses = responses.map((response) => response.status).sort()
        expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
        const limited = responses.find((response) => response.status === 429)
        expect(errorCode(await limited?.json())).toBe('PER_SECOND_THRESHOLD')
        expect(strict.requests()).toHaveLength(8)
      } finally {
        await strict.close()
      }
    })

    it('injects 429, 500 and 503 by the error rate, from one draw per request', async () => {
      alma.setFaults({ errorRate: 0.4 })
      values.push(0.05, 0.25, 0.35, 0.5)
      const statuses: number[] = []
      for (let i = 0; i < 4; i++)
        statuses.push((await call('GET', users(sandboxCards.oneFee))).status)
      expect(statuses).toEqual([429, 500, 503, 200])
    })

    it('answers 503 from the gateway while down, and adds latency to every answer', async () => {
      alma.setFaults({ down: true })
      const down = await call('GET', users(sandboxCards.oneFee))
      expect(down.status).toBe(503)
      expect(down.contentType).toContain('text/html')

      alma.setFaults({ down: false, latencyMs: 120 })
      await call('GET', users(sandboxCards.oneFee))
      const last = alma.requests().at(-1)
      expect((last?.endedAt ?? 0) - (last?.startedAt ?? 0)).toBeGreaterThanOrEqual(119)
    })

    it('hangs a request until the client gives up, and logs it with status 0', async () => {
      alma.setFaults({ timeoutRate: 1 })
      await expect(
        fetch(`${alma.url}${users(sandboxCards.oneFee)}`, {
          headers: { authorization: `apikey ${alma.apiKey}` },
          signal: AbortSignal.timeout(150),
        }),
      ).rejects.toThrow()
      // The server sees the disconnect shortly after the client aborts.
      for (let i = 0; i < 50 && alma.requests()[0]?.endedAt === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      expect(alma.requests()[0]).toMatchObject({ status: 0 })
      expect(alma.requests()[0]?.endedAt).toBeGreaterThan(0)
    })

    it('logs every request with method, path, query, status, times and authorization', async () => {
      await call('GET', users(sandboxCards.oneFee), { user_id_type: 'BARCODE' })
      await call('GET', users(sandboxCards.oneFee), {}, {})
      expect(alma.requests()).toEqual([
        {
          method: 'GET',
          path: `/almaws/v1/users/${sandboxCards.oneFee}`,
          query: { user_id_type: 'BARCODE' },
          status: 200,
          startedAt: expect.any(Number) as unknown,
          endedAt: expect.any(Number) as unknown,
          authorization: `apikey ${alma.apiKey}`,
          kind: 'getUser',
          url: `/almaws/v1/users/${sandboxCards.oneFee}?user_id_type=BARCODE`,
        },
        expect.objectContaining({ status: 401, authorization: null }),
      ])
    })

    it('resets to the seed: fees, ledger, request log and faults', async () => {
      const [fee] = (await activeFees(sandboxCards.oneFee)).fee ?? []
      if (!fee) throw new Error('seeded')
      await call('POST', users('jchen02', `/fees/${fee.id}`), {
        op: 'pay',
        amount: '3.00',
        method: 'ONLINE',
      })
      alma.setFaults({ down: true })
      alma.reset()
      expect(alma.ledger()).toEqual([])
      expect(alma.requests()).toEqual([])
      expect((await activeFees(sandboxCards.oneFee)).total_sum).toBe(3)
    })
  })

  describe('seed', () => {
    it('takes a custom seed and builds dates relative to now', async () => {
      const now = new Date('2030-01-15T12:00:00Z')
      const seed = standardSeed(now)
      const expired = seed.find((patron) => patron.primaryId === 'rjohnson06')
      expect(expired?.expiryDate).toBe('2029-12-16')
      const own = await startSandboxAlma({ seed: seed.slice(0, 1), apiKey: 'k' })
      try {
        const response = await fetch(`${own.url}${users(sandboxCards.oneFee)}`, {
          headers: { authorization: 'apikey k' },
        })
        expect(response.status).toBe(400)
        expect(own.primaryIdForCard(sandboxCards.severalFees)).toBe('mgarcia01')
      } finally {
        await own.close()
      }
    })
  })
})
