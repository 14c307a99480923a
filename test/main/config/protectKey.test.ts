import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMachineConfig } from '../../../main/config/loadKioskConfig.ts'
import { protectKeyFile } from '../../../main/config/protectKey.ts'
import { safeStorage } from '../../fakes/electron.ts'

const files = {
  readFile: (path: string) => readFileSync(path, 'utf8'),
  writeFile: (path: string, text: string) => {
    writeFileSync(path, text)
  },
}

describe('main/config/protectKey', () => {
  it('writes a kioskKeyProtected value that the config loader decrypts back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'protect-key-'))
    const input = join(dir, 'key.txt')
    writeFileSync(input, 'a-long-kiosk-key-0123456789\n')
    const result = protectKeyFile(input, safeStorage, files)
    expect(result).toEqual({ ok: true, outputPath: `${input}.protected.txt` })
    const protectedKey = readFileSync(`${input}.protected.txt`, 'utf8').trim()
    expect(protectedKey).not.toContain('a-long-kiosk-key')

    const config = join(dir, 'kiosk.json')
    writeFileSync(
      config,
      JSON.stringify({
        kioskId: 'k1',
        service: { url: 'https://svc.example.edu' },
        kioskKeyProtected: protectedKey,
        cashnet: { allowedOrigins: ['https://commerce.cashnet.com'] },
      }),
    )
    const loaded = loadMachineConfig(
      { path: config, source: 'argument' },
      { readFile: files.readFile, decryptor: safeStorage },
    )
    expect(loaded.ok && loaded.config.kioskKey).toBe('a-long-kiosk-key-0123456789')
  })

  it('refuses a short key and a machine without safeStorage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'protect-key-'))
    const short = join(dir, 'short.txt')
    writeFileSync(short, 'abc')
    expect(protectKeyFile(short, safeStorage, files)).toEqual({
      ok: false,
      problem: `${short} must hold the kiosk key (at least 16 characters).`,
    })
    const good = join(dir, 'good.txt')
    writeFileSync(good, 'a-long-kiosk-key-0123456789')
    const unavailable = { ...safeStorage, isEncryptionAvailable: () => false }
    expect(protectKeyFile(good, unavailable, files)).toEqual({
      ok: false,
      problem: 'safeStorage is not available for this account on this machine.',
    })
    expect(protectKeyFile(join(dir, 'missing.txt'), safeStorage, files).ok).toBe(false)
  })
})
