import { spawnSync } from 'node:child_process'
import { lookup } from 'node:dns/promises'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where the electron package records its binary, or null when it is not on disk. Honours
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

export type ElectronBinaryPlan =
  | { action: 'run'; binary: string }
  /** Missing, and the download host answers: run Electron's own installer, then look again. */
  | { action: 'download' }
  | { action: 'missing'; why: 'override' | 'offline' }

/**
 * Electron 42 and later download the binary on first run or with `npx install-electron`, never
 * during `npm install` (so ELECTRON_SKIP_BINARY_DOWNLOAD no longer applies). `npm start` fetches
 * it itself when it can: not when ELECTRON_OVERRIDE_DIST_PATH points elsewhere (the installer only
 * writes into node_modules/electron/dist), and not without a network.
 */
export function planElectronBinary(input: {
  binary: string | null
  env: Readonly<Record<string, string | undefined>>
  online: boolean
}): ElectronBinaryPlan {
  if (input.binary) return { action: 'run', binary: input.binary }
  if (input.env.ELECTRON_OVERRIDE_DIST_PATH) return { action: 'missing', why: 'override' }
  if (!input.online) return { action: 'missing', why: 'offline' }
  return { action: 'download' }
}

/** The host the binary comes from: ELECTRON_MIRROR's, else GitHub's. */
export function electronDownloadHost(env: Readonly<Record<string, string | undefined>>): string {
  const mirror = env.ELECTRON_MIRROR ?? env.npm_config_electron_mirror
  if (mirror) {
    try {
      return new URL(mirror).hostname
    } catch {
      // An unparsable mirror: the installer will say so; probe GitHub instead.
    }
  }
  return 'github.com'
}

/** Is the download host resolvable? Bounded, so an offline machine answers within a few seconds. */
export async function canReachDownloadHost(host: string, timeoutMs = 3_000): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => {
    setTimeout(resolve, timeoutMs, false).unref()
  })
  const resolved = lookup(host).then(
    () => true,
    () => false,
  )
  return Promise.race([resolved, timeout])
}

/** Runs Electron's own installer (`install-electron`), bounded in time. */
export function downloadElectron(electronPackageDir: string, timeoutMs = 300_000): boolean {
  const result = spawnSync(process.execPath, [join(electronPackageDir, 'install.js')], {
    stdio: 'inherit',
    timeout: timeoutMs,
  })
  return result.status === 0
}

export function missingElectronMessage(why: 'override' | 'offline' | 'download-failed'): string {
  const reason = {
    override: 'ELECTRON_OVERRIDE_DIST_PATH points at a folder without an Electron binary.',
    offline: 'This machine cannot reach the download host, so it could not be fetched.',
    'download-failed': 'Downloading it failed (see the installer output above).',
  }[why]
  return `
The Electron binary is not on this machine. ${reason}
Electron 42 and later download it on first run or with \`npx install-electron\`,
not during \`npm install\` (ELECTRON_SKIP_BINARY_DOWNLOAD no longer applies).

  • On a machine with internet: run \`npx install-electron\`, then \`npm start\` again
    (behind a mirror, set ELECTRON_MIRROR first).
  • To try the kiosk without Electron: run \`npm run demo\` and open the printed URL in a browser.
`
}

/**
 * How to run electron-vite's build: its own script under this Node. Spawning `npx.cmd` without a
 * shell is refused on Windows since Node 18.20.2 / 20.12.2 (CVE-2024-27980), and a shell would
 * bring quoting problems back; `process.execPath <script>` works the same on every platform.
 */
export function electronViteBuildCommand(
  root: string,
  execPath: string = process.execPath,
): { command: string; args: string[] } {
  return {
    command: execPath,
    args: [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
  }
}
