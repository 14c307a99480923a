import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  demoConfigFromEnv,
  loadMachineConfig,
  plainKeyPermissionWarning,
  resolveKioskConfig,
  type KeyDecryptor,
} from '../../../main/config/loadKioskConfig.ts'

const readFile = (path: string) => readFileSync(path, 'utf8')

/** Stand-in for DPAPI: base64 of "dpapi:" + key. */
const decryptor: KeyDecryptor = {
  isEncryptionAvailable: () => true,
  decryptString: (encrypted) => {
    const text = encrypted.toString('utf8')
    if (!text.startsWith('dpapi:')) throw new Error('bad ciphertext')
    return text.slice('dpapi:'.length)
  },
}
const protect = (key: string) => Buffer.from(`dpapi:${key}`).toString('base64')

const fileContents = {
  kioskId: 'pollak-1',
  service: { url: 'https://kiosk-service.library.example.edu' },
  kioskKey: 'plain-key-plain-key-1234',
  cashnet: { allowedOrigins: ['https://commerce.cashnet.com'] },
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'))
})

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function load(path: string, keyDecryptor: KeyDecryptor = decryptor) {
  return loadMachineConfig({ path, source: 'argument' }, { readFile, decryptor: keyDecryptor })
}

describe('main/config/loadKioskConfig', () => {
  it('loads a valid machine file, also one saved with a byte-order mark', () => {
    const path = write('kiosk.json', `\uFEFF${JSON.stringify(fileContents)}`)
    const result = load(path)
    expect(result.ok).toBe(true)
    expect(result.ok && result.config.kioskKey).toBe('plain-key-plain-key-1234')
  })

  it('explains a missing file and how the path was chosen', () => {
    const missing = join(dir, 'nope.json')
    expect(
      loadMachineConfig({ path: missing, source: 'default' }, { readFile, decryptor }),
    ).toEqual({
      ok: false,
      problems: [
        `No machine configuration file at ${missing}. Copy kiosk.example.json there and fill it in (or point --config or KIOSK_CONFIG at another file).`,
      ],
    })
    expect(load(missing)).toEqual({
      ok: false,
      problems: [`No machine configuration file at ${missing}. It was set by --config.`],
    })
  })

  it('reports a folder, bad JSON and schema problems without throwing', () => {
    const folder = join(dir, 'folder')
    mkdirSync(folder)
    expect(load(folder)).toEqual({
      ok: false,
      problems: [`${folder} is a folder, not a configuration file.`],
    })
    const broken = write('broken.json', '{ "kioskId": "a", }')
    const result = load(broken)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.problems[0]).toMatch(
      new RegExp(`^${broken.replaceAll('/', '\\/')} is not valid JSON: `),
    )
    const invalid = write('invalid.json', JSON.stringify({ ...fileContents, kioskId: '' }))
    expect(load(invalid)).toEqual({
      ok: false,
      problems: ['kioskId: must be 1–64 letters, digits, dots, dashes or underscores'],
    })
  })

  it('decrypts a safeStorage-protected key', () => {
    const { kioskKey: _plain, ...rest } = fileContents
    const path = write(
      'protected.json',
      JSON.stringify({ ...rest, kioskKeyProtected: protect('protected-key-0123456789') }),
    )
    const result = load(path)
    expect(result.ok && result.config.kioskKey).toBe('protected-key-0123456789')
  })

  it('says what to do when the protected key cannot be used', () => {
    const { kioskKey: _plain, ...rest } = fileContents
    const otherAccount = write(
      'other.json',
      JSON.stringify({ ...rest, kioskKeyProtected: Buffer.from('junk').toString('base64') }),
    )
    expect(load(otherAccount)).toEqual({
      ok: false,
      problems: [
        'kioskKeyProtected: could not be decrypted by this account. Protect the key again with --protect-key while signed in as the kiosk account.',
      ],
    })
    const noKeyStore: KeyDecryptor = { ...decryptor, isEncryptionAvailable: () => false }
    const good = write(
      'good.json',
      JSON.stringify({ ...rest, kioskKeyProtected: protect('protected-key-0123456789') }),
    )
    const result = load(good, noKeyStore)
    expect(!result.ok && result.problems[0]).toMatch(
      /^kioskKeyProtected: this account cannot use safeStorage/,
    )
  })

  it('builds the demo configuration from the environment npm start sets', () => {
    const result = demoConfigFromEnv({
      KIOSK_SERVICE_URL: 'http://127.0.0.1:4700',
      KIOSK_ID: 'demo-kiosk',
      KIOSK_KEY: 'demo-key-demo-key-demo',
      KIOSK_CASHNET_ORIGINS: 'http://127.0.0.1:4701, http://127.0.0.1:4702',
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config.mode).toBe('demo')
    expect(result.config.kioskKey).toBe('demo-key-demo-key-demo')
    expect(result.config.checkout.allowedOrigins).toEqual([
      'http://127.0.0.1:4701',
      'http://127.0.0.1:4702',
    ])
    expect(result.config.checkout.returnUrl.href).toBe('http://127.0.0.1:4700/cashnet/return')
    expect(demoConfigFromEnv({ KIOSK_SERVICE_URL: 'http://127.0.0.1:4700' })).toEqual({
      ok: false,
      problems: [
        'Demo mode needs KIOSK_ID, KIOSK_KEY, KIOSK_CASHNET_ORIGINS: start it with `npm start`.',
      ],
    })
  })

  it('runs demo mode only from a checkout: a packaged app reads its machine file', () => {
    const demoEnvironment = {
      KIOSK_SERVICE_URL: 'http://127.0.0.1:4700',
      KIOSK_ID: 'demo-kiosk',
      KIOSK_KEY: 'demo-key-demo-key-demo',
      KIOSK_CASHNET_ORIGINS: 'http://127.0.0.1:4701',
      KIOSK_CONFIG: join(dir, 'missing.json'),
    }
    const sources = {
      argv: ['electron', '.', '--demo'],
      env: demoEnvironment,
      platform: 'linux' as const,
      readFile,
      decryptor,
    }
    const fromCheckout = resolveKioskConfig({ ...sources, packaged: false })
    expect(fromCheckout.result.ok && fromCheckout.result.config.mode).toBe('demo')
    expect(fromCheckout.configPath).toBeNull()

    const packaged = resolveKioskConfig({ ...sources, packaged: true })
    expect(packaged.demoRefused).toBe(true)
    expect(packaged.configPath).toBe(join(dir, 'missing.json'))
    expect(packaged.result.ok).toBe(false)
  })
})

describe('plainKeyPermissionWarning', () => {
  it('asks for mode 0600 on Linux and macOS, and leaves Windows ACLs alone', () => {
    const path = '/etc/alma-kiosk/kiosk.json'
    expect(plainKeyPermissionWarning({ platform: 'linux', path, mode: 0o100600 })).toBeNull()
    expect(plainKeyPermissionWarning({ platform: 'linux', path, mode: 0o100640 })).toContain(
      'chmod 600',
    )
    expect(plainKeyPermissionWarning({ platform: 'darwin', path, mode: 0o644 })).toContain(
      'mode 0644',
    )
    expect(plainKeyPermissionWarning({ platform: 'win32', path, mode: 0o666 })).toBeNull()
  })
})
