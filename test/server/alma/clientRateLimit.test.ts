import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAlmaClient } from '../../../server/alma/client.ts'
import { createLookupService } from '../../../server/patrons/lookupService.ts'
import { MemoryLookupStore } from '../../../server/patrons/lookupStore.ts'
import {
  sandboxCards,
  startSandboxAlma,
  type SandboxAlma,
} from '../../../server/sandbox/alma/index.ts'
import { maxStartsInAnySecond } from '../payments/harness.ts'

const perSecond = 25
const lookupCount = 200

describe('server/alma/client', () => {
  let sandbox: SandboxAlma

  beforeAll(async () => {
    sandbox = await startSandboxAlma({ maxRequestsPerSecond: perSecond })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  it(`keeps ${lookupCount} concurrent lookups under Alma's ${perSecond}/s threshold`, async () => {
    const alma = createAlmaClient({
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      maxRequestsPerSecond: perSecond,
      timeoutMs: 10_000,
      // One attempt: a 429 would surface as a failed lookup, not hide behind a retry.
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    })
    const service = createLookupService({
      institution: 'test',
      alma,
      lookups: new MemoryLookupStore(),
      userIdType: 'BARCODE',
      cardNumberPattern: /^\d{10}$/,
      lookupTtlMs: 60_000,
      refusedFor: new Set(),
      pendingCentsByFee: () => Promise.resolve(new Map()),
      clock: { now: () => Date.now() },
    })
    const cards = [
      sandboxCards.severalFees,
      sandboxCards.oneFee,
      sandboxCards.noFees,
      sandboxCards.external,
      sandboxCards.unicode,
      sandboxCards.manyFees,
    ]

    const results = await Promise.allSettled(
      Array.from({ length: lookupCount }, (_, index) =>
        service.lookup('load', cards[index % cards.length] ?? sandboxCards.oneFee),
      ),
    )

    expect(results.filter((result) => result.status === 'rejected')).toEqual([])
    const requests = sandbox.requests()
    expect(requests).toHaveLength(lookupCount * 2)
    expect(requests.filter((request) => request.status === 429)).toEqual([])
    expect(maxStartsInAnySecond(requests.map((request) => request.startedAt))).toBeLessThanOrEqual(
      perSecond,
    )
  }, 60_000)
})
