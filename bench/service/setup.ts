/** Builds the real service against the sandboxes with benchmark-friendly limits. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { checkoutCreatedSchema } from '../../common/api.ts'
import {
  cashnetPostbackPath,
  cashnetSuccessResult,
  encodePostback,
  serviceUrl,
} from '../../common/cashnet.ts'
import { loadConfig } from '../../server/config/load.ts'
import { onFreeLoopbackPort } from '../../server/demo/freePort.ts'
import { startSandboxAlma, type SandboxAlma } from '../../server/sandbox/alma/index.ts'
import { assembleService, type AssembledService } from '../../server/assemble.ts'

export interface BenchService {
  url: string
  alma: SandboxAlma
  service: AssembledService
  kioskKey: string
  secret: string
  close(): Promise<void>
}

export async function startBenchService(options: {
  almaLatencyMs: number
  almaRequestsPerSecond: number
  backgroundWork: boolean
  /** Default: a SQLite file in a temp dir. `postgres://…` for PostgreSQL. */
  databaseUrl?: string
  /** Another instance's sandbox Alma (two instances, one Alma); not closed here. */
  sharedAlma?: SandboxAlma
}): Promise<BenchService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-bench-'))
  const alma =
    options.sharedAlma ??
    (await startSandboxAlma({
      latencyMs: options.almaLatencyMs,
      maxRequestsPerSecond: options.almaRequestsPerSecond,
    }))
  const kioskKey = 'bench-kiosk-key'
  const secret = 'bench-postback-secret'
  // The port goes into the service's settings (its public URL) before it listens.
  const { url, service } = await onFreeLoopbackPort(async (port) => {
    const config = loadConfig({
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: options.databaseUrl ?? join(dataDir, 'bench.sqlite'),
      ALMA_API_BASE_URL: alma.url,
      ALMA_API_KEY: alma.apiKey,
      ALMA_USER_ID_TYPE: 'BARCODE',
      ALMA_MAX_REQUESTS_PER_SECOND: String(options.almaRequestsPerSecond),
      CASHNET_CHECKOUT_URL: 'http://127.0.0.1:9/STORE',
      CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
      CASHNET_POSTBACK_SECRET: secret,
      // Postbacks come from CashNet's own (allowlisted, so never rate-limited) address, as in production.
      CASHNET_ALLOWED_IPS: '127.0.0.1',
      KIOSK_KEYS: `bench:${kioskKey}`,
      KIOSK_REQUESTS_PER_MINUTE: '100000',
    })
    const service = await assembleService(config, {
      backgroundWork: options.backgroundWork,
      workerPollMs: 200,
    })
    try {
      return { url: await service.listen(port, '127.0.0.1'), service }
    } catch (error) {
      await service.close()
      throw error
    }
  })
  return {
    url,
    alma,
    service,
    kioskKey,
    secret,
    close: async () => {
      await service.close()
      if (!options.sharedAlma) await alma.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function kioskPost(
  bench: BenchService,
  path: string,
  body: unknown,
): Promise<unknown> {
  const response = await fetch(`${bench.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bench.kioskKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${path} answered ${response.status}`)
  return response.json()
}

/** A service with fast Alma for ingestion benchmarks, and a lookup to make checkouts from. */
export async function startIngestBench(
  cardNumber: string,
  storage: { databaseUrl?: string; sharedAlma?: SandboxAlma } = {},
) {
  const bench = await startBenchService({
    almaLatencyMs: 0,
    almaRequestsPerSecond: 1000,
    backgroundWork: false,
    ...storage,
  })
  const { lookupId } = lookupAnswer.parse(await kioskPost(bench, '/api/v1/lookups', { cardNumber }))
  const checkout = async () =>
    checkoutCreatedSchema.parse(await kioskPost(bench, '/api/v1/checkouts', { lookupId }))
  return { bench, checkout }
}

export const lookupAnswer = z.object({ lookupId: z.string() })

/** A successful CashNet postback body for a checkout, as the sandbox CashNet would send it. */
export function postbackBody(checkoutId: string, tx: string, amounts: readonly number[]): string {
  return encodePostback({
    result: cashnetSuccessResult,
    respmessage: 'SUCCESS',
    tx,
    batchno: '1',
    items: amounts.map((amountCents) => ({ itemCode: 'LIB-FINE', amountCents })),
    references: [{ index: 1, item: 1, type: 'CHECKOUT_ID', value: checkoutId }],
  })
}

/** Where the bench service takes CashNet postbacks. */
export function postbackUrl(bench: BenchService): string {
  return serviceUrl(bench.url, cashnetPostbackPath(bench.secret))
}
