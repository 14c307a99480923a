import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { problemsOf } from './support.ts'
import { loadConfig } from '../../../server/config/load.ts'
import { sha256Hex } from '../../../server/ops/sha256.ts'

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

describe('server/config/load', () => {
  it('applies defaults and hashes kiosk keys: the environment describes one institution', () => {
    const config = loadConfig(minimal)
    expect(config.port).toBe(8080)
    const [institution, ...others] = config.institutions
    expect(others).toEqual([])
    expect(institution?.code).toBe('default')
    expect(institution?.name).toBe('University Library')
    expect(institution?.alma.maxRequestsPerSecond).toBe(25)
    expect(institution?.alma.paymentMethod).toBe('ONLINE')
    expect(institution?.cashnet.refValueField).toBe('ref1val1')
    expect(institution?.kiosks).toEqual([
      { kioskId: 'lobby', keyHash: sha256Hex('kiosk-key-1') },
      { kioskId: 'desk', keyHash: 'abcdef' },
    ])
    expect(JSON.stringify(config)).not.toContain('kiosk-key-1')
    expect(institution?.kioskSettings.languages).toEqual(['en', 'es'])
    expect(institution?.kioskSettings.library.name).toBe('University Library')
  })

  it('refuses payment to inactive accounts only, unless told otherwise', () => {
    const refusedFor = (env: Record<string, string>) => [
      ...(loadConfig(env).institutions[0]?.payments.refusedFor ?? []),
    ]
    expect(refusedFor(minimal)).toEqual(['inactive'])
    expect(refusedFor({ ...minimal, PAYMENT_REFUSED_FOR: 'blocked, expired' })).toEqual([
      'blocked',
      'expired',
    ])
    expect(problemsOf({ ...minimal, PAYMENT_REFUSED_FOR: 'inactive,overdue' })).toEqual([
      'PAYMENT_REFUSED_FOR.1: must list inactive, expired or blocked',
    ])
  })

  it('refuses a settle window shorter than 30 s or five Alma timeouts', () => {
    expect(loadConfig(minimal).posting.settleMs).toBe(120_000)
    expect(problemsOf({ ...minimal, ALMA_SETTLE_SECONDS: '29' })).toEqual([
      'ALMA_SETTLE_SECONDS: must be at least 50 (30 s and 5 × ALMA_TIMEOUT_MS)',
    ])
    expect(
      problemsOf({ ...minimal, ALMA_TIMEOUT_MS: '30000', ALMA_SETTLE_SECONDS: '120' }),
    ).toEqual(['ALMA_SETTLE_SECONDS: must be at least 150 (30 s and 5 × ALMA_TIMEOUT_MS)'])
    expect(
      loadConfig({ ...minimal, ALMA_TIMEOUT_MS: '2000', ALMA_SETTLE_SECONDS: '30' }).posting
        .settleMs,
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

  it('parses the item code maps, by fee type and by owning library', () => {
    const config = loadConfig({
      ...minimal,
      CASHNET_ITEM_CODES: 'OVERDUEFINE=A, LOSTITEMREPLACEMENTFEE=B',
      CASHNET_ITEM_CODES_BY_OWNER: 'LAW=L, LAW:LOSTITEMREPLACEMENTFEE=LL, MUSIC:OVERDUEFINE=M',
      PAYABLE_OWNERS: 'MAIN,LAW',
    })
    const [institution] = config.institutions
    expect(institution?.cashnet.itemCodes).toEqual({
      default: 'LIB-FINE',
      byFeeType: { OVERDUEFINE: 'A', LOSTITEMREPLACEMENTFEE: 'B' },
      byOwner: {
        LAW: { default: 'L', byFeeType: { LOSTITEMREPLACEMENTFEE: 'LL' } },
        MUSIC: { byFeeType: { OVERDUEFINE: 'M' } },
      },
    })
    expect([...(institution?.payments.payableOwners ?? [])]).toEqual(['MAIN', 'LAW'])
    expect(problemsOf({ ...minimal, CASHNET_ITEM_CODES_BY_OWNER: 'LAW:=X' })).toEqual([
      'CASHNET_ITEM_CODES_BY_OWNER: "LAW:=X" is not OWNER=ITEM_CODE or OWNER:FEE_TYPE=ITEM_CODE',
    ])
  })

  it('reads the staff console settings: sessions, lockout, campus networks', () => {
    const defaults = loadConfig(minimal)
    expect(defaults.staff).toEqual({
      sessionIdleMs: 30 * 60_000,
      lockAfter: 5,
      lockMs: 15 * 60_000,
      signInRequestsPerMinute: 10,
      allowedNetworks: [],
    })
    expect(defaults.institutions[0]?.sso).toBeNull()
    const set = loadConfig({
      ...minimal,
      STAFF_SESSION_IDLE_MINUTES: '10',
      STAFF_ALLOWED_NETWORKS: '10.0.0.0/8, 2001:db8::/32,192.0.2.7',
    })
    expect(set.staff.sessionIdleMs).toBe(600_000)
    expect(set.staff.allowedNetworks).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'])
    expect(problemsOf({ ...minimal, STAFF_ALLOWED_NETWORKS: '10.0.0.0/33,campus' })).toEqual([
      'STAFF_ALLOWED_NETWORKS.0: must be an IP address or a CIDR range such as 10.0.0.0/8',
      'STAFF_ALLOWED_NETWORKS.1: must be an IP address or a CIDR range such as 10.0.0.0/8',
    ])
  })

  it("reads an institution's single sign-on, naming what a partial one lacks", () => {
    const sso = {
      STAFF_SSO_ISSUER: 'https://idp.example.edu',
      STAFF_SSO_CLIENT_ID: 'console',
      STAFF_SSO_CLIENT_SECRET: 'client-secret',
      STAFF_SSO_SUPERVISOR_VALUES: 'circ-supervisors, circ-leads',
    }
    expect(
      loadConfig({ ...minimal, LIBRARY_NAME: 'King Library', ...sso }).institutions[0]?.sso,
    ).toEqual({
      issuer: 'https://idp.example.edu',
      clientId: 'console',
      clientSecret: 'client-secret',
      label: 'Sign in with King Library',
      usernameClaim: 'preferred_username',
      roleClaim: 'groups',
      roles: { desk: [], supervisor: ['circ-supervisors', 'circ-leads'], admin: [] },
    })
    expect(problemsOf({ ...minimal, STAFF_SSO_ISSUER: 'https://idp.example.edu' })).toEqual([
      'STAFF_SSO_CLIENT_ID: is required',
      'STAFF_SSO_CLIENT_SECRET: is required',
      'STAFF_SSO_DESK_VALUES / STAFF_SSO_SUPERVISOR_VALUES / STAFF_SSO_ADMIN_VALUES: must map at least one claim value to a role',
    ])
    expect(
      problemsOf({ ...production, ...sso, STAFF_SSO_ISSUER: 'http://127.0.0.1:4000' }),
    ).toEqual(["STAFF_SSO_ISSUER: must be the campus's https OpenID provider in production"])
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
    expect(config.institutions[0]?.payments.minPaymentCents).toBe(500)
  })

  it('reports an unreadable config file', () => {
    expect(problemsOf({ CONFIG_FILE: '/nonexistent/service.json' })[0]).toMatch(
      /^CONFIG_FILE: cannot read \/nonexistent\/service.json/,
    )
  })
})

describe('server/config/load: several institutions in a config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-institutions-'))
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }
  const campus = (code: string, secretRef: string, kiosk: string) => ({
    code,
    name: `${code} Library`,
    alma: { apiKey: `env:${code}_ALMA_KEY`, userIdType: 'BARCODE' },
    cashnet: {
      checkoutUrl: `https://commerce.cashnet.com/${code}`,
      postbackSecret: secretRef,
      itemCodes: { default: 'LIB-FINE' },
    },
    kiosks: [{ id: kiosk, key: `env:${code}_KIOSK_KEY` }],
  })
  const secrets = {
    SJO_ALMA_KEY: 'l7xx-sjo',
    SJO_KIOSK_KEY: 'sjo-kiosk-key',
    SJO_SECRET: 'sjo-postback-secret',
    FUL_ALMA_KEY: 'l7xx-ful',
    FUL_KIOSK_KEY: 'ful-kiosk-key',
  }

  it('reads YAML with env: references, so the file holds no secret', () => {
    const file = write(
      'campuses.yaml',
      [
        'service:',
        '  port: 9300',
        '  publicBaseUrl: https://payments.calstate.example.edu',
        'institutions:',
        '  - code: SJO',
        '    name: San José State University Library',
        '    alma: { apiKey: env:SJO_ALMA_KEY, userIdType: BARCODE, maxRequestsPerSecond: 10 }',
        '    cashnet:',
        '      checkoutUrl: https://commerce.cashnet.com/SJSULIB',
        '      postbackSecret: env:SJO_SECRET',
        '      itemCodes: { default: LIB-FINE, byOwner: { LAW: { default: LAW-FINE } } }',
        '    payments: { refusedFor: [inactive, blocked], payableOwners: [MAIN, LAW] }',
        '    kiosks: [{ id: sjo-lobby, key: env:SJO_KIOSK_KEY }]',
        '    kiosk:',
        '      primaryColor: "#0055a2"',
        '      idleSeconds: { default: 45 }',
        '      feeTypeNames: { OVERDUEFINE: { en: Late fine, es: Multa por atraso } }',
        '  - code: FUL',
        '    name: Pollak Library',
        '    alma: { apiKey: env:FUL_ALMA_KEY }',
        '    cashnet:',
        '      checkoutUrl: https://commerce.cashnet.com/CSUFLIB',
        '      postbackSecret: ful-postback-secret',
        '      itemCodes: { default: FUL-FINE }',
        '    kiosks: [{ id: ful-lobby, key: env:FUL_KIOSK_KEY }]',
      ].join('\n'),
    )
    const config = loadConfig({ CONFIG_FILE: file, ...secrets })
    expect(config.port).toBe(9300)
    expect(
      config.institutions.map((i) => [i.code, i.alma.apiKey, i.cashnet.postbackSecret]),
    ).toEqual([
      ['SJO', 'l7xx-sjo', 'sjo-postback-secret'],
      ['FUL', 'l7xx-ful', 'ful-postback-secret'],
    ])
    const [sjo, ful] = config.institutions
    expect(sjo?.alma.maxRequestsPerSecond).toBe(10)
    expect([...(sjo?.payments.refusedFor ?? [])]).toEqual(['inactive', 'blocked'])
    expect(sjo?.kioskSettings).toMatchObject({
      library: { name: 'San José State University Library', primaryColor: '#0055a2' },
      idleTimeoutSeconds: { default: 45, fines: 90 },
      feeTypeNames: { OVERDUEFINE: { en: 'Late fine', es: 'Multa por atraso' } },
    })
    expect(sjo?.kiosks).toEqual([{ kioskId: 'sjo-lobby', keyHash: sha256Hex('sjo-kiosk-key') }])
    expect(ful?.payments.payableOwners).toBeNull()
    expect(ful?.cashnet.itemCodes).toEqual({ default: 'FUL-FINE', byFeeType: {}, byOwner: {} })
  })

  it('names the institution and the key of every problem', () => {
    const file = write(
      'broken.json',
      JSON.stringify({
        institutions: [
          campus('SJO', 'env:SJO_SECRET', 'sjo-lobby'),
          { ...campus('FUL', 'x', 'ful-lobby'), alma: { apiKey: 'k', maxRequestsPerSecond: 0 } },
        ],
      }),
    )
    expect(problemsOf({ CONFIG_FILE: file, ...secrets, SJO_SECRET: '' })).toEqual([
      'institutions[0].cashnet.postbackSecret: refers to the environment variable SJO_SECRET, which is not set',
    ])
    expect(problemsOf({ CONFIG_FILE: file, ...secrets })).toEqual([
      'institutions[1] (FUL).alma.maxRequestsPerSecond: Too small: expected number to be >=1',
    ])
  })

  it('refuses two institutions that share a code, a kiosk id or a postback secret', () => {
    const file = write(
      'twice.json',
      JSON.stringify({
        institutions: [
          campus('SJO', 'same-secret', 'lobby'),
          campus('SJO', 'same-secret', 'lobby'),
        ],
      }),
    )
    expect(
      problemsOf({ CONFIG_FILE: file, ...secrets, SJO_ALMA_KEY: 'k', SJO_KIOSK_KEY: 'k' }),
    ).toEqual([
      'institutions: code "SJO" is used more than once',
      'institutions: kiosk id "lobby" is used more than once',
      'institutions: each institution needs its own CashNet postback secret',
    ])
  })

  it('checks production rules per institution, naming it', () => {
    const file = write(
      'production.json',
      JSON.stringify({
        service: { publicBaseUrl: 'https://payments.example.edu' },
        institutions: [
          {
            ...campus('SJO', 'change-me', 'lobby'),
            alma: { baseUrl: 'http://127.0.0.1:9', apiKey: 'l7xx-real' },
          },
        ],
      }),
    )
    expect(problemsOf({ CONFIG_FILE: file, ...secrets, NODE_ENV: 'production' })).toEqual([
      'institutions[0] (SJO).alma.baseUrl: must be an https Alma gateway in production, not a sandbox',
      'institutions[0] (SJO).cashnet.postbackSecret: is an example value; generate a random one',
      'institutions[0] (SJO).kiosks: the key for kiosk "lobby" must be at least 32 random characters in production',
    ])
  })
})

