/**
 * The load generator for the postback-ingestion benchmarks, run in a worker thread. CashNet is not
 * in the service's process: with the client on the service's event loop, its own HTTP work (fetch,
 * sockets, parsing answers) was measured as if it were the service's. In a worker it has its own
 * event loop and, on two cores, the other core. It speaks `node:http` over kept-alive sockets rather
 * than `fetch`: fetch's web streams cost the generator about 0.75 ms of CPU per request, CPU the
 * service under test then did not have on a two-core machine.
 */
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { percentile, round } from './stats.ts'

/** One postback to send: where, and the form body. */
export interface PostbackJob {
  url: string
  body: string
}

export interface IngestResult {
  /** Measured; the warm-up's are not. */
  postbacks: number
  warmupPostbacks: number
  concurrency: number
  failures: number
  perSecond: number
  p50Ms: number
  p99Ms: number
}

interface ClientInput {
  /** Sent first, `concurrency` at a time, and not measured. */
  warmup: PostbackJob[]
  jobs: PostbackJob[]
  concurrency: number
}

/** One form POST over `agent`; answers the status once the whole answer has been read. */
function post(agent: Agent, job: PostbackJob): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      job.url,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(job.body),
        },
      },
      (res) => {
        res.on('error', reject)
        res.on('end', () => {
          resolve(res.statusCode ?? 0)
        })
        res.resume()
      },
    )
    req.on('error', reject)
    req.end(job.body)
  })
}

/** Sends the jobs, `concurrency` at a time, in order; answers each one's status and latency. */
async function sendAll(agent: Agent, jobs: PostbackJob[], concurrency: number) {
  const answers: { status: number; ms: number }[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]
        if (!job) break
        const start = performance.now()
        const status = await post(agent, job)
        answers.push({ status, ms: performance.now() - start })
      }
    }),
  )
  return answers
}

/**
 * The warm-up, then the jobs; answers the jobs' throughput and latency. The warm-up is what a
 * service that has run for a while has done already: its hot paths compiled by V8, its database
 * connections open and their statements prepared.
 */
async function send({ warmup, jobs, concurrency }: ClientInput): Promise<IngestResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const warm = await sendAll(agent, warmup, concurrency)
  const started = performance.now()
  const answers = await sendAll(agent, jobs, concurrency)
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  const latencies = answers.map((answer) => answer.ms)
  const failures = [...warm, ...answers].filter((answer) => answer.status !== 200).length
  return {
    postbacks: jobs.length,
    warmupPostbacks: warmup.length,
    concurrency,
    failures,
    perSecond: round(jobs.length / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  }
}

/** Runs the warm-up and the jobs from a worker thread and answers its measurements. */
export function sendFromWorker(
  warmup: PostbackJob[],
  jobs: PostbackJob[],
  concurrency: number,
): Promise<IngestResult> {
  const input: ClientInput = { warmup, jobs, concurrency }
  const worker = new Worker(new URL(import.meta.url), { workerData: input })
  return new Promise((resolve, reject) => {
    worker.once('message', (result: IngestResult) => {
      resolve(result)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the postback client exited with ${String(code)}`))
    })
  })
}

if (!isMainThread && parentPort) {
  parentPort.postMessage(await send(workerData as ClientInput))
}
