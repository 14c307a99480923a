/**
 * The demo: the companion service on loopback with the sandbox Alma, CashNet and Primo behind it,
 * serving the built renderer and, at `/staff`, the built staff console. `npm run demo`, `npm start`
 * (Electron) and the e2e tests all run this.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { kioskSettingsSchema } from '../common/api.ts'
import { cashnetPostbackPath, serviceUrl } from '../common/cashnet.ts'
import { loadConfig } from './config/load.ts'
import { mergeSettings, registerDemoControls, type DemoControlsState } from './demo/controls.ts'
import { freeLoopbackPort } from './demo/freePort.ts'
import { seedStaffDemo } from './demo/staffSeed.ts'
import { loggerOptions } from './ops/logger.ts'
import { startSandboxAlma, type SandboxAlma } from './sandbox/alma/index.ts'
import {
  startSandboxCashnet,
  type SandboxCashnet,
  type SandboxCashnetSettings,
} from './sandbox/cashnet/index.ts'
import { startSandboxMail, type SandboxMail } from './sandbox/mail/index.ts'
import { startSandboxPrimo, type SandboxPrimo } from './sandbox/primo/index.ts'
import { assembleService, type AssembledService } from './assemble.ts'
import { demoLogoPng } from './demo/demoLogo.ts'

/** One of the demo's campuses: its code, its kiosk, and its own sandbox Alma and CashNet. */
interface DemoInstitution {
  code: string
  name: string
  kioskId: string
  kioskKey: string
  alma: SandboxAlma
  cashnet: SandboxCashnet
}

export interface DemoService {
  url: string
  /** The campus the browser preview shows (its kiosk key is added to key-less `/api/` calls). */
  shown: DemoInstitution
  /** Both demo campuses, served by the one service. */
  institutions: DemoInstitution[]
  kioskId: string
  /** The shown kiosk's key, for the Electron host's proxy (the browser preview needs none). */
  kioskKey: string
  /** The shown campus's sandboxes, for tests that inspect them. */
  alma: SandboxAlma
  cashnet: SandboxCashnet
  /** Primo VE's "Pay fines" link for the seed patrons of both campuses, and their key sets. */
  primo: SandboxPrimo
  /** The loopback mail server the demo sends its email to ("Email my receipt"). */
  mail: SandboxMail
  service: AssembledService
  /** Where a campus's CashNet posts back (its secret in the path): for tests of postbacks. */
  postbackUrlOf(code: string): string
  close(): Promise<void>
}

const builtRendererDir = fileURLToPath(new URL('../out/renderer', import.meta.url))

export interface DemoOptions {
  port: number
  quiet: boolean
  /** Serve the built renderer (default true). */
  serveRenderer?: boolean
  /**
   * Add the shown kiosk's key to `/api/*` requests that carry none (default true), since the
   * browser preview has no Electron proxy to do it. Tests of the kiosk key itself turn it off.
   */
  autoKioskKey?: boolean
  /** Which demo campus the preview shows (default the first, `01CALS_DMU`). */
  institution?: string
  /** Extra pino options (tests capture the log through `stream`). */
  logStream?: NodeJS.WritableStream
  /**
   * Seed staff accounts and payments for the staff console (`server/demo/staffSeed.ts`; default
   * false). `/healthz` answers 503 until the seed is in, so nothing starts against half of it.
   */
  seedStaff?: boolean
}

/** The two demo campuses: two institutions, as one service for several CSU campuses runs them. */
const demoCampuses = [
  {
    code: '01CALS_DMU',
    name: 'Demo University Library',
    kioskId: 'demo-kiosk',
    logoColour: '#00386b',
  },
  {
    code: '01CALS_DSU',
    name: 'Demo State University Library',
    kioskId: 'state-kiosk',
    logoColour: '#8a1c1c',
  },
] as const

