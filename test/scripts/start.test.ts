import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { kioskSettingsSchema } from '../../common/api.ts'
import {
  electronDownloadHost,
  electronViteBuildCommand,
  findElectronBinary,
  planElectronBinary,
} from '../../scripts/electronBinary.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('scripts/start', () => {
  it('finds the Electron binary only when it is on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'electron-pkg-'))
    expect(findElectronBinary(dir, {})).toBeNull()
    writeFileSync(join(dir, 'path.txt'), 'electron')
    expect(findElectronBinary(dir, {})).toBeNull()
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist', 'electron'), '')
    expect(findElectronBinary(dir, {})).toBe(join(dir, 'dist', 'electron'))
  })

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'electron-override-'))
    const env = { ELECTRON_OVERRIDE_DIST_PATH: dir }
    expect(findElectronBinary(join(dir, 'no-package'), env)).toBeNull()
    writeFileSync(join(dir, 'electron'), '')
    expect(findElectronBinary(join(dir, 'no-package'), env)).toBe(join(dir, 'electron'))
  })

  it('fetches a missing binary itself when the network is there, and only then', () => {
    const none = { binary: null, env: {} }
    expect(planElectronBinary({ ...none, online: true })).toEqual({ action: 'download' })
    expect(planElectronBinary({ ...none, online: false })).toEqual({
      action: 'missing',
      why: 'offline',
    })
    // The installer writes into node_modules/electron/dist, never into an override folder.
    expect(
      planElectronBinary({
        binary: null,
        env: { ELECTRON_OVERRIDE_DIST_PATH: '/x' },
        online: true,
      }),
    ).toEqual({ action: 'missing', why: 'override' })
    // ELECTRON_SKIP_BINARY_DOWNLOAD no longer means anything to Electron 42+.
    expect(
      planElectronBinary({
        binary: null,
        env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
        online: true,
      }),
    ).toEqual({ action: 'download' })
    expect(planElectronBinary({ binary: '/e/electron', env: {}, online: false })).toEqual({
      action: 'run',
      binary: '/e/electron',
    })
    expect(electronDownloadHost({})).toBe('github.com')
    expect(
      electronDownloadHost({ ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/' }),
    ).toBe('npmmirror.com')
  })

  it("builds with electron-vite's own script under this Node, never through npx.cmd", () => {
    const { command, args } = electronViteBuildCommand(root, 'C:\\node\\node.exe')
    expect(command).toBe('C:\\node\\node.exe')
    expect(args).toEqual([join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'])
    // The script is really there, and it is what the electron-vite package declares as its bin.
    const pkg = JSON.parse(
      readFileSync(join(root, 'node_modules/electron-vite/package.json'), 'utf8'),
    ) as { bin: Record<string, string> }
    expect(join(root, 'node_modules/electron-vite', pkg.bin['electron-vite'] ?? '')).toBe(args[0])
  })

  it('explains what to do when the binary is missing', () => {
    // An empty override folder makes the binary missing on every machine without any download.
    const emptyDist = mkdtempSync(join(tmpdir(), 'electron-missing-'))
    const result = spawnSync(process.execPath, [join(root, 'scripts/start.ts')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: emptyDist },
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('The Electron binary is not on this machine.')
    expect(result.stderr).toContain('npx install-electron')
    expect(result.stderr).not.toContain('delete node_modules/electron')
    expect(result.stderr).toContain('npm run demo')
  })

  // The stand-in for the Electron binary is a #!/bin/sh script, which Windows cannot execute.
  it.skipIf(process.platform === 'win32')(
    'hands the in-process demo service to Electron: --demo, URL, key and CashNet origin',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'fake-electron-'))
      const probe = fileURLToPath(new URL('support/fakeElectronProbe.ts', import.meta.url))
      const binary = join(dir, 'electron')
      writeFileSync(binary, `#!/bin/sh\nexec "${process.execPath}" "${probe}" "$@"\n`)
      chmodSync(binary, 0o755)
      const report = join(dir, 'report.json')
      const result = spawnSync(process.execPath, [join(root, 'scripts/start.ts'), '--no-build'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir, PROBE_OUT: report },
        timeout: 60_000,
      })
      expect(result.status, result.stderr).toBe(0)
      const seen = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>
      expect(seen.args).toEqual([root, '--demo'])
      expect(seen).toMatchObject({ configOk: true, mode: 'demo', kioskId: 'demo-kiosk' })
      expect(seen.cashnetOrigins).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      // The service wants the key: the Electron proxy, not the demo, adds it.
      expect(seen.withKey).toBe(200)
      expect(seen.withoutKey).toBe(401)
      expect(kioskSettingsSchema.safeParse(seen.settings).success).toBe(true)
    },
  )
})
