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
  canReachDownloadHost,
  downloadElectron,
  electronDownloadHost,
  electronViteBuildCommand,
  findElectronBinary,
  missingElectronMessage,
  planElectronBinary,
} from './electronBinary.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const electronDir = fileURLToPath(new URL('../node_modules/electron', import.meta.url))

const found = findElectronBinary(electronDir)
const plan = planElectronBinary({
  binary: found,
  env: process.env,
  // Only probed when the binary is missing: a normal start never waits on the network.
  online: found ? true : await canReachDownloadHost(electronDownloadHost(process.env)),
})
let electron: string | null = plan.action === 'run' ? plan.binary : null
if (plan.action === 'download') {
  console.log('The Electron binary is not on this machine yet: fetching it (npx install-electron).')
  electron = downloadElectron(electronDir) ? findElectronBinary(electronDir) : null
}
if (!electron) {
  console.error(missingElectronMessage(plan.action === 'missing' ? plan.why : 'download-failed'))
  process.exit(1)
}

// `npm start -- --no-build` reuses what is already in out/.
if (!process.argv.includes('--no-build')) {
  const { command, args } = electronViteBuildCommand(root)
  const build = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
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
