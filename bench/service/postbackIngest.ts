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

export interface IngestResult {
  postbacks: number
  concurrency: number
  failures: number
  perSecond: number
  p50Ms: number
  p99Ms: number
}

/**
 * Sends one successful postback per checkout, `concurrency` at a time, spread round-robin over the
 * instances' postback URLs; answers throughput and per-request latency.
 */
export async function sendPostbacks(
  urls: readonly string[],
  checkouts: readonly CheckoutCreated[],
  options: { concurrency: number; firstTx: number },
): Promise<IngestResult> {
  const latencies: number[] = []
  let next = 0
  let failures = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < checkouts.length) {
        const index = next++
        const checkout = checkouts[index]
        if (!checkout) break
        const body = postbackBody(
          checkout.checkoutId,
          String(options.firstTx + index),
          checkout.lines.map((line) => line.amountCents),
        )
        const start = performance.now()
        const response = await fetch(urls[index % urls.length] ?? '', {
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
  return {
    postbacks: checkouts.length,
    concurrency: options.concurrency,
    failures,
    perSecond: round(checkouts.length / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  }
}

export async function benchPostbackIngest() {
  const { bench, checkout: newCheckout } = await startIngestBench(sandboxCards.severalFees)
  try {
    const checkouts: CheckoutCreated[] = []
    for (let i = 0; i < postbacks; i++) {
      checkouts.push(await newCheckout())
    }
    const result = await sendPostbacks([postbackUrl(bench)], checkouts, {
      concurrency,
      firstTx: 500_000_000,
    })
    const baseline = measureDurableCommits(postbacks)
    return {
      ...result,
      rawDurableCommitsPerSecond: round(baseline.perSecond),
      ratioToRawCommits: round(result.perSecond / baseline.perSecond, 3),
      target: '≥ 1,000 verified postbacks/s with p99 ≤ 50 ms (2 cores, durable commits)',
      met: result.failures === 0 && result.perSecond >= 1000 && result.p99Ms <= 50,
    }
  } finally {
    await bench.close()
  }
}
