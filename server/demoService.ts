/**
 * The demo: the companion service on loopback with the sandbox Alma and CashNet behind it, serving
 * the built renderer. `npm run demo`, `npm start` (Electron) and the e2e tests all run this.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { kioskSettingsSchema } from '../common/api.ts'
import { loadConfig } from './config/load.ts'
import { mergeSettings, registerDemoControls, type DemoControlsState } from './demo/controls.ts'
import { freeLoopbackPort } from './demo/freePort.ts'
import { loggerOptions } from './ops/logger.ts'
import { startSandboxAlma, type SandboxAlma } from './sandbox/alma/index.ts'
import { startSandboxCashnet, type SandboxCashnet } from './sandbox/cashnet/index.ts'
import { createService, type Service } from './service.ts'

export interface DemoService {
  url: string
  kioskId: string
  /** The demo kiosk's key, for the Electron host's proxy (the browser preview needs none). */
  kioskKey: string
  /** The sandboxes and the service itself, for tests that inspect them. */
  alma: SandboxAlma
  cashnet: SandboxCashnet
  service: Service
  close(): Promise<void>
}

export const builtRendererDir = fileURLToPath(new URL('../out/renderer', import.meta.url))

export interface DemoOptions {
  port: number
  quiet: boolean
  /** Serve the built renderer (default true). */
  serveRenderer?: boolean
  /**
   * Add the demo kiosk's key to `/api/*` requests that carry none (default true), since the browser
   * preview has no Electron proxy to do it. Tests of the kiosk key itself turn it off.
   */
  autoKioskKey?: boolean
  /** Extra pino options (tests capture the log through `stream`). */
  logStream?: NodeJS.WritableStream
}

const demoKioskId = 'demo-kiosk'

export async function startDemoService(options: DemoOptions): Promise<DemoService> {
  const serveRenderer = options.serveRenderer ?? true
  if (serveRenderer && !existsSync(`${builtRendererDir}/index.html`)) {
    throw new Error('The renderer is not built yet: run `npm run build:renderer` first.')
  }
  const port = options.port === 0 ? await freeLoopbackPort() : options.port
  const publicBaseUrl = `http://127.0.0.1:${port}`
  const postbackSecret = randomBytes(24).toString('hex')
  const kioskKey = randomBytes(24).toString('hex')
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-demo-'))

  const alma = await startSandboxAlma()
  const cashnetDefaults = {
    postbackUrl: `${publicBaseUrl}/cashnet/postback/${postbackSecret}`,
    returnMethod: 'POST' as const,
    duplicatePostbacks: 1,
    postbackDelayMs: 0,
  }
  const cashnet = await startSandboxCashnet(cashnetDefaults)

  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: publicBaseUrl,
    DATABASE_URL: join(dataDir, 'demo.sqlite'),
    LOG_LEVEL: options.quiet ? 'warn' : 'info',
    ALMA_API_BASE_URL: alma.url,
    ALMA_API_KEY: alma.apiKey,
    ALMA_USER_ID_TYPE: 'BARCODE',
    CASHNET_CHECKOUT_URL: cashnet.storeUrl,
    CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
    CASHNET_ITEM_CODES: 'LOSTITEMREPLACEMENTFEE=LIB-LOST,LOSTITEMPROCESSFEE=LIB-LOST',
    CASHNET_POSTBACK_SECRET: postbackSecret,
    KIOSK_KEYS: `${demoKioskId}:${kioskKey}`,
    KIOSK_REQUESTS_PER_MINUTE: '6000',
    // The demo's kiosk, its CashNet and its tests all come from 127.0.0.1.
    CASHNET_REQUESTS_PER_MINUTE: '6000',
    LIBRARY_NAME: 'Demo University Library',
    KIOSK_ALLOW_MANUAL_ENTRY: 'true',
    SANDBOX: 'true',
  })

  const state: DemoControlsState = { apiDown: false, settingsOverride: {} }
  const service = await createService({
    config,
    logger: loggerOptions(config.logLevel, options.logStream),
    ...(serveRenderer ? { rendererDir: builtRendererDir } : {}),
    workerPollMs: 250,
    kioskSettings: () =>
      kioskSettingsSchema.parse(mergeSettings(config.kioskSettings, state.settingsOverride)),
    extend: (app) => {
      registerDemoControls(app, { alma, cashnet, state, cashnetDefaults })
      if (options.autoKioskKey === false) return
      // The browser preview has no Electron proxy to add the kiosk key: the demo adds it itself.
      app.addHook('onRequest', (request, _reply, done) => {
        if (request.url.startsWith('/api/') && !request.headers.authorization) {
          request.headers.authorization = `Bearer ${kioskKey}`
        }
        done()
      })
    },
  })
  const url = await service.listen(port, '127.0.0.1')

  return {
    url,
    kioskId: demoKioskId,
    kioskKey,
    alma,
    cashnet,
    service,
    close: async () => {
      await service.close()
      await cashnet.close()
      await alma.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
