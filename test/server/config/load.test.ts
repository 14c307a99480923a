import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, hashKioskKey, loadConfig } from '../../../server/config/load.ts'

const minimal = {
  ALMA_API_KEY: 'alma-key',
  CASHNET_CHECKOUT_URL: 'http://127.0.0.1:9999/LIBRARY',
  CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
  CASHNET_POSTBACK_SECRET: 'postback-secret',
  KIOSK_KEYS: 'lobby:kiosk-key-1,desk:sha256:ABCDEF',
}

const strong = 'x'.repeat(24) + 'Y7q9Z2w4'
const production = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://payments.library.example.edu',
  ALMA_API_KEY: 'l7xx-real-looking-key',
  ALMA_API_BASE_URL: 'https://api-na.hosted.exlibrisgroup.com',
  CASHNET_CHECKOUT_URL: 'https://commerce.cashnet.com/LIBRARY',
  CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
  CASHNET_POSTBACK_SECRET: strong,
  KIOSK_KEYS: `lobby:${strong}`,
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('server/config/load', () => {
  it('applies defaults and hashes kiosk keys', () => {
    const config = loadConfig(minimal)
    expect(config.port).toBe(8080)
    expect(config.alma.maxRequestsPerSecond).toBe(25)
    expect(config.alma.paymentMethod).toBe('ONLINE')
    expect(config.cashnet.refValueField).toBe('ref1val1')
    expect(config.kiosks).toEqual([
      { kioskId: 'lobby', keyHash: hashKioskKey('kiosk-key-1') },
      { kioskId: 'desk', keyHash: 'abcdef' },
    ])
    expect(JSON.stringify(config)).not.toContain('kiosk-key-1')
    expect(config.kioskSettings.languages).toEqual(['en', 'es'])
  })

  it('refuses payment to inactive accounts only, unless told otherwise', () => {
    expect([...loadConfig(minimal).paymentRefusedFor]).toEqual(['inactive'])
    expect([
      ...loadConfig({ ...minimal, PAYMENT_REFUSED_FOR: 'blocked, expired' }).paymentRefusedFor,
    ]).toEqual(['blocked', 'expired'])
    expect(problemsOf({ ...minimal, PAYMENT_REFUSED_FOR: 'inactive,overdue' })).toEqual([
      'PAYMENT_REFUSED_FOR.1: must list inactive, expired or blocked',
    ])
  })

  it('refuses a settle window shorter than 30 s or five Alma timeouts', () => {
    expect(loadConfig(minimal).alma.settleMs).toBe(120_000)
    expect(problemsOf({ ...minimal, ALMA_SETTLE_SECONDS: '29' })).toEqual([
      'ALMA_SETTLE_SECONDS: must be at least 50 (30 s and 5 × ALMA_TIMEOUT_MS)',
    ])
    expect(
      problemsOf({ ...minimal, ALMA_TIMEOUT_MS: '30000', ALMA_SETTLE_SECONDS: '120' }),
    ).toEqual(['ALMA_SETTLE_SECONDS: must be at least 150 (30 s and 5 × ALMA_TIMEOUT_MS)'])
    expect(
      loadConfig({ ...minimal, ALMA_TIMEOUT_MS: '2000', ALMA_SETTLE_SECONDS: '30' }).alma.settleMs,
    ).toBe(30_000)
  })

  it('names every missing required key', () => {
    expect(problemsOf({})).toEqual(
      expect.arrayContaining([
        'ALMA_API_KEY: is required',
        'CASHNET_CHECKOUT_URL: is required',
        'CASHNET_DEFAULT_ITEM_CODE: is required',
        'CASHNET_POSTBACK_SECRET: is required',
        'KIOSK_KEYS: is required',
      ]),
    )
  })

  it('names the key and the problem for malformed values', () => {
    const problems = problemsOf({
      ...minimal,
      PORT: 'eighty',
      CASHNET_ITEM_CODES: 'OVERDUEFINE',
      ALMA_API_BASE_URL: 'ftp://alma',
      KIOSK_KEYS: 'no-colon',
      LIBRARY_PRIMARY_COLOR: 'blue',
    })
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true)
    expect(problems).toContain('CASHNET_ITEM_CODES: "OVERDUEFINE" is not FEE_TYPE=ITEM_CODE')
    expect(problems).toContain('ALMA_API_BASE_URL: must be an http(s) URL')
    expect(problems).toContain('KIOSK_KEYS: each entry must be kioskId:key')
    expect(problems).toContain('LIBRARY_PRIMARY_COLOR: must be a colour like #00386b')
  })

  it('parses the item code map', () => {
    const config = loadConfig({
      ...minimal,
      CASHNET_ITEM_CODES: 'OVERDUEFINE=A, LOSTITEMREPLACEMENTFEE=B',
    })
    expect(config.cashnet.itemCodes).toEqual({ OVERDUEFINE: 'A', LOSTITEMREPLACEMENTFEE: 'B' })
  })

  it('accepts a strong production configuration', () => {
    expect(problemsOf(production)).toEqual([])
  })

  it('refuses sandbox URLs and weak secrets in production', () => {
    const problems = problemsOf({
      ...production,
      ALMA_API_BASE_URL: 'http://127.0.0.1:4000',
      CASHNET_CHECKOUT_URL: 'http://localhost:4001/STORE',
      CASHNET_POSTBACK_SECRET: 'change-me',
      KIOSK_KEYS: 'lobby:short',
      SANDBOX: 'true',
    })
    expect(problems).toEqual(
      expect.arrayContaining([
        'SANDBOX: must be off in production',
        'ALMA_API_BASE_URL: must be an https Alma gateway in production, not a sandbox',
        'CASHNET_CHECKOUT_URL: must be an https CashNet store in production, not a sandbox',
        'CASHNET_POSTBACK_SECRET: is an example value; generate a random one',
        'KIOSK_KEYS: the key for kiosk "lobby" must be at least 32 random characters in production',
      ]),
    )
    expect(problemsOf({ ...production, CASHNET_POSTBACK_SECRET: 'short-but-random-7f3a' })).toEqual(
      ['CASHNET_POSTBACK_SECRET: must be at least 32 characters in production'],
    )
  })

  it('reads a config file that mirrors the variables, the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'))
    const file = join(dir, 'service.json')
    writeFileSync(file, JSON.stringify({ ...minimal, PORT: 9000, MIN_PAYMENT_CENTS: 500 }))
    const config = loadConfig({ CONFIG_FILE: file, PORT: '9100' })
    expect(config.port).toBe(9100)
    expect(config.minPaymentCents).toBe(500)
  })

  it('reports an unreadable config file', () => {
    expect(problemsOf({ CONFIG_FILE: '/nonexistent/service.json' })[0]).toMatch(
      /^CONFIG_FILE: cannot read \/nonexistent\/service.json/,
    )
  })
})
