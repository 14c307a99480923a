/**
 * The payments side assembled for real on loopback: a SQLite file in a temp dir, the sandbox Alma
 * behind the real Alma client, the real lookup service, the checkout service, the postback ingest and
 * worker, a Fastify app with the CashNet routes, and the sandbox CashNet posting to it.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import type { LookupResponse } from '../../../common/api.ts'
import {
  cashnetPostbackPath,
  cashnetSuccessResult,
  itemFieldNames,
  postbackFields,
  serviceUrl,
} from '../../../common/cashnet.ts'
import { createAlmaClient } from '../../../server/alma/client.ts'
import type { AlmaPort } from '../../../server/alma/port.ts'
import { cashnetRoutes } from '../../../server/http/cashnetRoutes.ts'
import type { Clock } from '../../../server/ops/clock.ts'
import { createLookupService, type LookupService } from '../../../server/patrons/lookupService.ts'
import { MemoryLookupStore } from '../../../server/patrons/lookupStore.ts'
import {
  createCheckoutService,
  type CheckoutService,
} from '../../../server/payments/checkoutService.ts'
import type { PaymentsLogger } from '../../../server/payments/logger.ts'
import { createCheckoutNotifier, type CheckoutNotifier } from '../../../server/payments/notifier.ts'
import { createPostbackIngest } from '../../../server/payments/postback/ingest.ts'
import {
  createPostingWorker,
  type PostingWorker,
  type PostingWorkerDeps,
} from '../../../server/payments/posting/worker.ts'
import {
  startSandboxAlma,
  type SandboxAlma,
  type SandboxAlmaOptions,
} from '../../../server/sandbox/alma/index.ts'
import {
  startSandboxCashnet,
  type SandboxCashnet,
  type SandboxCashnetOptions,
} from '../../../server/sandbox/cashnet/index.ts'
import type { PostbackOutcome } from '../../../server/store/repository.ts'
import { openSqliteRepository, type SqliteRepository } from '../../../server/store/sqlite/index.ts'

export const kioskId = 'kiosk-1'

/** A clock tests can move forward. */
export class TestClock implements Clock {
  offsetMs = 0
  now(): number {
    return Date.now() + this.offsetMs
  }
  advance(ms: number): void {
    this.offsetMs += ms
  }
}

/** Remembers every log line, to assert on warnings. */
export class RecordingLogger implements PaymentsLogger {
  readonly lines: { level: string; object: object; message: string }[] = []
  info(object: object, message: string): void {
    this.lines.push({ level: 'info', object, message })
  }
  warn(object: object, message: string): void {
    this.lines.push({ level: 'warn', object, message })
  }
  error(object: object, message: string): void {
    this.lines.push({ level: 'error', object, message })
  }
}

