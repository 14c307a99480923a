/**
 * Status change to kiosk notification: a kiosk long-polls a pending checkout; the time from the
 * postback's answer (the change is committed) to the long-poll's answer.
 */
import { performance } from 'node:perf_hooks'
import { checkoutStateSchema } from '../../common/api.ts'
import { sandboxCards } from '../../server/sandbox/alma/index.ts'
import { postbackBody, postbackUrl, startIngestBench } from './setup.ts'
import { percentile, round } from './stats.ts'

const rounds = 30

export async function benchStatusNotify() {
  const { bench, checkout: newCheckout } = await startIngestBench(sandboxCards.oneFee)
  try {
    // Every checkout is made first: once one is paid (and, with the worker off, not yet posted)
    // the service refuses a new checkout of the same fee, which is what stops a double charge.
    const checkouts = []
    for (let i = 0; i < rounds; i++) checkouts.push(await newCheckout())
    const delays: number[] = []
    for (const [i, checkout] of checkouts.entries()) {
      let answeredAt = 0
      const waiting = fetch(
        `${bench.url}/api/v1/checkouts/${checkout.checkoutId}?status=pending&wait=10`,
        { headers: { authorization: `Bearer ${bench.kioskKey}` } },
      ).then(async (response) => {
        const state = checkoutStateSchema.parse(await response.json())
        answeredAt = performance.now()
        return state
      })
      // Let the long-poll reach the service before the change happens.
      await new Promise((resolve) => setTimeout(resolve, 50))
      const response = await fetch(postbackUrl(bench), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: postbackBody(
          checkout.checkoutId,
          String(700_000_000 + i),
          checkout.lines.map((line) => line.amountCents),
        ),
      })
      await response.arrayBuffer()
      const committedAt = performance.now()
      const state = await waiting
      if (state.status !== 'paid') throw new Error(`long-poll answered ${state.status}`)
      delays.push(Math.max(0, answeredAt - committedAt))
    }
    const worst = Math.max(...delays)
    return {
      rounds,
      p50Ms: round(percentile(delays, 50), 2),
      p99Ms: round(percentile(delays, 99), 2),
      maxMs: round(worst, 2),
      target: 'status change reaches a waiting kiosk ≤ 250 ms',
      met: worst <= 250,
    }
  } finally {
    await bench.close()
  }
}
