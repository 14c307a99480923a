/**
 * The one composition root: configuration → institutions → storage → services → HTTP app. The
 * service (`server/index.ts`), the demo, the tests and the benchmarks all build the service here;
 * they override only what they must (a test clock, a logger, a faster poll).
 *
 * Per institution: its own Alma client (its key, its rate limiter), lookup and checkout services.
 * Shared: the repository (every row carries its institution), the status notifier, the postback
 * ingest (the secret says whose postback it is) and one posting worker for every institution.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { staffConsolePages, staffPath, staffPathPrefix } from '../common/staffApi.ts'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { KioskSettings } from '../common/api.ts'
import { cashnetDeskReturnPath, cashnetPaths, serviceUrl } from '../common/cashnet.ts'
import { payPaths } from '../common/payApi.ts'
import { createAlmaClient, type AlmaRetryOptions } from './alma/client.ts'
import type { AlmaPort } from './alma/port.ts'
import { ConfigError } from './config/load.ts'
import type { InstitutionConfig, ServiceConfig } from './config/types.ts'
import { createLogoStore } from './logo/logoStore.ts'
import { cashnetRoutes } from './http/cashnetRoutes.ts'
import { kioskRoutes } from './http/kioskRoutes.ts'
import { opsRoutes } from './http/opsRoutes.ts'
import { createRateLimiter } from './http/rateLimiter.ts'
import { createInstitutionRegistry, type InstitutionRegistry } from './institutions/registry.ts'
import { systemClock, type Clock } from './ops/clock.ts'
import { Metrics } from './ops/metrics.ts'
import { createLookupService, type LookupService } from './patrons/lookupService.ts'
import { MemoryLookupStore, type LookupStore } from './patrons/lookupStore.ts'
import { createCheckoutService, type CheckoutService } from './payments/checkoutService.ts'
import type { PaymentHolder } from './payments/holder.ts'
import type { PaymentsLogger } from './payments/logger.ts'
import {
  acrossInstances,
  createCheckoutNotifier,
  type CheckoutNotifier,
} from './payments/notifier.ts'
import { withStatusNotifications } from './payments/notifyingRepository.ts'
import { createPostbackIngest, type PostbackIngest } from './payments/postback/ingest.ts'
import { createIpAllowlist } from './payments/postback/verify.ts'
import {
  createPostingWorker,
  type PostingWorker,
  type PostingWorkerDeps,
} from './payments/posting/worker.ts'
import type { PaymentsRepository, PostbackOutcome } from './store/repository.ts'
import { openStore, type OpenedStore } from './store/index.ts'
import type { MailQueue } from './store/mailQueue.ts'
import {
  createNotifyService,
  type NotifyService,
  type NotifyServiceDeps,
} from './notify/service.ts'
import { smtpTransport, type MailTransport } from './notify/transport.ts'
import { PgAlmaLimiter } from './store/postgres/almaLimiter.ts'
import { PgLookupStore } from './store/postgres/lookupStore.ts'
import { openStatusChannel, type StatusChannel } from './store/postgres/statusChannel.ts'
import type { StaffRepository } from './store/staff.ts'
import type { PayLinkRepository } from './store/payLinks.ts'
import { staffRoutesPlugin } from './http/staffRoutes.ts'
import { createReconciliationService } from './reconciliation/service.ts'
import { createAccounts, type Accounts } from './staff/accounts.ts'
import { createDeskService } from './staff/deskService.ts'
import { createPayLinks, qrSvgOf, type PayLinks } from './pay/payLinks.ts'
import { createPaySessions, type PaySessions, type VerifyPrimoToken } from './pay/paySessions.ts'
import { payRoutesPlugin } from './http/payRoutes.ts'
import { createPrimoTokenVerifier } from './pay/primoToken.ts'
import { primoReturnUrl } from './pay/primoReturnUrl.ts'
import { PaymentError } from './payments/errors.ts'
import { kioskHolder } from './payments/holder.ts'
import { createExceptionsService } from './staff/exceptionsService.ts'
import { createPaymentsService } from './staff/paymentsService.ts'
import { createSso } from './staff/sso.ts'
import { createStaffAuth, type StaffAuth } from './staff/staffAuth.ts'
import { todayView } from './staff/today.ts'

export interface AssembleOverrides {
  clock?: Clock
  /** How the service fetches a library logo given as a URL (default: global fetch). */
  fetch?: typeof fetch
  logger?: FastifyServerOptions['logger']
  /** Serve the built renderer at `/` (browser preview only). */
  rendererDir?: string
  /** Lets the demo change an institution's kiosk settings at run time. */
  kioskSettings?: (institution: InstitutionConfig) => KioskSettings
  /** Extra routes or hooks registered before the service's own (the demo's sandbox controls). */
  extend?: (app: FastifyInstance) => void | Promise<void>
  /** How often the worker looks for work when nothing woke it (default 1 s). */
  workerPollMs?: number
  /** Start the posting worker and sweeps with `listen` (default true; ingestion benchmarks: off). */
  backgroundWork?: boolean
  /** Per-attempt Alma client retry policy for GETs (default: 4 attempts, 200 ms base, 5 s cap). */
  almaRetry?: AlmaRetryOptions
  /** Worker tuning tests need: backoff in milliseconds, a recording logger, crash seams. */
  worker?: Pick<
    PostingWorkerDeps,
    'backoff' | 'random' | 'warnAfterMs' | 'hooks' | 'workerId' | 'leaseMs'
  > & { logger?: PaymentsLogger }
  /** Safety-net re-read while a kiosk waits for a change (default 1 s). */
  checkoutWaitPollMs?: number
  /** Checkout lifetime in milliseconds, below the configuration's one-minute floor (tests). */
  checkoutTtlMs?: number
  refusedRequestsKept?: number
  /** Observes each postback's outcome as it is answered (tests assert on the sequence). */
  onPostbackOutcome?: (outcome: PostbackOutcome) => void
  /** The built staff console (default `out/staff`); null: API only. */
  staffConsoleDir?: string | null
  /** Email tuning tests need: another transport, faster loops, the retry backoff. */
  mail?: {
    transport?: MailTransport
    producerPollMs?: number
    sender?: NotifyServiceDeps['sender']
  }
  /** The built patron pay pages (default `out/pay`); null: entries and API only. */
  payPagesDir?: string | null
  /**
   * Verifies a Primo VE token instead of `server/pay/primoToken.ts` against the configured key
   * sets (tests). Without either (no institution has Primo settings) `/pay/primo` answers 503.
   */
  verifyPrimoToken?: VerifyPrimoToken
}

