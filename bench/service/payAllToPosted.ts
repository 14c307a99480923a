/**
 * A patron with three fees pays them all: lookup → checkout → CashNet postback → posted.
 * - Alma calls made from the swipe to `posted`, by kind (target ≤ 6: the user, the fees list at the
 *   lookup, the fees list at checkout, one pay per fee);
 * - with the sandbox Alma answering every call in 300 ms, the time from the postback's answer to
 *   the waiting kiosk learning `posted`, as a ratio to one bare Alma round trip measured in the
 *   same run (target ≤ 1.5: the three pays go out together).
 */
import { performance } from 'node:perf_hooks'
import { checkoutCreatedSchema, checkoutStateSchema, type CheckoutState } from '../../common/api.ts'
import { sandboxCards } from '../../server/sandbox/alma/index.ts'
import { kioskPost, lookupAnswer, postbackBody, postbackUrl, startBenchService } from './setup.ts'
import { percentile, round } from './stats.ts'

const almaLatencyMs = 300
const rounds = 8

async function waitForPosted(url: string, kioskKey: string): Promise<CheckoutState> {
  let status = 'paid'
  for (let polls = 0; polls < 20; polls++) {
    const response = await fetch(`${url}?status=${status}&wait=20`, {
      headers: { authorization: `Bearer ${kioskKey}` },
    })
    const state = checkoutStateSchema.parse(await response.json())
    if (state.status === 'posted' || state.status === 'posted_with_exceptions') return state
    status = state.status
  }
  throw new Error('the checkout did not post')
}

export async function benchPayAllToPosted() {
  const bench = await startBenchService({
    almaLatencyMs,
    almaRequestsPerSecond: 25,
    backgroundWork: true,
  })
  try {
    const headers = { authorization: `apikey ${bench.alma.apiKey}`, accept: 'application/json' }
    const userUrl = `${bench.alma.url}/almaws/v1/users/${sandboxCards.severalFees}?user_id_type=BARCODE`
    const roundTrips: number[] = []
    const postbackToPosted: number[] = []
    let almaCalls: Record<string, number> = {}
    for (let i = 0; i < rounds; i++) {
      bench.alma.reset()
      bench.alma.setFaults({ latencyMs: almaLatencyMs })
      const rtStart = performance.now()
      await (await fetch(userUrl, { headers })).arrayBuffer()
      roundTrips.push(performance.now() - rtStart)
      const before = bench.alma.callCounts()

      const { lookupId } = lookupAnswer.parse(
        await kioskPost(bench, '/api/v1/lookups', { cardNumber: sandboxCards.severalFees }),
      )
      const checkout = checkoutCreatedSchema.parse(
        await kioskPost(bench, '/api/v1/checkouts', { lookupId }),
      )
      const stateUrl = `${bench.url}/api/v1/checkouts/${checkout.checkoutId}`
      const response = await fetch(postbackUrl(bench), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: postbackBody(
          checkout.checkoutId,
          String(800_000_000 + i),
          checkout.lines.map((line) => line.amountCents),
        ),
      })
      await response.arrayBuffer()
      const answered = performance.now()
      const posted = await waitForPosted(stateUrl, bench.kioskKey)
      postbackToPosted.push(performance.now() - answered)
      if (posted.status !== 'posted') throw new Error(`ended ${posted.status}`)
      const after = bench.alma.callCounts()
      almaCalls = {
        getUser: after.getUser - before.getUser,
        listFees: after.listFees - before.listFees,
        getFee: after.getFee - before.getFee,
        payFee: after.payFee - before.payFee,
        other: after.other - before.other,
      }
    }
    const totalCalls = Object.values(almaCalls).reduce((sum, count) => sum + count, 0)
    const oneRoundTripMs = percentile(roundTrips, 50)
    const medianMs = percentile(postbackToPosted, 50)
    const ratio = medianMs / oneRoundTripMs
    return {
      almaLatencyMs,
      rounds,
      almaCallsSwipeToPosted: { total: totalCalls, byKind: almaCalls, before: 10, target: 6 },
      oneAlmaRoundTripMedianMs: round(oneRoundTripMs),
      postbackToPostedMedianMs: round(medianMs),
      postbackToPostedP90Ms: round(percentile(postbackToPosted, 90)),
      ratioToOneRoundTrip: round(ratio, 3),
      target: '≤ 6 Alma calls for a 3-fee pay-all; postback → posted ≤ 1.5 × one Alma round trip',
      met: totalCalls <= 6 && ratio <= 1.5,
    }
  } finally {
    await bench.close()
  }
}
