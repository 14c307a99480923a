import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { kioskSettingsSchema } from '../../common/api.ts'
import { findElectronBinary } from '../../scripts/electronBinary.ts'

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

  it('explains what to do when the binary is missing', () => {
    // An empty override folder makes the binary missing on every machine, and skipping the
    // download keeps the check offline and quick.
    const emptyDist = mkdtempSync(join(tmpdir(), 'electron-missing-'))
    const result = spawnSync(process.execPath, [join(root, 'scripts/start.ts')], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
        ELECTRON_OVERRIDE_DIST_PATH: emptyDist,
      },
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('The Electron binary is not installed')
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