interface InstitutionServices {
  institution: InstitutionConfig
  alma: AlmaPort
  lookups: LookupService
  checkouts: CheckoutService
}

export interface AssembledService {
  app: FastifyInstance
  config: ServiceConfig
  metrics: Metrics
  registry: InstitutionRegistry
  /** The repository, wrapped so that every status change it makes is published. */
  repo: PaymentsRepository
  notifier: CheckoutNotifier
  /** PostgreSQL: the LISTEN/NOTIFY link to the other instances; null on SQLite. */
  statusChannel: StatusChannel | null
  /** In memory on SQLite (one instance); in the database on PostgreSQL (shared). */
  lookupStore: LookupStore
  ingest: PostbackIngest
  worker: PostingWorker
  /** Staff accounts, sessions and the audit log. */
  staffStore: StaffRepository
  staffAuth: StaffAuth
  accounts: Accounts
  /** Pay links: made by staff and kiosks, opened by the patron pay pages. */
  payLinks: PayLinks
  /** Email: the queue and its loops; null when the service has no mail server. */
  mail: { queue: MailQueue; notify: NotifyService } | null
  /** Where pay links are stored (staff revoke them there). */
  payLinkStore: PayLinkRepository
  /** The patron pay pages' sessions (`/pay`). */
  paySessions: PaySessions
  /** One institution's services; throws for an unknown code. */
  institution(code: string): InstitutionServices
  /** Starts listening and the background work (posting worker, expiry sweeps). */
  listen(port?: number, host?: string): Promise<string>
  close(): Promise<void>
}

