import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findElectronBinary } from '../../scripts/electronBinary.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('scripts/start', () => {
  it('finds the Electron binary only when it is on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'electron-pkg-'))
    expect(findElectronBinary(dir)).toBeNull()
    writeFileSync(join(dir, 'path.txt'), 'electron')
    expect(findElectronBinary(dir)).toBeNull()
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist', 'electron'), '')
    expect(findElectronBinary(dir)).toBe(join(dir, 'dist', 'electron'))
  })

  it('explains what to do when the binary is missing', () => {
    // This machine cannot download Electron; skipping the download makes the check deterministic.
    if (findElectronBinary(join(root, 'node_modules/electron'))) return
    const result = spawnSync(process.execPath, [join(root, 'scripts/start.ts')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('The Electron binary is not installed')
    expect(result.stderr).toContain('npm run demo')
  })
})
