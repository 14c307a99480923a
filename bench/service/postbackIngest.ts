/**
 * CashNet postback ingestion with durable commits (SQLite WAL, synchronous=FULL): throughput and
 * per-request latency over HTTP, with the posting worker off so only ingestion is measured, beside
 * the raw durable-commit rate of the same disk measured in the same run.
 */
import { performance } from 'node:perf_hooks'
import type { CheckoutCreated } from '../../common/api.ts'
import { sandboxCards } from '../../server/sandbox/alma/index.ts'
import { measureDurableCommits } from './durableCommit.ts'
import { percentile, postbackBody, postbackUrl, round, startIngestBench } from './setup.ts'

const postbacks = 2000
const concurrency = 8

export async function benchPostbackIngest() {
  const { bench, checkout: newCheckout } = await startIngestBench(sandboxCards.severalFees)
  try {
    const checkouts: CheckoutCreated[] = []
    for (let i = 0; i < postbacks; i++) {
      checkouts.push(await newCheckout())
    }
    const url = postbackUrl(bench)
    const latencies: number[] = []
    let next = 0
    let failures = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < checkouts.length) {
          const checkout = checkouts[next]
          const tx = String(500_000_000 + next)
          next++
          if (!checkout) break
          const body = postbackBody(
            checkout.checkoutId,
            tx,
            checkout.lines.map((line) => line.amountCents),
          )
          const start = performance.now()
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          })
          await response.arrayBuffer()
          latencies.push(performance.now() - start)
          if (response.status !== 200) failures++
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const perSecond = postbacks / seconds
    const p99 = percentile(latencies, 99)
    const baseline = measureDurableCommits(postbacks)
    return {
      postbacks,
      concurrency,
      failures,
      perSecond: round(perSecond),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(p99, 2),
      rawDurableCommitsPerSecond: round(baseline.perSecond),
      ratioToRawCommits: round(perSecond / baseline.perSecond, 3),
      target: '≥ 1,000 verified postbacks/s with p99 ≤ 50 ms (2 cores, durable commits)',
      met: failures === 0 && perSecond >= 1000 && p99 <= 50,
    }
  } finally {
    await bench.close()
  }
}
