/**
 * Assembles the companion service from its configuration: storage, the Alma client, the patron,
 * checkout and postback services, the posting worker and the HTTP routes. Everything the service
 * depends on is built here and nowhere else, so tests and the demo build the same thing for real.
 */
import { randomUUID } from 'node:crypto'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createAlmaClient } from './alma/client.ts'
import type { AlmaPort } from './alma/port.ts'
import type { ServiceConfig } from './config/load.ts'
import { createKioskAuthenticator } from './http/kioskAuth.ts'
import { cashnetRoutes } from './http/cashnetRoutes.ts'
import { kioskRoutes } from './http/kioskRoutes.ts'
import { opsRoutes } from './http/opsRoutes.ts'
import { createRateLimiter } from './http/rateLimiter.ts'
import { systemClock, type Clock } from './ops/clock.ts'
import { Metrics } from './ops/metrics.ts'
import { createLookupService } from './patrons/lookupService.ts'
import { MemoryLookupStore } from './patrons/lookupStore.ts'
import { createCheckoutService } from './payments/checkoutService.ts'
import { createCheckoutNotifier } from './payments/notifier.ts'
import { createPostbackIngest } from './payments/postback/ingest.ts'
import { createIpAllowlist } from './payments/postback/verify.ts'
import { createPostingWorker } from './payments/posting/worker.ts'
import { openSqliteRepository } from './store/sqlite/index.ts'
import type { KioskSettings } from '../common/api.ts'

export interface ServiceOptions {
  config: ServiceConfig
  clock?: Clock
  logger?: FastifyServerOptions['logger']
  /** Serve the built renderer at `/` (browser preview only). */
  rendererDir?: string
  /** Lets the demo change kiosk settings at run time; defaults to the configured ones. */
  kioskSettings?: () => KioskSettings
  /** Extra routes or hooks registered before the service's own (the demo's sandbox controls). */
  extend?: (app: FastifyInstance) => void | Promise<void>
  /** How often the worker looks for work when nothing woke it. */
  workerPollMs?: number
  /** Start the posting worker and sweeps with `listen` (default true; benchmarks of ingestion turn it off). */
  backgroundWork?: boolean
  /** Per-attempt Alma client retry policy (default: 4 attempts, 200 ms base, 5 s cap). */
  almaRetry?: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number }
}

export interface Service {
  app: FastifyInstance
  metrics: Metrics
  alma: AlmaPort
  /** Starts listening and the background work (posting worker, expiry sweeps). */
  listen(port?: number, host?: string): Promise<string>
  close(): Promise<void>
}

const maxLongPollSeconds = 30
const sweepIntervalMs = 30_000

