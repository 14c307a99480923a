import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where `npm install electron` records the binary, or null when it is not on disk. Honours
 * ELECTRON_OVERRIDE_DIST_PATH like the electron package itself (a locally built or copied Electron).
 */
export function findElectronBinary(
  electronPackageDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | null {
  const pathFile = join(electronPackageDir, 'path.txt')
  const recorded = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  const override = env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const binary = join(
      override,
      recorded ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'),
    )
    return existsSync(binary) ? binary : null
  }
  if (recorded === null) return null
  const binary = join(electronPackageDir, 'dist', recorded)
  return existsSync(binary) ? binary : null
}

/** Runs Electron's own installer once, bounded in time, for machines that skipped it. */
export function tryDownloadElectron(electronPackageDir: string, timeoutMs = 180_000): void {
  spawnSync(process.execPath, [join(electronPackageDir, 'install.js')], {
    stdio: 'inherit',
    timeout: timeoutMs,
  })
}

export const missingElectronMessage = `
The Electron binary is not installed, and it could not be downloaded
(this machine may have no internet access, or ELECTRON_SKIP_BINARY_DOWNLOAD is set).

  • On a machine with internet: delete node_modules/electron and run \`npm install\` again.
  • To try the kiosk without Electron: run \`npm run demo\` and open the printed URL in a browser.
`