/** Where CashNet sends each holder's browser back: the kiosk's frame, the desk's tab, a phone. */
function returnPathFor(holder: PaymentHolder, checkoutId: string): string {
  if (holder.kioskId !== '') return cashnetPaths.return
  if (holder.channel.startsWith('desk:')) return cashnetDeskReturnPath(checkoutId)
  return payPaths.return
}

const maxLongPollSeconds = 30
const defaultStaffConsoleDir = fileURLToPath(new URL('../out/staff', import.meta.url))
const defaultPayPagesDir = fileURLToPath(new URL('../out/pay', import.meta.url))
const sweepIntervalMs = 30_000
const defaultAlmaRetry: AlmaRetryOptions = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 }

/** Rows from before institutions existed are adopted by a single-campus service, else refused. */
async function adoptUnassignedRows(
  repo: PaymentsRepository,
  config: Pick<ServiceConfig, 'institutions'>,
  log: (message: string) => void,
): Promise<void> {
  const unassigned = await repo.countUnassignedRows()
  if (unassigned === 0) return
  const [only, ...others] = config.institutions
  if (only && others.length === 0) {
    await repo.adoptUnassignedRows(only.code)
    log(`adopted ${unassigned} rows from before institutions into "${only.code}"`)
    return
  }
  throw new ConfigError([
    `the database holds ${unassigned} rows from before institutions were configured; start once with only the institution they belong to`,
  ])
}

/**
 * The database as every process opens it (the service, `npm run staff`): `DATABASE_URL` picks the
 * engine (a SQLite file, or PostgreSQL shared by several instances); migrated, with pre-institution
 * rows adopted.
 */
async function openStorage(
  config: Pick<ServiceConfig, 'databaseUrl' | 'institutions'>,
  warn: (message: string) => void,
  onPoolError?: (error: Error) => void,
): Promise<OpenedStore> {
  const opened = await openStore(config, onPoolError ? { onPoolError } : {})
  try {
    await adoptUnassignedRows(opened.repo, config, warn)
  } catch (error) {
    await opened.close()
    throw error
  }
  return opened
}

export interface StaffAdmin {
  registry: InstitutionRegistry
  staffStore: StaffRepository
  accounts: Accounts
  close(): Promise<void>
}

/**
 * What `npm run staff` needs, built from the same configuration and storage as the service: the
 * staff accounts and the institutions they may belong to. No HTTP app, no Alma clients, no worker.
 */
export async function assembleStaffAdmin(
  config: ServiceConfig,
  overrides: { clock?: Clock; warn?: (message: string) => void } = {},
): Promise<StaffAdmin> {
  const registry = createInstitutionRegistry(config.institutions)
  const opened = await openStorage(
    config,
    overrides.warn ??
      ((message) => {
        console.warn(message)
      }),
  )
  const staffStore = opened.staff
  const accounts = createAccounts({
    store: staffStore,
    registry,
    clock: overrides.clock ?? systemClock,
  })
  return {
    registry,
    staffStore,
    accounts,
    close: async () => {
      await opened.close()
    },
  }
}