/** A small deterministic PRNG (mulberry32) for repeatable fault injection. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface HarnessOptions {
  allowedIps?: string[]
  cashnetRequestsPerMinute?: number
  refusedRequestsKept?: number
  trustProxy?: boolean
  minPaymentCents?: number
  checkoutTtlMs?: number
  sandboxAlma?: SandboxAlmaOptions
  cashnet?: Partial<Omit<SandboxCashnetOptions, 'postbackUrl'>>
  worker?: Partial<PostingWorkerDeps>
  almaTimeoutMs?: number
}

export interface Harness {
  dir: string
  dbPath: string
  clock: TestClock
  repo: SqliteRepository
  sandboxAlma: SandboxAlma
  alma: AlmaPort
  lookups: MemoryLookupStore
  lookupService: LookupService
  notifier: CheckoutNotifier
  checkouts: CheckoutService
  worker: PostingWorker
  workerLogger: RecordingLogger
  app: FastifyInstance
  baseUrl: string
  secret: string
  postbackUrl: string
  cashnet: SandboxCashnet
  outcomes: PostbackOutcome[]
  lookup(cardNumber: string): Promise<LookupResponse>
  /** A client for the same sandbox Alma, as a second process would build it. */
  newAlmaClient(): AlmaPort
  close(): Promise<void>
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-payments-'))
  const dbPath = join(dir, 'data', 'kiosk.sqlite')
  const clock = new TestClock()
  const repo = await openSqliteRepository(dbPath)
  const sandboxAlma = await startSandboxAlma(options.sandboxAlma)
  const newAlmaClient = () =>
    createAlmaClient({
      baseUrl: sandboxAlma.url,
      apiKey: sandboxAlma.apiKey,
      maxRequestsPerSecond: 25,
      timeoutMs: options.almaTimeoutMs ?? 5_000,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40 },
    })
  const alma = newAlmaClient()
  const lookups = new MemoryLookupStore()
  const lookupService = createLookupService({
    alma,
    lookups,
    userIdType: 'BARCODE',
    cardNumberPattern: /^\d{10}$/,
    lookupTtlMs: 15 * 60_000,
    refusedFor: new Set(['inactive']),
    pendingCentsByFee: (feeIds) => repo.pendingCentsByFee(feeIds),
    clock,
  })
  const notifier = createCheckoutNotifier()
  const workerLogger = new RecordingLogger()
  const worker = createPostingWorker({
    repo,
    alma,
    notifier,
    clock,
    pollIntervalMs: 50,
    backoff: { baseMs: 5, maxMs: 40 },
    settleMs: 30_000,
    logger: workerLogger,
    ...options.worker,
  })
  const outcomes: PostbackOutcome[] = []
  const secret = randomBytes(24).toString('hex')
  const ingest = createPostbackIngest({
    repo,
    notifier,
    clock,
    secret,
    allowedIps: options.allowedIps ?? [],
    onOutcome: (outcome) => outcomes.push(outcome),
    onAccepted: () => {
      worker.wake()
    },
    ...(options.refusedRequestsKept ? { refusedRequestsKept: options.refusedRequestsKept } : {}),
  })
  const app = Fastify({ logger: false })
  await app.register(
    cashnetRoutes({
      ingest,
      trustProxy: options.trustProxy ?? false,
      requestsPerMinute: options.cashnetRequestsPerMinute ?? 1_000,
      exempt: (sourceIp) => (options.allowedIps ?? []).includes(sourceIp),
    }),
  )
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const postbackUrl = serviceUrl(baseUrl, cashnetPostbackPath(secret))
  const cashnet = await startSandboxCashnet({ postbackUrl, ...options.cashnet })
  const checkouts = createCheckoutService({
    repo,
    alma,
    lookups,
    clock,
    notifier,
    minPaymentCents: options.minPaymentCents ?? 100,
    checkoutTtlMs: options.checkoutTtlMs ?? 20 * 60_000,
    cashnet: {
      checkoutUrl: cashnet.storeUrl,
      defaultItemCode: 'LIB-FINE',
      itemCodes: { LOSTITEMREPLACEMENTFEE: 'LIB-LOST' },
      returnUrl: `${baseUrl}/cashnet/return`,
    },
    waitPollMs: 200,
  })

  return {
    dir,
    dbPath,
    clock,
    repo,
    sandboxAlma,
    alma,
    lookups,
    lookupService,
    notifier,
    checkouts,
    worker,
    workerLogger,
    app,
    baseUrl,
    secret,
    postbackUrl,
    cashnet,
    outcomes,
    lookup: (cardNumber) => lookupService.lookup(kioskId, cardNumber),
    newAlmaClient,
    async close() {
      await worker.stop()
      await cashnet.close()
      await app.close()
      await sandboxAlma.close()
      await repo.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface SandboxPayResult {
  status: number
  location: string | null
  body: string
}

/** Drives the sandbox CashNet page like a browser: open the checkout URL, press Pay or Cancel. */
export async function payOnSandbox(
  checkoutUrl: string,
  options: { card?: string; action?: 'pay' | 'cancel' } = {},
): Promise<SandboxPayResult> {
  const page = await fetch(checkoutUrl)
  const html = await page.text()
  if (page.status !== 200) throw new Error(`checkout page answered ${page.status}: ${html}`)
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error('no form on the checkout page')
  const form = new URLSearchParams({
    action: options.action ?? 'pay',
    card: options.card ?? '4111 1111 1111 1111',
  })
  const response = await fetch(new URL(action.replace(/&#38;/g, '&'), checkoutUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  })
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: await response.text(),
  }
}

/**
 * Runs the worker until nothing is pending (bounded). Time is virtual: when every pending row waits
 * (backoff, a settle window), the test clock jumps to the earliest one instead of the test sleeping.
 */
export async function drainOutbox(
  h: Pick<Harness, 'worker' | 'repo' | 'clock'>,
  options: { maxPasses?: number } = {},
): Promise<number> {
  const maxPasses = options.maxPasses ?? 400
  let passes = 0
  while ((await h.worker.outboxDepth()) > 0) {
    if (++passes > maxPasses) throw new Error(`outbox not drained after ${maxPasses} passes`)
    await h.worker.runOnce()
    const due = await h.repo.nextPostingDueAt()
    if (due !== null && due > h.clock.now()) h.clock.advance(due - h.clock.now())
  }
  // One more pass finalizes checkouts whose last row was just settled.
  await h.worker.runOnce()
  return passes
}

/**
 * A CashNet-style success postback body for a checkout, as the real store would send it. A line
 * given as a number carries no item code (the service then has none to compare); give
 * `{ amountCents, itemCode }` to send one.
 */
export function successPostback(
  checkoutId: string,
  tx: string,
  lines: readonly (number | { amountCents: number; itemCode: string })[],
  extra: Record<string, string> = {},
): string {
  const items = lines.map((line) =>
    typeof line === 'number' ? { itemCode: '', amountCents: line } : line,
  )
  const fields = new URLSearchParams(
    postbackFields({
      result: cashnetSuccessResult,
      respmessage: 'SUCCESS',
      tx,
      batchno: '7',
      items,
      references: [{ index: 1, item: 1, type: 'CHECKOUT_ID', value: checkoutId }],
    }),
  )
  items.forEach((item, index) => {
    if (item.itemCode === '') fields.delete(itemFieldNames(index + 1).itemCode)
  })
  // A test's own fields replace those of the same name.
  for (const [name, value] of Object.entries(extra)) fields.set(name, value)
  return fields.toString()
}

export async function postForm(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  })
  return { status: response.status, text: await response.text() }
}