export async function createService(options: ServiceOptions): Promise<Service> {
  const { config } = options
  const clock = options.clock ?? systemClock
  const metrics = new Metrics()
  const repo = await openSqliteRepository(config.databaseUrl)
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  })
  const log = (component: string) => app.log.child({ component })

  const alma = createAlmaClient({
    baseUrl: config.alma.baseUrl,
    apiKey: config.alma.apiKey,
    maxRequestsPerSecond: config.alma.maxRequestsPerSecond,
    timeoutMs: config.alma.timeoutMs,
    retry: options.almaRetry ?? { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 },
    onCall: (operation, status) => {
      metrics.almaCalls.inc({ operation, status: String(status) })
    },
  })

  const lookups = new MemoryLookupStore()
  const lookupService = createLookupService({
    alma,
    lookups,
    userIdType: config.alma.userIdType,
    cardNumberPattern: config.cardNumberPattern,
    lookupTtlMs: config.lookupTtlMs,
    refusedFor: config.paymentRefusedFor,
    pendingCentsByFee: (feeIds) => repo.pendingCentsByFee(feeIds),
    clock,
    logger: log('lookups'),
  })

  const notifier = createCheckoutNotifier()
  const checkouts = createCheckoutService({
    repo,
    alma,
    lookups,
    clock,
    notifier,
    minPaymentCents: config.minPaymentCents,
    checkoutTtlMs: config.checkoutTtlMs,
    logger: log('checkouts'),
    cashnet: {
      checkoutUrl: config.cashnet.checkoutUrl,
      defaultItemCode: config.cashnet.defaultItemCode,
      itemCodes: config.cashnet.itemCodes,
      refType: config.cashnet.refType,
      refTypeField: config.cashnet.refTypeField,
      refValueField: config.cashnet.refValueField,
      custcode: config.cashnet.custcode,
      returnUrl: `${config.publicBaseUrl}/cashnet/return`,
    },
  })

  const worker = createPostingWorker({
    repo,
    alma,
    notifier,
    clock,
    paymentMethod: config.alma.paymentMethod,
    settleMs: config.alma.settleMs,
    stuckAfterMs: config.alma.stuckAfterMs,
    onPayUncertain: () => {
      metrics.payUncertain.inc()
    },
    pollIntervalMs: options.workerPollMs ?? 1_000,
    logger: log('posting'),
  })

  const ingest = createPostbackIngest({
    repo,
    notifier,
    clock,
    secret: config.cashnet.postbackSecret,
    allowedIps: config.cashnet.allowedIps,
    onOutcome: (outcome) => {
      metrics.postbacks.inc({ outcome })
    },
    onAccepted: () => {
      worker.wake()
    },
    logger: log('postbacks'),
  })

  metrics.addGauge('kiosk_outbox_depth', 'Payments to Alma not yet posted.', () =>
    worker.outboxDepth(),
  )
  metrics.addLabelledGauge(
    'kiosk_payment_exceptions_open',
    'Exceptions staff have not resolved yet, by kind (every kind, zero included).',
    ['kind'],
    async () =>
      Object.entries(await repo.countOpenExceptions()).map(([kind, value]) => ({
        labels: { kind },
        value,
      })),
  )
  metrics.addGauge(
    'kiosk_oldest_unposted_payment_age_seconds',
    'Age of the oldest payment received from CashNet and not yet posted to Alma.',
    () => worker.oldestUnpostedAgeSeconds(),
  )

  if (options.extend) await options.extend(app)

  await app.register(opsRoutes({ metrics, checkReady: () => repo.ping() }))
  await app.register(
    kioskRoutes({
      authenticate: createKioskAuthenticator(config.kiosks),
      rateLimiter: createRateLimiter({
        perMinute: config.kioskRequestsPerMinute,
        now: () => clock.now(),
      }),
      lookups: lookupService,
      checkouts: {
        create: async (kioskId, request) => {
          const created = await checkouts.create(kioskId, request)
          metrics.checkouts.inc()
          return created
        },
        getState: (kioskId, checkoutId) => checkouts.getState(kioskId, checkoutId),
        waitForChange: (kioskId, checkoutId, knownStatus, timeoutMs) =>
          checkouts.waitForChange(kioskId, checkoutId, knownStatus, timeoutMs),
        cancel: (kioskId, checkoutId) => checkouts.cancel(kioskId, checkoutId),
      },
      kioskSettings: options.kioskSettings ?? (() => config.kioskSettings),
      maxWaitSeconds: maxLongPollSeconds,
    }),
  )
  const cashnetAddresses = createIpAllowlist(config.cashnet.allowedIps)
  await app.register(
    cashnetRoutes({
      ingest,
      trustProxy: config.trustProxy,
      requestsPerMinute: config.cashnet.requestsPerMinute,
      exempt: (sourceIp) => config.cashnet.allowedIps.length > 0 && cashnetAddresses(sourceIp),
    }),
  )
  if (options.rendererDir) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' })
  }

  let sweeper: NodeJS.Timeout | null = null
  const sweep = () => {
    lookups.sweep(clock.now())
    checkouts.expireStale().catch((error: unknown) => {
      app.log.error({ err: error }, 'expiring stale checkouts failed')
    })
  }

  return {
    app,
    metrics,
    alma,
    listen: async (port = config.port, host = config.host) => {
      const address = await app.listen({ port, host })
      if (options.backgroundWork !== false) {
        worker.start()
        sweeper = setInterval(sweep, sweepIntervalMs)
        sweeper.unref()
      }
      return address
    },
    close: async () => {
      if (sweeper) clearInterval(sweeper)
      await app.close()
      await worker.stop()
      await repo.close()
    },
  }
}
