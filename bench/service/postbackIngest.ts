/**
 * CashNet postback ingestion with durable commits (SQLite WAL, synchronous=FULL): throughput and
 * per-request latency over HTTP, with the posting worker off so only ingestion is measured, beside
 * the raw durable-commit rate of the same disk measured in the same run.
 */
import type { CheckoutCreated } from '../../common/api.ts'
import { sandboxCards } from '../../server/sandbox/alma/index.ts'
import { measureDurableCommits } from './durableCommit.ts'
import { sendFromWorker, type IngestResult } from './postbackClient.ts'
import { postbackBody, postbackUrl, startIngestBench } from './setup.ts'
import { round } from './stats.ts'

const postbacks = 2000
/** Sent before the measured ones, unmeasured (see `postbackClient.ts`). */
export const warmupPostbacks = 300
const concurrency = 8

/**
 * Sends one successful postback per checkout, `concurrency` at a time, spread round-robin over the
 * instances' postback URLs, from a worker thread (CashNet is not in the service's process); the
 * first `warmup` checkouts' postbacks warm the service up unmeasured. Answers the others'
 * throughput and per-request latency.
 */
export function sendPostbacks(
  urls: readonly string[],
  checkouts: readonly CheckoutCreated[],
  options: { concurrency: number; firstTx: number; warmup: number },
): Promise<IngestResult> {
  const all = checkouts.map((checkout, index) => ({
    url: urls[index % urls.length] ?? '',
    body: postbackBody(
      checkout.checkoutId,
      String(options.firstTx + index),
      checkout.lines.map((line) => line.amountCents),
    ),
  }))
  return sendFromWorker(
    all.slice(0, options.warmup),
    all.slice(options.warmup),
    options.concurrency,
  )
}

export async function benchPostbackIngest() {
  const { bench, checkout: newCheckout } = await startIngestBench(sandboxCards.severalFees)
  try {
    const checkouts: CheckoutCreated[] = []
    for (let i = 0; i < warmupPostbacks + postbacks; i++) {
      checkouts.push(await newCheckout())
    }
    const result = await sendPostbacks([postbackUrl(bench)], checkouts, {
      concurrency,
      firstTx: 500_000_000,
      warmup: warmupPostbacks,
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
