/**
 * Card-to-fees latency through the service with the sandbox Alma answering in 300 ms, beside a
 * sequential user-then-fees baseline and one bare Alma round trip, all measured in the same run.
 */
import { performance } from 'node:perf_hooks'
import { sandboxCards } from '../../server/sandbox/alma/index.ts'
import { kioskPost, startBenchService } from './setup.ts'
import { percentile, round } from './stats.ts'

const almaLatencyMs = 300
const rounds = 10

export async function benchLookupLatency() {
  const bench = await startBenchService({
    almaLatencyMs,
    almaRequestsPerSecond: 25,
    backgroundWork: false,
  })
  try {
    const card = sandboxCards.severalFees
    const headers = { authorization: `apikey ${bench.alma.apiKey}`, accept: 'application/json' }
    const userUrl = `${bench.alma.url}/almaws/v1/users/${card}?user_id_type=BARCODE`
    const feesUrl = `${bench.alma.url}/almaws/v1/users/${card}/fees?user_id_type=BARCODE&status=ACTIVE`
    const timed = async (work: () => Promise<unknown>) => {
      const start = performance.now()
      await work()
      return performance.now() - start
    }
    const get = async (url: string) => (await fetch(url, { headers })).json()

    const roundTrip: number[] = []
    const sequential: number[] = []
    const service: number[] = []
    for (let i = 0; i < rounds; i++) {
      roundTrip.push(await timed(() => get(userUrl)))
      sequential.push(await timed(async () => [await get(userUrl), await get(feesUrl)]))
      service.push(await timed(() => kioskPost(bench, '/api/v1/lookups', { cardNumber: card })))
    }
    const oneRoundTripMs = percentile(roundTrip, 50)
    const serviceMs = percentile(service, 50)
    const ratio = serviceMs / oneRoundTripMs
    return {
      almaLatencyMs,
      rounds,
      oneAlmaRoundTripMedianMs: round(oneRoundTripMs),
      sequentialUserThenFeesMedianMs: round(percentile(sequential, 50)),
      serviceLookupMedianMs: round(serviceMs),
      serviceLookupP90Ms: round(percentile(service, 90)),
      ratioToOneRoundTrip: round(ratio, 3),
      sequentialRatioToOneRoundTrip: round(percentile(sequential, 50) / oneRoundTripMs, 3),
      target: 'service lookup ≤ 1.15 × one Alma round trip',
      met: ratio <= 1.15,
    }
  } finally {
    await bench.close()
  }
}
