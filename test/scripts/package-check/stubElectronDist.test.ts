import { createRequire } from 'node:module'
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createStubElectronDist,
  defaultFuseWire,
  stubLocales,
} from '../../../scripts/package-check/stubElectronDist.ts'

const require = createRequire(import.meta.url)
const fuses = require('@electron/fuses') as {
  getCurrentFuseWire(path: string): Promise<Record<string, number | string>>
  flipFuses(path: string, config: Record<string, unknown>): Promise<number>
  FuseVersion: { V1: string }
  FuseV1Options: { RunAsNode: number; OnlyLoadAppFromAsar: number }
}

describe('scripts/package-check/stubElectronDist', () => {
  it('lays out an unpacked Linux distribution', () => {
    const dir = createStubElectronDist(join(mkdtempSync(join(tmpdir(), 'stub-')), 'dist'), '45.4.1')
    expect(readdirSync(dir).sort()).toEqual([
      'LICENSE',
      'LICENSES.chromium.html',
      'electron',
      'locales',
      'resources',
      'version',
    ])
    expect(statSync(join(dir, 'electron')).mode & 0o111).not.toBe(0)
    expect(readdirSync(join(dir, 'locales')).length).toBe(stubLocales.length)
    expect(existsSync(join(dir, 'resources', 'default_app.asar'))).toBe(false)
  })

  it('carries a fuse wire that @electron/fuses reads and flips like a real binary', async () => {
    const dir = createStubElectronDist(join(mkdtempSync(join(tmpdir(), 'stub-')), 'dist'), '45.4.1')
    const binary = join(dir, 'electron')
    const before = await fuses.getCurrentFuseWire(binary)
    expect(before.version).toBe('1')
    expect(
      Array.from(defaultFuseWire, (_state, index) =>
        String.fromCharCode(Number(before[String(index)])),
      ).join(''),
    ).toBe(defaultFuseWire)

    await fuses.flipFuses(binary, {
      version: fuses.FuseVersion.V1,
      [fuses.FuseV1Options.RunAsNode]: false,
      [fuses.FuseV1Options.OnlyLoadAppFromAsar]: true,
    })
    const after = await fuses.getCurrentFuseWire(binary)
    expect(String.fromCharCode(Number(after['0']))).toBe('0')
    expect(String.fromCharCode(Number(after['5']))).toBe('1')
    // Fuses it was not told about keep their state.
    expect(String.fromCharCode(Number(after['8']))).toBe('1')
  })
})
