/**
 * The load generator for the postback-ingestion benchmarks, run in a worker thread. CashNet is not
 * in the service's process: with the client on the service's event loop, its own HTTP work (fetch,
 * sockets, parsing answers) was measured as if it were the service's. In a worker it has its own
 * event loop, but on two cores it still takes CPU from the service and PostgreSQL, so it does as
 * little as it can: each connection is a kept-alive socket that writes a whole request at once and
 * reads only the status line and `Content-Length` of the answer (`KeptAliveConnection`). Measured
 * in the two-instance PostgreSQL run, CPU a request: `fetch` about 0.75 ms, `node:http` with a
 * kept-alive agent 0.22–0.30 ms, undici's pool no less, this 0.09–0.11 ms.
 */
import { connect, type Socket } from 'node:net'
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

/**
 * One HTTP/1.1 connection, one request at a time. The service answers postbacks with a
 * `Content-Length`; an answer without one (chunked, say) is an error, never a guess.
 */
class KeptAliveConnection {
  private readonly socket: Socket
  /** Everything of a request but its length and body. */
  private readonly requestHead: string
  /** Bytes of the answer so far, as latin1 (one character a byte). */
  private received = ''
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | null =
    null

  constructor(url: URL) {
    this.requestHead =
      `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\n'
    this.socket = connect(Number(url.port), url.hostname)
    this.socket.setNoDelay(true)
    this.socket.setEncoding('latin1')
    this.socket.on('data', (chunk: string) => {
      this.received += chunk
      this.answerIfComplete()
    })
    const fail = (error: Error) => {
      const waiting = this.waiting
      this.waiting = null
      waiting?.reject(error)
    }
    this.socket.on('error', fail)
    this.socket.on('close', () => {
      fail(new Error('the service closed the connection'))
    })
  }

  post(body: string): Promise<number> {
    if (this.waiting) return Promise.reject(new Error('one request at a time'))
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
      this.socket.write(
        `${this.requestHead}Content-Length: ${String(Buffer.byteLength(body))}\r\n\r\n${body}`,
      )
    })
  }

  private answerIfComplete(): void {
    const headEnd = this.received.indexOf('\r\n\r\n')
    if (headEnd < 0 || !this.waiting) return
    const head = this.received.slice(0, headEnd)
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)
    if (!status?.[1] || !length?.[1]) {
      const waiting = this.waiting
      this.waiting = null
      waiting.reject(new Error(`an answer the client cannot frame: ${head.split('\r\n')[0] ?? ''}`))
      this.socket.destroy()
      return
    }
    const end = headEnd + 4 + Number(length[1])
    if (this.received.length < end) return
    this.received = this.received.slice(end)
    const waiting = this.waiting
    this.waiting = null
    waiting.resolve(Number(status[1]))
  }

  close(): void {
    this.socket.destroy()
  }
}

/** One connection per service URL for each of the `concurrency` senders, opened on first use. */
class Connections {
  private readonly open = new Map<string, KeptAliveConnection>()

  for(sender: number, url: string): KeptAliveConnection {
    const key = `${String(sender)} ${url}`
    let connection = this.open.get(key)
    if (!connection) {
      connection = new KeptAliveConnection(new URL(url))
      this.open.set(key, connection)
    }
    return connection
  }

  close(): void {
    for (const connection of this.open.values()) connection.close()
  }
}

/** Sends the jobs, `concurrency` at a time, in order; answers each one's status and latency. */
async function sendAll(connections: Connections, jobs: PostbackJob[], concurrency: number) {
  const answers: { status: number; ms: number }[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async (_, sender) => {
      while (next < jobs.length) {
        const job = jobs[next++]
        if (!job) break
        const start = performance.now()
        const status = await connections.for(sender, job.url).post(job.body)
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
  const connections = new Connections()
  const warm = await sendAll(connections, warmup, concurrency)
  const started = performance.now()
  const answers = await sendAll(connections, jobs, concurrency)
  const seconds = (performance.now() - started) / 1000
  connections.close()
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
