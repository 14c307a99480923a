import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
import {
  assembleService,
  type AssembledService,
  type AssembleOverrides,
} from '../../../server/assemble.ts'
import { loadConfig, type ServiceConfig } from '../../../server/config/load.ts'
import { onFreeLoopbackPort } from '../../../server/demo/freePort.ts'
import type { Clock } from '../../../server/ops/clock.ts'
import type { LookupService } from '../../../server/patrons/lookupService.ts'
import type { LookupStore } from '../../../server/patrons/lookupStore.ts'
import type { CheckoutService } from '../../../server/payments/checkoutService.ts'
import type { PaymentsLogger } from '../../../server/payments/logger.ts'
import type { CheckoutNotifier } from '../../../server/payments/notifier.ts'
import type { PostingWorker } from '../../../server/payments/posting/worker.ts'
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
import type { PaymentsRepository, PostbackOutcome } from '../../../server/store/repository.ts'
import { expect } from 'vitest'

export const kioskId = 'kiosk-1'

/** A clock tests can move forward. */
class TestClock implements Clock {
  offsetMs = 0
  now(): number {
    return Date.now() + this.offsetMs
  }
  advance(ms: number): void {
    this.offsetMs += ms
  }
}

/** Remembers every log line, to assert on warnings. */
class RecordingLogger implements PaymentsLogger {
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
  worker?: NonNullable<AssembleOverrides['worker']> & { pollIntervalMs?: number }
  almaTimeoutMs?: number
  postingStuckMinutes?: number
  /** More environment, e.g. staff settings. */
  env?: Record<string, string>
  /** Changes the loaded configuration (a second institution, …) before the service is built. */
  configure?: (config: ServiceConfig) => ServiceConfig
  staffConsoleDir?: string | null
  /** Email tuning (the mail server itself comes from `env`: SMTP_URL, MAIL_FROM). */
  mail?: AssembleOverrides['mail']
  /** The pay pages' Primo verifier, built pages or a log stream. */
  overrides?: Pick<AssembleOverrides, 'verifyPrimoToken' | 'payPagesDir' | 'logger'>
  /** Where the service stores (default: a SQLite file in the temp dir); `postgres://…` too. */
  databaseUrl?: string
  /** A sandbox Alma another harness started (several instances, one Alma); not closed here. */
  sharedSandboxAlma?: SandboxAlma
  /** The postback secret and kiosk key, to give several instances the same institution. */
  secret?: string
  kioskKey?: string
  /** Safety-net re-read of a waiting kiosk (default 200 ms); long, to prove a notification woke it. */
  checkoutWaitPollMs?: number
}

export interface Harness {
  dir: string
  dbPath: string
  clock: TestClock
  /** The service's repository (status changes published). */
  repo: PaymentsRepository
  service: AssembledService
  institution: string
  sandboxAlma: SandboxAlma
  alma: AlmaPort
  lookups: LookupStore
  lookupService: LookupService
  notifier: CheckoutNotifier
  checkouts: CheckoutService
  worker: PostingWorker
  workerLogger: RecordingLogger
  baseUrl: string
  secret: string
  /** kiosk-1's key, for calls to the kiosk API (`authorization: Bearer <key>`). */
  kioskKey: string
  postbackUrl: string
  cashnet: SandboxCashnet
  outcomes: PostbackOutcome[]
  lookup(cardNumber: string): Promise<LookupResponse>
  /** A client for the same sandbox Alma, as a second process would build it. */
  newAlmaClient(): AlmaPort
  close(): Promise<void>
}

const institution = '01CALS_TEST'

