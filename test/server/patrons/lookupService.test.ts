import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { lookupResponseSchema } from '../../../common/api.ts'
import { createAlmaClient } from '../../../server/alma/client.ts'
import { PatronError, type PatronErrorKind } from '../../../server/patrons/errors.ts'
import { createLookupService, displayName } from '../../../server/patrons/lookupService.ts'
import { MemoryLookupStore } from '../../../server/patrons/lookupStore.ts'
import type { StandingCategory } from '../../../server/patrons/standing.ts'
import {
  sandboxCards,
  standardSeed,
  startSandboxAlma,
  type SandboxAlma,
  type SandboxPatron,
} from '../../../server/sandbox/alma/index.ts'

const day = 24 * 60 * 60 * 1000

async function patronError(promise: Promise<unknown>): Promise<PatronError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof PatronError) return error
    throw error
  }
  throw new Error('expected a PatronError, but the lookup succeeded')
}

describe('server/patrons/lookupService', () => {
  let sandbox: SandboxAlma
  let now = Date.now()
  const logs: { level: string; obj: object; msg: string | undefined }[] = []

  const setup = (
    target: SandboxAlma,
    overrides: {
      userIdType?: string
      apiKey?: string
      newId?: () => string
      refusedFor?: StandingCategory[]
      pending?: Record<string, number>
    } = {},
  ) => {
    const pendingAsked: string[][] = []
    const lookups = new MemoryLookupStore()
    const service = createLookupService({
      institution: 'test',
      alma: createAlmaClient({
        baseUrl: target.url,
        apiKey: overrides.apiKey ?? target.apiKey,
        maxRequestsPerSecond: 25,
        timeoutMs: 2_000,
        retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      }),
      lookups,
      userIdType: overrides.userIdType ?? 'BARCODE',
      cardNumberPattern: /^\d{10}$/,
      lookupTtlMs: 15 * 60 * 1000,
      refusedFor: new Set(overrides.refusedFor ?? ['inactive']),
      pendingCentsByFee: (_institution, feeIds) => {
        pendingAsked.push([...feeIds])
        const sums = new Map<string, number>()
        for (const feeId of feeIds) {
          const cents = overrides.pending?.[feeId]
          if (cents !== undefined) sums.set(feeId, cents)
        }
        return Promise.resolve(sums)
      },
      clock: { now: () => now },
      ...(overrides.newId ? { newId: overrides.newId } : {}),
      logger: {
        info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
        warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
      },
    })
    return { service, lookups, pendingAsked }
  }

  beforeAll(async () => {
    sandbox = await startSandboxAlma()
  })
  afterEach(() => {
    sandbox.reset()
    logs.length = 0
    now = Date.now()
  })
  afterAll(async () => {
    await sandbox.close()
  })

  describe('patrons who may pay', () => {
    it('answers María García with three fees, oldest first, behind an opaque lookup id', async () => {
      const { service, lookups } = setup(sandbox)
      const response = await service.lookup('kiosk-1', sandboxCards.severalFees)

      expect(lookupResponseSchema.parse(response)).toEqual(response)
      expect(response.patron).toEqual({ displayName: 'María G.', notices: [] })
      expect(response.feesBeingPosted).toEqual([])
      expect(response.totalCents).toBe(4275)
      expect(response.currency).toBe('USD')
      expect(
        response.fees.map(({ type, description, title, balanceCents }) => [
          type,
          description,
          title,
          balanceCents,
        ]),
      ).toEqual([
        ['OVERDUEFINE', 'Overdue fine', 'The social life of language / Gillian Sankoff.', 1250],
        [
          'LOSTITEMREPLACEMENTFEE',
          'Lost item replacement fee',
          'Pride and prejudice / Jane Austen.',
          2500,
        ],
        ['LOSTITEMPROCESSFEE', 'Lost item process fee', null, 525],
      ])
      expect(response.lookupId).toMatch(/^[A-Za-z0-9_-]{22,}$/)
      expect(response.expiresAt).toBe(new Date(now + 15 * 60 * 1000).toISOString())

      const saved = await lookups.get(response.lookupId, now)
      expect(saved).toEqual({
        lookupId: response.lookupId,
        institution: 'test',
        holder: 'kiosk:kiosk-1',
        channel: 'kiosk:kiosk-1',
        primaryId: sandbox.primaryIdForCard(sandboxCards.severalFees),
        patronName: 'María García',
        feeIds: response.fees.map((fee) => fee.id),
        currency: 'USD',
        expiresAt: now + 15 * 60 * 1000,
      })
      expect(await lookups.get(response.lookupId, now + 15 * 60 * 1000)).toBeNull()
    })

    it('never sends the Alma primary id to the kiosk', async () => {
      const { service } = setup(sandbox)
      for (const card of [sandboxCards.severalFees, sandboxCards.external, sandboxCards.manyFees]) {
        const json = JSON.stringify(await service.lookup('kiosk-1', card))
        expect(json).not.toContain(sandbox.primaryIdForCard(card))
      }
    })

    it('answers one fee, no fees, and an external (SIS-loaded) account', async () => {
      const { service } = setup(sandbox)
      const one = await service.lookup('k', sandboxCards.oneFee)
      expect([one.patron.displayName, one.fees.length, one.totalCents]).toEqual([
        'James C.',
        1,
        300,
      ])
      const none = await service.lookup('k', sandboxCards.noFees)
      expect([none.patron.displayName, none.fees, none.totalCents]).toEqual(['Adaeze O.', [], 0])
      const external = await service.lookup('k', sandboxCards.external)
      expect([external.patron.displayName, external.fees.map((fee) => fee.balanceCents)]).toEqual([
        'Priya R.',
        [700, 140],
      ])
    })

    it('keeps unicode names and titles intact', async () => {
      const { service } = setup(sandbox)
      const response = await service.lookup('k', sandboxCards.unicode)
      expect(response.patron.displayName).toBe('Zoë Ł.')
      expect(response.fees.map((fee) => fee.title)).toEqual([
        'Cien años de soledad / Gabriel García Márquez.',
        '東京物語 = Tokyo story',
      ])
      // And through JSON, as the kiosk receives it.
      const reparsed = lookupResponseSchema.parse(JSON.parse(JSON.stringify(response)))
      expect(reparsed.fees[1]?.title).toBe('東京物語 = Tokyo story')
    })

    it('sorts many fees oldest first and describes a fee that has no type', async () => {
      const { service } = setup(sandbox)
      const response = await service.lookup('k', sandboxCards.manyFees)
      expect(response.fees).toHaveLength(8)
      const created = response.fees.map((fee) => Date.parse(fee.createdAt))
      expect(created).toEqual([...created].sort((a, b) => a - b))
      expect(response.totalCents).toBe(
        response.fees.reduce((sum, fee) => sum + fee.balanceCents, 0),
      )
      const untyped = response.fees.find((fee) => fee.type === '')
      expect(untyped?.description).toBe('Library fee')
    })

    it('shows only fees with a balance left', async () => {
      const { service } = setup(sandbox)
      const before = await service.lookup('k', sandboxCards.severalFees)
      const [first, second] = before.fees
      if (!first || !second) throw new Error('seeded')
      sandbox.closeFee(first.id)
      sandbox.setFeeBalance(second.id, 1)
      const after = await service.lookup('k', sandboxCards.severalFees)
      expect(after.fees.map((fee) => [fee.id, fee.balanceCents])).toEqual([
        [second.id, 1],
        [before.fees[2]?.id, 525],
      ])
      expect(after.totalCents).toBe(526)
    })

    it('looks up by all_unique too', async () => {
      const { service } = setup(sandbox, { userIdType: 'all_unique' })
      const response = await service.lookup('k', sandboxCards.oneFee)
      expect(response.fees).toHaveLength(1)
      expect(
        sandbox.requests().every((request) => request.query.user_id_type === 'all_unique'),
      ).toBe(true)
    })

    it('greets a patron by the preferred names Alma holds, falling back to the legal ones', async () => {
      const { service } = setup(sandbox)
      const rob = await service.lookup('k', sandboxCards.expired)
      expect(rob.patron.displayName).toBe('Rob J.')

      const seed = standardSeed()
      const maria = seed.find((patron) => patron.primaryId === 'mgarcia01')
      if (!maria) throw new Error('seeded')
      maria.preferredFirstName = 'Majo'
      maria.preferredLastName = 'Luna'
      const own = await startSandboxAlma({ seed })
      try {
        const response = await setup(own).service.lookup('k', sandboxCards.severalFees)
        expect(response.patron.displayName).toBe('Majo L.')
      } finally {
        await own.close()
      }
    })

    it('shows fees whose payment is still being posted, not payable and not in the total', async () => {
      const probe = await setup(sandbox).service.lookup('k', sandboxCards.severalFees)
      const [oldest, lost, process] = probe.fees
      if (!oldest || !lost || !process) throw new Error('seeded')
      const { service, lookups, pendingAsked } = setup(sandbox, { pending: { [lost.id]: 1000 } })
      const response = await service.lookup('k', sandboxCards.severalFees)
      expect(pendingAsked.at(-1)?.sort()).toEqual([oldest.id, lost.id, process.id].sort())
      expect(response.fees.map((fee) => fee.id)).toEqual([oldest.id, process.id])
      expect(response.feesBeingPosted).toEqual([{ ...lost, postingCents: 1000 }])
      expect(response.totalCents).toBe(oldest.balanceCents + process.balanceCents)
      expect((await lookups.get(response.lookupId, now))?.feeIds).toEqual([oldest.id, process.id])
    })

    it('uses the injected id generator', async () => {
      const { service, lookups } = setup(sandbox, { newId: () => 'fixed-id-for-test' })
      const response = await service.lookup('k', sandboxCards.oneFee)
      expect(response.lookupId).toBe('fixed-id-for-test')
      expect((await lookups.get('fixed-id-for-test', now))?.feeIds).toEqual(
        response.fees.map((f) => f.id),
      )
    })
  })

  describe('account standing', () => {
    it('lets blocked and expired patrons see and pay their fees, with notices', async () => {
      const { service, lookups } = setup(sandbox)
      const blocked = await service.lookup('k', sandboxCards.blocked)
      expect(blocked.patron.notices).toEqual([
        { kind: 'blocked', description: 'Blocked: overdue items' },
      ])
      expect([blocked.fees.length, blocked.totalCents]).toEqual([1, 950])
      expect((await lookups.get(blocked.lookupId, now))?.feeIds).toEqual(
        blocked.fees.map((f) => f.id),
      )

      const expired = await service.lookup('k', sandboxCards.expired)
      expect(expired.patron.notices).toEqual([
        { kind: 'expired', expiredOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as string },
      ])
      expect(expired.totalCents).toBe(200)
    })

    const refusals: [string, PatronErrorKind, RegExp][] = [
      [
        sandboxCards.blocked,
        'blocked',
        /^Blocked: overdue items\. Please ask at the service desk\.$/,
      ],
      [sandboxCards.expired, 'expired', /expired on \d{4}-\d{2}-\d{2}\. Please ask/],
      [sandboxCards.inactive, 'inactive', /not active/],
    ]
    for (const [card, kind, reason] of refusals) {
      it(`refuses ${kind} accounts when the library says so, with a reason the kiosk may show`, async () => {
        const { service, lookups } = setup(sandbox, {
          refusedFor: ['inactive', 'expired', 'blocked'],
        })
        const error = await patronError(service.lookup('k', card))
        expect(error.kind).toBe(kind)
        expect(error.reason).toMatch(reason)
        expect(error.message).not.toContain(card)
        expect(await lookups.get('anything', now)).toBeNull()
      })
    }

    it('refuses inactive accounts by default, and only them', async () => {
      const { service } = setup(sandbox)
      expect((await patronError(service.lookup('k', sandboxCards.inactive))).kind).toBe('inactive')
      const allowed = setup(sandbox, { refusedFor: [] }).service
      expect((await allowed.lookup('k', sandboxCards.inactive)).totalCents).toBe(500)
    })

    it('answers not_found for an unknown card', async () => {
      const { service } = setup(sandbox)
      const error = await patronError(service.lookup('k', sandboxCards.notFound))
      expect([error.kind, error.reason]).toEqual(['not_found', null])
    })

    it('judges expiry by the service clock', async () => {
      const { service } = setup(sandbox, { refusedFor: ['expired'] })
      // Sixty days ago the account (expired thirty days ago) was still valid.
      now = Date.now() - 60 * day
      const response = await service.lookup('k', sandboxCards.expired)
      expect(response.fees).toHaveLength(1)
      expect(response.patron.notices).toEqual([])
    })

    it('ignores blocks that expired or were lifted, and honours one expiring today', async () => {
      const pad = (n: number) => String(n).padStart(2, '0')
      const today = new Date(now)
      const todayText = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`
      const withBlocks = async (
        edit: (blocks: SandboxPatron['blocks']) => SandboxPatron['blocks'],
      ) => {
        const seed = standardSeed()
        const blocked = seed.find((patron) => patron.primaryId === 'tnguyen05')
        if (!blocked) throw new Error('seeded')
        blocked.blocks = edit(blocked.blocks)
        const own = await startSandboxAlma({ seed })
        try {
          return await setup(own, { refusedFor: ['blocked'] }).service.lookup(
            'k',
            sandboxCards.blocked,
          )
        } finally {
          await own.close()
        }
      }

      const lifted = await withBlocks(([block]) =>
        block
          ? [
              { ...block, expiryDate: '2001-01-01' },
              { ...block, status: 'INACTIVE' },
            ]
          : [],
      )
      expect(lifted.fees).toHaveLength(1)
      const error = await patronError(
        withBlocks(([block]) => (block ? [{ ...block, expiryDate: todayText }] : [])),
      )
      expect(error.kind).toBe('blocked')
    })

    it('refuses a card that fails the pattern before any Alma call', async () => {
      const { service } = setup(sandbox)
      for (const card of ['12345', '2000000001x', ';2000000001=?', '', '20000000011', '../../x']) {
        const error = await patronError(service.lookup('k', card))
        expect(error.kind).toBe('invalid_card')
      }
      expect(sandbox.requests()).toEqual([])
    })

    it('answers alma_unavailable when Alma is down or refuses the key', async () => {
      sandbox.setFaults({ down: true })
      const down = await patronError(setup(sandbox).service.lookup('k', sandboxCards.oneFee))
      expect(down.kind).toBe('alma_unavailable')
      sandbox.setFaults({ down: false })
      const refused = await patronError(
        setup(sandbox, { apiKey: 'not-the-key' }).service.lookup('k', sandboxCards.oneFee),
      )
      expect(refused.kind).toBe('alma_unavailable')
      expect(logs.filter((log) => log.level === 'warn').map((log) => log.obj)).toContainEqual(
        expect.objectContaining({ alma: { kind: 'auth', status: 401, codes: ['UNAUTHORIZED'] } }),
      )
    })
  })

  describe('Alma calls', () => {
    it('fetches the user and the fees in parallel (their requests overlap at Alma)', async () => {
      sandbox.setFaults({ latencyMs: 200 })
      await setup(sandbox).service.lookup('k', sandboxCards.severalFees)
      const requests = sandbox.requests()
      const user = requests.find((request) => request.path.endsWith(sandboxCards.severalFees))
      const fees = requests.find((request) => request.path.endsWith('/fees'))
      if (!user || !fees) throw new Error('both requests were made')
      expect(requests).toHaveLength(2)
      // Each arrived before the other was answered: neither waited for the other.
      expect(user.startedAt).toBeLessThan(fees.endedAt)
      expect(fees.startedAt).toBeLessThan(user.endedAt)
      expect(user.query).toEqual({ user_id_type: 'BARCODE' })
      expect(fees.query).toEqual({ user_id_type: 'BARCODE', status: 'ACTIVE' })
    })
  })

  describe('logs', () => {
    it('carry the masked card at most, never names, titles or the primary id', async () => {
      const { service } = setup(sandbox, { refusedFor: ['blocked'] })
      await service.lookup('k', sandboxCards.unicode)
      await patronError(service.lookup('k', sandboxCards.blocked))
      await patronError(service.lookup('k', sandboxCards.notFound))
      await patronError(service.lookup('k', '123'))
      const text = JSON.stringify(logs)
      expect(logs.length).toBeGreaterThanOrEqual(4)
      expect(text).toContain('0008')
      for (const secret of [
        sandboxCards.unicode,
        sandboxCards.blocked,
        sandboxCards.notFound,
        'Zoë',
        'Łukasiewicz',
        'Thanh',
        'Nguyen',
        'zlukasiewicz08',
        'Tokyo',
      ]) {
        expect(text).not.toContain(secret)
      }
    })
  })
})

describe('server/patrons/lookupService displayName', () => {
  it('is the first name and the last initial', () => {
    expect(displayName('María', 'García')).toBe('María G.')
    expect(displayName(' María José ', ' Núñez ')).toBe('María José N.')
  })

  it('keeps a whole grapheme as the initial', () => {
    // "É" written as E + combining acute accent.
    expect(displayName('Zoë', 'E\u0301douard')).toBe('Zoë E\u0301.')
    expect(displayName('Zoë', 'Łukasiewicz-Nguyễn')).toBe('Zoë Ł.')
  })

  it('copes with a missing first or last name', () => {
    expect(displayName('Cher', '')).toBe('Cher')
    expect(displayName('', 'Smith')).toBe('S.')
  })
})