describe('docs/examples/campuses.example.yaml', () => {
  it('is a configuration the service accepts', () => {
    const file = fileURLToPath(
      new URL('../../../docs/examples/campuses.example.yaml', import.meta.url),
    )
    const env = Object.fromEntries(
      [
        'SJO_ALMA_API_KEY',
        'SJO_CASHNET_POSTBACK_SECRET',
        'SJO_KIOSK_LOBBY_KEY',
        'FUL_ALMA_API_KEY',
        'FUL_CASHNET_POSTBACK_SECRET',
        'FUL_KIOSK_LOBBY_KEY',
      ].map((name) => [name, `${name.toLowerCase()}-${'x'.repeat(32)}`]),
    )
    const config = loadConfig({ CONFIG_FILE: file, NODE_ENV: 'production', ...env })
    expect(config.institutions.map((institution) => institution.code)).toEqual([
      '01CALS_SJO',
      '01CALS_FUL',
    ])
  })
})

const primo = {
  PRIMO_JWKS_URL: 'https://api-na.hosted.exlibrisgroup.com/auth/01CALS_SJO/jwks.json',
  PRIMO_INSTITUTION_CODE: '01CALS_SJO',
  PRIMO_RETURN_ORIGINS:
    'https://csu-sjsu.primo.exlibrisgroup.com/, https://01calS-sjo.alma.exlibrisgroup.com',
}