/**
 * The payments side as the service assembles it (`assembleService`), on loopback: a SQLite file
 * in a temp dir (or the PostgreSQL database `databaseUrl` names), the sandbox Alma behind the real Alma client, the sandbox CashNet posting back to
 * the real routes. Tests override only what they must: a test clock, millisecond backoffs, and the
 * posting worker left stopped so each test drives it.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-payments-'))
  const dbPath = join(dir, 'data', 'kiosk.sqlite')
  const clock = new TestClock()
  const sandboxAlma = options.sharedSandboxAlma ?? (await startSandboxAlma(options.sandboxAlma))
  const almaTimeoutMs = options.almaTimeoutMs ?? 5_000
  const workerLogger = new RecordingLogger()
  const outcomes: PostbackOutcome[] = []
  const secret = options.secret ?? randomBytes(24).toString('hex')
  const kioskKey = options.kioskKey ?? randomBytes(24).toString('hex')
  const { pollIntervalMs, ...workerTuning } = options.worker ?? {}
  // The port goes into CashNet's postback URL and the service's settings before it listens.
  const { baseUrl, postbackUrl, cashnet, service } = await onFreeLoopbackPort(async (port) => {
    const baseUrl = `http://127.0.0.1:${port}`
    const postbackUrl = serviceUrl(baseUrl, cashnetPostbackPath(secret))
    const cashnet = await startSandboxCashnet({ postbackUrl, ...options.cashnet })
    const loaded = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: baseUrl,
      DATABASE_URL: options.databaseUrl ?? dbPath,
      INSTITUTION_CODE: institution,
      ALMA_API_BASE_URL: sandboxAlma.url,
      ALMA_API_KEY: sandboxAlma.apiKey,
      ALMA_USER_ID_TYPE: 'BARCODE',
      ALMA_TIMEOUT_MS: String(almaTimeoutMs),
      ALMA_SETTLE_SECONDS: '30',
      POSTING_STUCK_MINUTES: String(options.postingStuckMinutes ?? 30),
      CASHNET_CHECKOUT_URL: cashnet.storeUrl,
      CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
      CASHNET_ITEM_CODES: 'LOSTITEMREPLACEMENTFEE=LIB-LOST',
      CASHNET_POSTBACK_SECRET: secret,
      CASHNET_ALLOWED_IPS: (options.allowedIps ?? []).join(','),
      CASHNET_REQUESTS_PER_MINUTE: String(options.cashnetRequestsPerMinute ?? 1_000),
      TRUST_PROXY: options.trustProxy ? 'true' : 'false',
      KIOSK_KEYS: `${kioskId}:${kioskKey}`,
      KIOSK_REQUESTS_PER_MINUTE: '100000',
      MIN_PAYMENT_CENTS: String(options.minPaymentCents ?? 100),
      ...options.env,
    })
    const config = options.configure ? options.configure(loaded) : loaded
    const service = await assembleService(config, {
      clock,
      backgroundWork: false,
      almaRetry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40 },
      worker: { backoff: { baseMs: 5, maxMs: 40 }, logger: workerLogger, ...workerTuning },
      workerPollMs: pollIntervalMs ?? 50,
      checkoutWaitPollMs: options.checkoutWaitPollMs ?? 200,
      onPostbackOutcome: (outcome) => outcomes.push(outcome),
      ...(options.checkoutTtlMs ? { checkoutTtlMs: options.checkoutTtlMs } : {}),
      ...(options.refusedRequestsKept ? { refusedRequestsKept: options.refusedRequestsKept } : {}),
      staffConsoleDir: options.staffConsoleDir ?? null,
      ...(options.mail ? { mail: options.mail } : {}),
      payPagesDir: null,
      ...options.overrides,
    })
    try {
      await service.listen(port, '127.0.0.1')
    } catch (error) {
      // Released before the next port is tried (`onFreeLoopbackPort`).
      await service.close()
      await cashnet.close()
      throw error
    }
    return { baseUrl, postbackUrl, cashnet, service }
  })
  const own = service.institution(institution)

  return {
    dir,
    dbPath,
    clock,
    repo: service.repo,
    service,
    institution,
    sandboxAlma,
    alma: own.alma,
    lookups: service.lookupStore,
    lookupService: own.lookups,
    notifier: service.notifier,
    checkouts: own.checkouts,
    worker: service.worker,
    workerLogger,
    baseUrl,
    secret,
    kioskKey,
    postbackUrl,
    cashnet,
    outcomes,
    lookup: (cardNumber) => own.lookups.lookup(kioskId, cardNumber),
    newAlmaClient: () =>
      createAlmaClient({
        baseUrl: sandboxAlma.url,
        apiKey: sandboxAlma.apiKey,
        maxRequestsPerSecond: 25,
        timeoutMs: almaTimeoutMs,
        retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40 },
      }),
    async close() {
      await service.close()
      await cashnet.close()
      if (!options.sharedSandboxAlma) await sandboxAlma.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export { payOnSandbox } from '../../../server/sandbox/cashnet/index.ts'

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
    const settled = await h.worker.runOnce()
    const due = await h.repo.nextPostingDueAt()
    if (due !== null && due > h.clock.now()) h.clock.advance(due - h.clock.now())
    else if (settled === 0) {
      // Nothing this worker could take: another instance's worker holds the rows. Give it a moment
      // of real time, or a fast pass here would use up the passes while that one is still paying.
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
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

/** Every line of every checkout paid in Alma exactly once under its CashNet tx, and nothing else. */
export function expectPaidExactlyOnce(
  sandboxAlma: Pick<SandboxAlma, 'ledger'>,
  checkouts: { tx: string; lines: { feeId: string; amountCents: number }[] }[],
): void {
  const ledger = sandboxAlma.ledger()
  for (const checkout of checkouts) {
    // Deferred lines may be retried in any order; each must be there exactly once.
    const paid = ledger
      .filter((payment) => payment.externalTransactionId === checkout.tx)
      .map((payment) => `${payment.feeId}:${payment.amountCents}`)
      .sort()
    expect(paid).toEqual(checkout.lines.map((line) => `${line.feeId}:${line.amountCents}`).sort())
  }
  expect(ledger).toHaveLength(checkouts.reduce((sum, c) => sum + c.lines.length, 0))
}

/** The most request arrivals a sandbox saw within any one-second window. */
export function maxStartsInAnySecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b)
  let most = 0
  let first = 0
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= 1000) first++
    most = Math.max(most, last - first + 1)
  }
  return most
}