export async function assembleService(
  config: ServiceConfig,
  overrides: AssembleOverrides = {},
): Promise<AssembledService> {
  const clock = overrides.clock ?? systemClock
  const metrics = new Metrics()
  const registry = createInstitutionRegistry(config.institutions)
  const app = Fastify({
    logger: overrides.logger ?? false,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  })
  const log = (component: string) => app.log.child({ component })

  const logos = createLogoStore({
    institutions: config.institutions,
    readFile: (path) => readFile(path),
    fetch: overrides.fetch ?? fetch,
    timeoutMs: 5000,
    retryAfterMs: 60_000,
    now: () => clock.now(),
    logger: log('logo'),
  })
  // A bad logo file is a configuration error: refuse to start rather than show a broken kiosk.
  await logos.loadFiles()

  const opened = await openStorage(
    config,
    (message) => {
      app.log.warn(message)
    },
    (error) => {
      app.log.error({ err: error }, 'an idle database connection failed')
    },
  )
  const store = opened.repo
  const staffStore = opened.staff
  // On PostgreSQL several instances share the database: status changes cross them by
  // LISTEN/NOTIFY, lookups and the Alma limit live in the database.
  const shared = opened.postgres
  const localNotifier = createCheckoutNotifier()
  const statusChannel = shared
    ? openStatusChannel(shared.db, shared.connection, {
        onChange: (change) => {
          localNotifier.publish(change)
        },
        onError: (error) => {
          app.log.warn({ err: error }, 'status notifications between instances interrupted')
        },
      })
    : null
  const notifier = statusChannel
    ? acrossInstances(localNotifier, (change) => {
        statusChannel.publish(change).catch((error: unknown) => {
          app.log.warn({ err: error }, 'a status notification was not sent to other instances')
        })
      })
    : localNotifier
  const repo = withStatusNotifications(store, notifier)
  const lookupStore: LookupStore = shared ? new PgLookupStore(shared.db) : new MemoryLookupStore()

  const services = new Map<string, InstitutionServices>()
  for (const institution of config.institutions) {
    const alma = createAlmaClient({
      baseUrl: institution.alma.baseUrl,
      apiKey: institution.alma.apiKey,
      maxRequestsPerSecond: institution.alma.maxRequestsPerSecond,
      ...(shared
        ? {
            limiter: new PgAlmaLimiter(shared.db, {
              institution: institution.code,
              limit: institution.alma.maxRequestsPerSecond,
              maxCallMs: institution.alma.timeoutMs,
            }),
          }
        : {}),
      timeoutMs: institution.alma.timeoutMs,
      retry: overrides.almaRetry ?? defaultAlmaRetry,
      onCall: (operation, status) => {
        metrics.almaCalls.inc({ operation, status: String(status) })
      },
    })
    const lookups = createLookupService({
      institution: institution.code,
      alma,
      lookups: lookupStore,
      userIdType: institution.alma.userIdType,
      cardNumberPattern: institution.payments.cardNumberPattern,
      lookupTtlMs: config.lookupTtlMs,
      refusedFor: institution.payments.refusedFor,
      payableOwners: institution.payments.payableOwners,
      pendingCentsByFee: (code, feeIds) => repo.pendingCentsByFee(code, feeIds),
      clock,
      logger: log('lookups'),
    })
    const checkouts = createCheckoutService({
      institution: institution.code,
      repo,
      alma,
      lookups: lookupStore,
      clock,
      notifier,
      minPaymentCents: institution.payments.minPaymentCents,
      checkoutTtlMs: overrides.checkoutTtlMs ?? config.checkoutTtlMs,
      logger: log('checkouts'),
      ...(overrides.checkoutWaitPollMs ? { waitPollMs: overrides.checkoutWaitPollMs } : {}),
      cashnet: {
        checkoutUrl: institution.cashnet.checkoutUrl,
        itemCodes: institution.cashnet.itemCodes,
        refType: institution.cashnet.refType,
        refTypeField: institution.cashnet.refTypeField,
        refValueField: institution.cashnet.refValueField,
        custcode: institution.cashnet.custcode,
        returnUrl: serviceUrl(config.publicBaseUrl, cashnetPaths.return),
      },
      returnUrlFor: (holder, checkoutId) =>
        serviceUrl(config.publicBaseUrl, returnPathFor(holder, checkoutId)),
    })
    services.set(institution.code, { institution, alma, lookups, checkouts })
  }
  const servicesOf = (code: string): InstitutionServices => {
    const found = services.get(code)
    if (!found) throw new Error(`No institution "${code}" is configured.`)
    return found
  }

  const { logger: workerLogger, ...workerTuning } = overrides.worker ?? {}
  const worker = createPostingWorker({
    repo,
    almaFor: (code) => ({
      alma: servicesOf(code).alma,
      paymentMethod: registry.get(code).alma.paymentMethod,
    }),
    notifier,
    clock,
    settleMs: config.posting.settleMs,
    stuckAfterMs: config.posting.stuckAfterMs,
    onPayUncertain: () => {
      metrics.payUncertain.inc()
    },
    pollIntervalMs: overrides.workerPollMs ?? 1_000,
    logger: workerLogger ?? log('posting'),
    ...workerTuning,
  })

  const ingest = createPostbackIngest({
    repo,
    clock,
    institutionFor: (secret) => {
      const institution = registry.byPostbackSecret(secret)
      return institution
        ? {
            code: institution.code,
            allowedIps: institution.cashnet.allowedIps,
            refType: institution.cashnet.refType,
          }
        : null
    },
    onOutcome: (outcome) => {
      metrics.postbacks.inc({ outcome })
      overrides.onPostbackOutcome?.(outcome)
    },
    logger: log('postbacks'),
    ...(overrides.refusedRequestsKept
      ? { refusedRequestsKept: overrides.refusedRequestsKept }
      : {}),
  })

  metrics.addGauge('kiosk_outbox_depth', 'Payments to Alma not yet posted.', () =>
    worker.outboxDepth(),
  )
  metrics.addLabelledGauge(
    'kiosk_payment_exceptions_open',
    'Exceptions staff have not resolved yet, by institution and kind (every kind, zero included).',
    ['institution', 'kind'],
    async () => {
      const series = []
      for (const institution of config.institutions) {
        const counts = await repo.countOpenExceptions(institution.code)
        for (const [kind, value] of Object.entries(counts)) {
          series.push({ labels: { institution: institution.code, kind }, value })
        }
      }
      return series
    },
  )
  metrics.addGauge(
    'kiosk_oldest_unposted_payment_age_seconds',
    'Age of the oldest payment received from CashNet and not yet posted to Alma.',
    () => worker.oldestUnpostedAgeSeconds(),
  )

  if (overrides.extend) await overrides.extend(app)

  const payLinks = createPayLinks({
    store: staffStore.payLinks,
    clock,
    publicBaseUrl: config.publicBaseUrl,
    ttls: config.payLinks,
  })

  const mailConfig = config.mail
  const mail = mailConfig
    ? await (async () => {
        const queue = await opened.openMailQueue()
        const notify = createNotifyService({
          queue,
          transport: overrides.mail?.transport ?? smtpTransport(mailConfig),
          repo,
          queries: store.staffQueries,
          institutions: config.institutions,
          almaFor: (code) => servicesOf(code).alma,
          checkoutsFor: (code) => servicesOf(code).checkouts,
          clock,
          publicBaseUrl: config.publicBaseUrl,
          logger: log('mail'),
          ...(overrides.mail?.sender ? { sender: overrides.mail.sender } : {}),
          ...(overrides.mail?.producerPollMs
            ? { producerPollMs: overrides.mail.producerPollMs }
            : {}),
        })
        return { queue, notify }
      })()
    : null
  if (mail) {
    metrics.addGauge('kiosk_mail_queue_pending', 'Email messages queued and not sent yet.', () =>
      mail.queue.pendingCount(),
    )
  }

  await app.register(opsRoutes({ metrics, checkReady: () => repo.ping() }))
  await app.register(
    kioskRoutes({
      authenticate: (authorization) => registry.kioskFor(authorization),
      rateLimiter: createRateLimiter({
        perMinute: config.kioskRequestsPerMinute,
        now: () => clock.now(),
      }),
      lookupsFor: (code) => servicesOf(code).lookups,
      checkoutsFor: (code) => {
        const { checkouts } = servicesOf(code)
        return {
          create: async (kioskId, request) => {
            const created = await checkouts.create(kioskId, request)
            metrics.checkouts.inc()
            return created
          },
          getState: (kioskId, checkoutId) => checkouts.getState(kioskId, checkoutId),
          waitForChange: (kioskId, checkoutId, knownStatus, timeoutMs) =>
            checkouts.waitForChange(kioskId, checkoutId, knownStatus, timeoutMs),
          cancel: (kioskId, checkoutId) => checkouts.cancel(kioskId, checkoutId),
        }
      },
      logoFor: (code) => logos.get(code),
      kioskSettingsFor: (code) => {
        const institution = registry.get(code)
        return overrides.kioskSettings?.(institution) ?? institution.kioskSettings
      },
      maxWaitSeconds: maxLongPollSeconds,
      payLinkFor: async (code, kioskId, lookupId) => {
        const settings =
          overrides.kioskSettings?.(registry.get(code)) ?? registry.get(code).kioskSettings
        if (!settings.payOnPhone) return null
        const lookup = await lookupStore.get(lookupId, clock.now())
        if (lookup?.holder !== kioskHolder(kioskId).id || lookup.institution !== code) {
          throw new PaymentError(
            'lookup_expired',
            'This session has expired. Please swipe your card again.',
          )
        }
        const created = await payLinks.create({
          institution: code,
          primaryId: lookup.primaryId,
          delivery: 'kiosk',
          createdBy: `kiosk:${kioskId}`,
        })
        return {
          url: created.url,
          qrSvg: created.qrSvg ?? (await qrSvgOf(created.url)),
          expiresAt: new Date(created.link.expiresAt).toISOString(),
        }
      },
      emailReceipt: (input) => {
        if (!mail) {
          return Promise.reject(
            new PaymentError('email_unavailable', 'Receipts cannot be emailed here.'),
          )
        }
        return mail.notify.emailReceipt(input)
      },
    }),
  )
  const cashnetAddresses = config.institutions.map((institution) => ({
    listed: institution.cashnet.allowedIps.length > 0,
    allowed: createIpAllowlist(institution.cashnet.allowedIps),
  }))
  await app.register(
    cashnetRoutes({
      ingest,
      trustProxy: config.trustProxy,
      requestsPerMinute: config.cashnetRequestsPerMinute,
      // CashNet's own addresses, where an institution lists them, are never rate-limited.
      exempt: (sourceIp) =>
        cashnetAddresses.some(({ listed, allowed }) => listed && allowed(sourceIp)),
      deskPaymentUrl: (checkoutId) =>
        serviceUrl(
          config.publicBaseUrl,
          `${staffPathPrefix}${staffPath(staffConsolePages.payment, { checkoutId })}`,
        ),
    }),
  )
  if (overrides.rendererDir) {
    await app.register(fastifyStatic, { root: overrides.rendererDir, index: 'index.html' })
  }

  const staffAuth = createStaffAuth({
    store: staffStore,
    registry,
    clock,
    policy: {
      idleMs: config.staff.sessionIdleMs,
      lockAfter: config.staff.lockAfter,
      lockMs: config.staff.lockMs,
    },
  })
  const accounts = createAccounts({ store: staffStore, registry, clock })
  const staffQueries = store.staffQueries
  await app.register(
    staffRoutesPlugin({
      auth: staffAuth,
      sso: createSso({
        store: staffStore,
        registry,
        clock,
        auth: staffAuth,
        publicBaseUrl: config.publicBaseUrl,
      }),
      accounts,
      payments: createPaymentsService({ queries: staffQueries, repo }),
      exceptions: createExceptionsService({
        repo,
        queries: staffQueries,
        staffStore,
        almaFor: (code) => ({ alma: servicesOf(code).alma, institution: registry.get(code) }),
        clock,
        wakeWorker: () => {
          worker.wake()
        },
      }),
      reconciliation: createReconciliationService({ queries: staffQueries }),
      desk: createDeskService({
        lookupsFor: (code) => servicesOf(code).lookups,
        checkoutsFor: (code) => servicesOf(code).checkouts,
        lookupStore,
        payLinks,
        payLinkStore: staffStore.payLinks,
        mailer: mail?.notify.payLinkMailer ?? null,
        staffStore,
        clock,
        maxWaitSeconds: maxLongPollSeconds,
      }),
      today: (institutions) => todayView({ queries: staffQueries, repo, clock }, institutions),
      staffStore,
      now: () => clock.now(),
      publicBaseUrl: config.publicBaseUrl,
      trustProxy: config.trustProxy,
      allowedNetworks: config.staff.allowedNetworks,
      signInRequestsPerMinute: config.staff.signInRequestsPerMinute,
      sessionIdleMs: config.staff.sessionIdleMs,
      consoleDir:
        overrides.staffConsoleDir === undefined
          ? defaultStaffConsoleDir
          : overrides.staffConsoleDir,
    }),
    { prefix: staffPathPrefix },
  )

  const settingsOf = (code: string): KioskSettings =>
    overrides.kioskSettings?.(registry.get(code)) ?? registry.get(code).kioskSettings
  const primoVerifier = createPrimoTokenVerifier({ institutions: config.institutions })
  const paySessions = createPaySessions({
    store: opened.paySessions,
    payLinks,
    verifyPrimoToken:
      overrides.verifyPrimoToken ??
      (config.institutions.some((institution) => institution.primo !== null)
        ? (jwt: string) => primoVerifier.verify(jwt)
        : null),
    hasInstitution: (code) => services.has(code),
    primoReturnUrl: (code, candidate) => primoReturnUrl(registry.get(code).primo, candidate),
    lookupsFor: (code) => servicesOf(code).lookups,
    checkoutsFor: (code) => servicesOf(code).checkouts,
    settingsFor: settingsOf,
    libraryNameOf: (code) => settingsOf(code).library.name,
    clock,
    idleMs: config.pay.sessionIdleMs,
    maxWaitSeconds: maxLongPollSeconds,
  })
  await app.register(
    payRoutesPlugin({
      sessions: paySessions,
      publicBaseUrl: config.publicBaseUrl,
      trustProxy: config.trustProxy,
      requestsPerMinute: config.pay.requestsPerMinute,
      idleMs: config.pay.sessionIdleMs,
      pagesDir: overrides.payPagesDir === undefined ? defaultPayPagesDir : overrides.payPagesDir,
    }),
  )

  let sweeper: NodeJS.Timeout | null = null
  let stopWakingMail: (() => void) | null = null
  const sweep = () => {
    lookupStore.sweep(clock.now()).catch((error: unknown) => {
      app.log.error({ err: error }, 'dropping expired lookups failed')
    })
    repo.expirePendingCheckouts(clock.now()).catch((error: unknown) => {
      app.log.error({ err: error }, 'expiring stale checkouts failed')
    })
    paySessions.sweep().catch((error: unknown) => {
      app.log.error({ err: error }, 'ending idle pay sessions failed')
    })
    staffStore
      .deleteIdleSessions(clock.now() - config.staff.sessionIdleMs)
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'ending idle staff sessions failed')
      })
  }

  return {
    app,
    config,
    metrics,
    registry,
    repo,
    notifier,
    statusChannel,
    lookupStore,
    ingest,
    worker,
    staffStore,
    staffAuth,
    accounts,
    payLinks,
    mail,
    payLinkStore: staffStore.payLinks,
    paySessions,
    institution: servicesOf,
    listen: async (port = config.port, host = config.host) => {
      const address = await app.listen({ port, host })
      if (overrides.backgroundWork !== false) {
        worker.start()
        sweeper = setInterval(sweep, sweepIntervalMs)
        sweeper.unref()
        if (mail) {
          mail.notify.start()
          // A posted payment's message goes out at once rather than at the next look.
          stopWakingMail = notifier.subscribeAll((change) => {
            if (change.status === 'posted' || change.status === 'posted_with_exceptions') {
              mail.notify.wake()
            }
          })
        }
      }
      return address
    },
    close: async () => {
      if (sweeper) clearInterval(sweeper)
      stopWakingMail?.()
      await app.close()
      await worker.stop()
      if (mail) {
        await mail.notify.stop()
        await mail.queue.close()
      }
      await statusChannel?.close()
      await opened.close()
    },
  }
}