export async function startDemoService(options: DemoOptions): Promise<DemoService> {
  const serveRenderer = options.serveRenderer ?? true
  if (serveRenderer && !existsSync(`${builtRendererDir}/index.html`)) {
    throw new Error('The renderer is not built yet: run `npm run build:renderer` first.')
  }
  const shownCode = options.institution ?? demoCampuses[0].code
  if (!demoCampuses.some((campus) => campus.code === shownCode)) {
    throw new Error(
      `No demo campus ${shownCode}: choose ${demoCampuses.map((c) => c.code).join(' or ')}.`,
    )
  }
  const port = options.port === 0 ? await freeLoopbackPort() : options.port
  const publicBaseUrl = `http://127.0.0.1:${port}`
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-demo-'))
  // Primo signs for each campus under its Alma institution code, as Ex Libris does.
  const primo = await startSandboxPrimo({
    serviceUrl: publicBaseUrl,
    institutionCodes: demoCampuses.map((campus) => campus.code),
  })

  // Email goes to a mail server on loopback, so "Email my receipt" works in the demo.
  const mail = await startSandboxMail()

  const campuses: (DemoInstitution & {
    secret: string
    cashnetDefaults: SandboxCashnetSettings
  })[] = []
  for (const campus of demoCampuses) {
    const secret = randomBytes(24).toString('hex')
    const alma = await startSandboxAlma()
    const cashnetDefaults = {
      postbackUrl: serviceUrl(publicBaseUrl, cashnetPostbackPath(secret)),
      returnMethod: 'POST' as const,
      duplicatePostbacks: 1,
      postbackDelayMs: 0,
    }
    const cashnet = await startSandboxCashnet(cashnetDefaults)
    campuses.push({
      ...campus,
      kioskKey: randomBytes(24).toString('hex'),
      secret,
      alma,
      cashnet,
      cashnetDefaults,
    })
  }

  // Each campus its own logo file, served to its kiosks through `/api/v1/logo`.
  const logoFileOf = ({ code }: { code: string }) => {
    const colour = demoCampuses.find((campus) => campus.code === code)?.logoColour ?? '#00386b'
    const file = join(dataDir, `logo-${code}.png`)
    writeFileSync(file, demoLogoPng(120, 40, colour))
    return file
  }

  // The demo describes its campuses the way a multi-campus site does: a config file.
  const configFile = join(dataDir, 'demo-config.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      service: {
        port,
        host: '127.0.0.1',
        publicBaseUrl,
        databaseUrl: join(dataDir, 'demo.sqlite'),
        logLevel: options.quiet ? 'warn' : 'info',
        kioskRequestsPerMinute: 6000,
        // The demo's kiosk, its CashNet and its tests all come from 127.0.0.1.
        cashnetRequestsPerMinute: 6000,
        // Every demo user and every e2e spec signs in to the console from 127.0.0.1: at the
        // production default (10 a minute per address) the suites' sign-ins trip the limit.
        staffSignInRequestsPerMinute: 600,
        smtpUrl: mail.url,
        mailFrom: 'Demo Library <library@example.edu>',
      },
      institutions: campuses.map((campus) => ({
        code: campus.code,
        name: campus.name,
        alma: { baseUrl: campus.alma.url, apiKey: campus.alma.apiKey, userIdType: 'BARCODE' },
        cashnet: {
          checkoutUrl: campus.cashnet.storeUrl,
          postbackSecret: campus.secret,
          itemCodes: {
            default: 'LIB-FINE',
            byFeeType: { LOSTITEMREPLACEMENTFEE: 'LIB-LOST', LOSTITEMPROCESSFEE: 'LIB-LOST' },
            byOwner: { LAW: { default: 'LAW-FINE' } },
          },
        },
        kiosks: [{ id: campus.kioskId, key: campus.kioskKey }],
        kiosk: { allowManualEntry: true, logoFile: logoFileOf(campus) },
        notify: { patronReceipt: true },
        primo: {
          jwksUrl: primo.jwksUrl(campus.code),
          institutionCode: campus.code,
          returnOrigins: [primo.origin],
        },
      })),
    }),
  )
  const config = loadConfig({ CONFIG_FILE: configFile, SANDBOX: 'true' })

  const shown = campuses.find((campus) => campus.code === shownCode) ?? campuses[0]
  if (!shown) throw new Error('no demo campus')
  const state: DemoControlsState = { apiDown: false, settingsOverride: {} }
  let assembled: AssembledService | null = null
  let seeding = options.seedStaff === true
  const service = await assembleService(config, {
    logger: loggerOptions(config.logLevel, options.logStream),
    ...(serveRenderer ? { rendererDir: builtRendererDir } : {}),
    workerPollMs: 250,
    kioskSettings: (institution) =>
      institution.code === shown.code
        ? kioskSettingsSchema.parse(
            mergeSettings(institution.kioskSettings, state.settingsOverride),
          )
        : institution.kioskSettings,
    extend: (app) => {
      app.addHook('onRequest', async (request, reply) => {
        if (seeding && request.url === '/healthz') {
          return reply.code(503).send({ status: 'seeding the staff demo' })
        }
      })
      registerDemoControls(app, {
        alma: shown.alma,
        cashnet: shown.cashnet,
        mail,
        state,
        cashnetDefaults: shown.cashnetDefaults,
        payLinkFor: async (cardNumber, via) => {
          if (via === 'primo')
            return primo.payLink(shown.code, shown.alma.primaryIdForCard(cardNumber))
          if (!assembled) throw new Error('the demo service is still starting')
          const created = await assembled.payLinks.create({
            institution: shown.code,
            primaryId: shown.alma.primaryIdForCard(cardNumber),
            delivery: 'qr',
            createdBy: 'demo',
          })
          return created.url
        },
      })
      if (options.autoKioskKey === false) return
      // The browser preview has no Electron proxy to add the kiosk key: the demo adds it itself.
      app.addHook('onRequest', (request, _reply, done) => {
        if (request.url.startsWith('/api/') && !request.headers.authorization) {
          request.headers.authorization = `Bearer ${shown.kioskKey}`
        }
        done()
      })
    },
  })
  assembled = service
  const url = await service.listen(port, '127.0.0.1')
  if (seeding) {
    await seedStaffDemo(service, {
      code: shown.code,
      kioskId: shown.kioskId,
      alma: shown.alma,
      postbackUrl: shown.cashnetDefaults.postbackUrl ?? '',
    })
    seeding = false
  }
  const institutions = campuses.map(({ code, name, kioskId, kioskKey, alma, cashnet }) => ({
    code,
    name,
    kioskId,
    kioskKey,
    alma,
    cashnet,
  }))
  const shownInstitution = institutions.find((campus) => campus.code === shown.code) ?? shown

  return {
    url,
    shown: shownInstitution,
    institutions,
    kioskId: shown.kioskId,
    kioskKey: shown.kioskKey,
    alma: shown.alma,
    cashnet: shown.cashnet,
    primo,
    mail,
    service,
    postbackUrlOf: (code) => {
      const campus = campuses.find((candidate) => candidate.code === code)
      if (!campus) throw new Error(`No demo campus ${code}`)
      return campus.cashnetDefaults.postbackUrl ?? ''
    },
    close: async () => {
      await service.close()
      for (const campus of campuses) {
        await campus.cashnet.close()
        await campus.alma.close()
      }
      await primo.close()
      await mail.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
