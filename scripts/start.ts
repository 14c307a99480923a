/**
 * `npm start`: the Electron kiosk in demo mode, from a checkout. Builds main, preload and renderer,
 * starts the companion service with its sandbox on loopback, and launches Electron against it.
 */
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
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

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const build = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const { startDemoService } = await import('../server/demoService.ts')
const service = await startDemoService({ port: 0, quiet: true })
console.log(`Demo service with sandbox Alma and CashNet at ${service.url}`)

const child = spawn(electron, [root, '--demo'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, KIOSK_SERVICE_URL: service.url, KIOSK_DEMO: '1' },
})
child.on('exit', (code) => {
  void service.close().then(() => process.exit(code ?? 0))
})