describe('server/config: the Primo VE pay link settings', () => {
  it('is off unless configured', () => {
    expect(loadConfig(minimal).institutions[0]?.primo).toBeNull()
  })

  it('reads the environment, normalising origins', () => {
    expect(loadConfig({ ...minimal, ...primo }).institutions[0]?.primo).toEqual({
      jwksUrl: primo.PRIMO_JWKS_URL,
      institutionCode: '01CALS_SJO',
      returnOrigins: [
        'https://csu-sjsu.primo.exlibrisgroup.com',
        'https://01cals-sjo.alma.exlibrisgroup.com',
      ],
    })
  })

  it('names the missing or bad variable', () => {
    expect(problemsOf({ ...minimal, PRIMO_INSTITUTION_CODE: '01CALS_SJO' })).toEqual([
      'PRIMO_JWKS_URL: is required',
    ])
    expect(problemsOf({ ...minimal, PRIMO_JWKS_URL: primo.PRIMO_JWKS_URL })).toEqual([
      'PRIMO_INSTITUTION_CODE: is required',
    ])
    for (const origin of [
      'https://primo.example.edu/discovery',
      'https://user:pw@primo.example.edu',
      'javascript:alert(1)',
      'primo.example.edu',
      'https://primo.example.edu/?vid=X',
    ]) {
      const problems = problemsOf({ ...minimal, ...primo, PRIMO_RETURN_ORIGINS: origin })
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(/^PRIMO_RETURN_ORIGINS: /)
    }
  })

  it('wants https Ex Libris keys and https origins in production', () => {
    expect(problemsOf({ ...production, ...primo })).toEqual([])
    expect(
      problemsOf({
        ...production,
        ...primo,
        PRIMO_JWKS_URL: 'http://127.0.0.1:4000/jwks.json',
        PRIMO_RETURN_ORIGINS: 'http://primo.example.edu',
      }),
    ).toEqual([
      "PRIMO_JWKS_URL: must be Ex Libris's https key set in production, not a sandbox",
      'PRIMO_RETURN_ORIGINS: "http://primo.example.edu" must be an https Primo origin in production',
    ])
  })

  it('reads the config file form, and refuses one Primo code for two institutions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-primo-'))
    const campus = (code: string, primoCode: string) => ({
      code,
      name: `${code} Library`,
      alma: { apiKey: 'l7xx' },
      cashnet: {
        checkoutUrl: 'https://commerce.cashnet.com/LIB',
        postbackSecret: `${code}-secret`,
        itemCodes: { default: 'LIB-FINE' },
      },
      kiosks: [{ id: `${code}-kiosk`, key: 'k' }],
      primo: {
        jwksUrl: `https://api-na.hosted.exlibrisgroup.com/auth/${primoCode}/jwks.json`,
        institutionCode: primoCode,
        returnOrigins: ['https://primo.example.edu'],
      },
    })
    const file = join(dir, 'campuses.json')
    writeFileSync(
      file,
      JSON.stringify({ institutions: [campus('SJO', '01CALS_SJO'), campus('FUL', '01CALS_FUL')] }),
    )
    const config = loadConfig({ CONFIG_FILE: file })
    expect(config.institutions.map((institution) => institution.primo?.institutionCode)).toEqual([
      '01CALS_SJO',
      '01CALS_FUL',
    ])
    writeFileSync(
      file,
      JSON.stringify({ institutions: [campus('SJO', '01CALS_SJO'), campus('FUL', '01CALS_SJO')] }),
    )
    expect(problemsOf({ CONFIG_FILE: file })).toEqual([
      'institutions: Primo institution code "01CALS_SJO" is used more than once',
    ])
  })
})
