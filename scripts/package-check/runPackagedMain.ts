/**
 * Starts a packaged kiosk's main bundle under plain Node, with `electron` resolved to the shared
 * fake (test/fakes/electron.ts), as a packaged app (`app.isPackaged`) with no machine file and a
 * `--demo` flag plus demo environment. Prints what happened as one JSON line.
 *
 * This proves the bundle is self-contained (it loads with no node_modules next to it) and that a
 * packaged, unconfigured kiosk shows "not configured" and never takes demo payments.
 *
 * Usage: node scripts/package-check/runPackagedMain.ts <extracted app.asar folder>
 */
import { mkdtempSync } from 'node:fs'
import { registerHooks } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const appDir = process.argv[2]
if (!appDir) {
  console.error('usage: runPackagedMain.ts <extracted app folder>')
  process.exit(2)
}

const fakeUrl = new URL('../../test/fakes/electron.ts', import.meta.url).href
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: fakeUrl, shortCircuit: true, format: 'module' }
    return nextResolve(specifier, context)
  },
})

interface FakeModule {
  app: {
    isPackaged: boolean
    setPath(name: string, path: string): void
    fakeReady(): void
    exitCalls: number[]
  }
  BrowserWindow: { created: { webContents: { url: string } }[] }
  protocol: { fakeRequest(url: string): Promise<Response> }
  ipcMain: { handlers: Map<string, unknown> }
}

const fake = (await import(fakeUrl)) as FakeModule
const home = mkdtempSync(join(tmpdir(), 'kiosk-packaged-main-'))
fake.app.isPackaged = true
for (const name of ['appData', 'temp']) fake.app.setPath(name, join(home, name))

process.argv = [process.execPath, appDir, '--demo']
process.env.KIOSK_CONFIG = join(home, 'missing', 'kiosk.json')
process.env.KIOSK_SERVICE_URL = 'http://127.0.0.1:9'
process.env.KIOSK_ID = 'demo-kiosk'
process.env.KIOSK_KEY = 'demo-key-demo-key-demo-key'
process.env.KIOSK_CASHNET_ORIGINS = 'http://127.0.0.1:9'

await import(pathToFileURL(join(appDir, 'out', 'main', 'index.js')).href)
fake.app.fakeReady()

let windowUrl = ''
for (let attempt = 0; attempt < 100 && !windowUrl; attempt += 1) {
  await new Promise((resolve) => setTimeout(resolve, 50))
  windowUrl = fake.BrowserWindow.created[0]?.webContents.url ?? ''
}

const page = windowUrl ? await fake.protocol.fakeRequest(windowUrl) : null
const renderer = await fake.protocol.fakeRequest('app://kiosk/index.html')
const api = await fake.protocol.fakeRequest('app://kiosk/api/v1/kiosk-settings')

console.log(
  JSON.stringify({
    windowUrl,
    pageStatus: page?.status ?? null,
    pageHtml: page ? await page.text() : '',
    rendererStatus: renderer.status,
    apiStatus: api.status,
    bridgeHandlers: [...fake.ipcMain.handlers.keys()],
    exitCalls: fake.app.exitCalls,
  }),
)
process.exit(0)
