/**
 * `npm start`: the Electron kiosk in demo mode, from a checkout. Builds main, preload and renderer,
 * starts the companion service with its sandbox Alma and CashNet on loopback (in this process),
 * and launches Electron with `--demo`, handing over the service URL, the demo kiosk's key and the
 * sandbox CashNet origin in the environment. Main serves the renderer from app://kiosk/ and proxies
 * /api/* to the service with that key, exactly as in production.
 * Usage: npm start [-- --no-build]
 */
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { demoEnv } from '../main/config/loadKioskConfig.ts'
import {
  findElectronBinary,
  missingElectronMessage,
  tryDownloadElectron,
} from './electronBinary.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const electronDir = fileURLToPath(new URL('../node_modules/electron', import.meta.url))

let electron = findElectronBinary(electronDir)
if (!electron && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  tryDownloadElectron(electronDir)
  electron = findElectronBinary(electronDir)
}
if (!electron) {
  console.error(missingElectronMessage)
  process.exit(1)
}

// `npm start -- --no-build` reuses what is already in out/.
if (!process.argv.includes('--no-build')) {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
  const build = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const { startDemoService } = await import('../server/demoService.ts')
// The Electron host adds the kiosk key itself and serves the renderer: the service does neither.
const service = await startDemoService({
  port: 0,
  quiet: true,
  serveRenderer: false,
  autoKioskKey: false,
})
console.log(`Demo service with sandbox Alma and CashNet at ${service.url}`)

const child = spawn(electron, [root, '--demo'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    [demoEnv.serviceUrl]: service.url,
    [demoEnv.kioskId]: service.kioskId,
    [demoEnv.kioskKey]: service.kioskKey,
    [demoEnv.cashnetOrigins]: service.cashnet.origin,
  },
})

let stopping = false
const stop = (code: number) => {
  if (stopping) return
  stopping = true
  void service.close().then(() => process.exit(code))
}
child.on('exit', (code) => {
  stop(code ?? 0)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    child.kill(signal)
    stop(0)
  })
}
