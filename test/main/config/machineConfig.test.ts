import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  isLoopbackHost,
  joinUrlPath,
  parseMachineConfig,
} from '../../../main/config/machineConfig.ts'

const valid = {
  kioskId: 'pollak-1',
  service: { url: 'https://kiosk-service.library.example.edu' },
  kioskKey: '0123456789abcdef0123',
  cashnet: { allowedOrigins: ['https://commerce.cashnet.com'] },
}

function problemsOf(json: unknown): string[] {
  const result = parseMachineConfig(json)
  if (result.ok) throw new Error('expected problems')
  return result.problems
}

describe('main/config/machineConfig', () => {
  it('accepts a minimal file and fills the defaults', () => {
    const result = parseMachineConfig(valid)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config).toMatchObject({
      mode: 'production',
      kioskId: 'pollak-1',
      checkout: { allowedOrigins: ['https://commerce.cashnet.com'], maxMinutes: 20 },
      logLevel: 'info',
    })
    expect(result.config.serviceUrl.href).toBe('https://kiosk-service.library.example.edu/')
    expect(result.config.checkout.returnUrl.href).toBe(
      'https://kiosk-service.library.example.edu/cashnet/return',
    )
  })

  it('takes an optional receipt printer: a device name and 58 or 80 mm paper', () => {
    const none = parseMachineConfig(valid)
    expect(none.ok && none.config.receiptPrinter).toBeNull()
    const printer = parseMachineConfig({
      ...valid,
      receiptPrinter: { deviceName: ' EPSON TM-T88VI ' },
    })
    expect(printer.ok && printer.config.receiptPrinter).toEqual({
      deviceName: 'EPSON TM-T88VI',
      paperWidthMm: 80,
    })
    expect(problemsOf({ ...valid, receiptPrinter: { deviceName: 'P', paperWidthMm: 76 } })).toEqual(
      ['receiptPrinter.paperWidthMm: must be 58 or 80 (mm)'],
    )
    expect(problemsOf({ ...valid, receiptPrinter: { paperWidthMm: 58 } })).toEqual([
      'receiptPrinter.deviceName: is required: the printer name as Windows lists it',
    ])
    expect(problemsOf({ ...valid, receiptPrinter: { deviceName: 'P', cutter: true } })).toEqual([
      'unknown setting in receiptPrinter: "cutter"',
    ])
  })

  it('builds the return URL from the public URL and keeps a service path prefix', () => {
    const result = parseMachineConfig({
      ...valid,
      service: {
        url: 'http://127.0.0.1:4700',
        publicUrl: 'https://library.example.edu/kiosk-service/',
      },
      cashnet: { ...valid.cashnet, returnPath: '/cashnet/return' },
    })
    expect(result.ok && result.config.checkout.returnUrl.href).toBe(
      'https://library.example.edu/kiosk-service/cashnet/return',
    )
    expect(result.ok && result.config.serviceUrl.origin).toBe('http://127.0.0.1:4700')
  })

  it('normalises and de-duplicates origins', () => {
    const result = parseMachineConfig({
      ...valid,
      cashnet: {
        allowedOrigins: ['HTTPS://Commerce.CashNet.com:443', 'https://commerce.cashnet.com'],
      },
    })
    expect(result.ok && result.config.checkout.allowedOrigins).toEqual([
      'https://commerce.cashnet.com',
    ])
  })

  it('names every missing section', () => {
    expect(problemsOf({})).toEqual([
      'kioskId: is required (this kiosk’s id, as registered in the service’s KIOSK_KEYS)',
      'service: is required: { "url": "https://…" }',
      'cashnet: is required: { "allowedOrigins": ["https://…"] }',
    ])
  })

  it('lists each invalid value with the setting it belongs to', () => {
    const problems = problemsOf({
      kioskId: 'has spaces',
      service: { url: 'http://kiosk-service.example.edu/?x=1', extra: true },
      kioskKey: 'short',
      cashnet: { allowedOrigins: ['https://commerce.cashnet.com/path', 'ftp://x.example'] },
      checkoutMaxMinutes: 1.5,
      logLevel: 'loud',
      colour: 'blue',
    })
    expect(problems).toEqual([
      'kioskId: must be 1–64 letters, digits, dots, dashes or underscores',
      'service.url: must start with https:// (http:// only for 127.0.0.1 or localhost)',
      'service.url: must not have a query string or #fragment',
      'unknown setting in service: "extra"',
      'kioskKey: is too short: a kiosk key has at least 16 characters',
      'cashnet.allowedOrigins[0]: must be an origin only (scheme, host and port), e.g. "https://commerce.cashnet.com"',
      'cashnet.allowedOrigins[1]: must start with https:// (http:// only for 127.0.0.1 or localhost)',
      'checkoutMaxMinutes: must be a whole number of minutes',
      'logLevel: Invalid option: expected one of "error"|"warn"|"info"|"verbose"|"debug"',
      'unknown setting: "colour"',
    ])
  })

  it('requires exactly one way of giving the key', () => {
    const { kioskKey: _unused, ...withoutKey } = valid
    expect(problemsOf(withoutKey)).toEqual([
      'kioskKey: is required: set "kioskKey" or "kioskKeyProtected"',
    ])
    expect(problemsOf({ ...valid, kioskKeyProtected: 'ZmFrZQ==' })).toEqual([
      'kioskKey: set only one of "kioskKey" and "kioskKeyProtected"',
    ])
  })

  it('refuses an empty origin list, a bad return path and a file that is not an object', () => {
    expect(problemsOf({ ...valid, cashnet: { allowedOrigins: [] } })).toEqual([
      'cashnet.allowedOrigins: must list at least one CashNet origin',
    ])
    expect(
      problemsOf({ ...valid, cashnet: { ...valid.cashnet, returnPath: 'cashnet/return' } }),
    ).toEqual(['cashnet.returnPath: must be a path starting with "/"'])
    expect(problemsOf([])).toEqual([
      'the file: must be one JSON object, like the example kiosk.example.json',
    ])
  })

  it('allows plain http only on loopback', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true)
    expect(isLoopbackHost('127.4.5.6')).toBe(true)
    expect(isLoopbackHost('localhost')).toBe(true)
    expect(isLoopbackHost('[::1]')).toBe(true)
    expect(isLoopbackHost('127.0.0.1.attacker.example')).toBe(false)
    expect(isLoopbackHost('kiosk-service')).toBe(false)
  })

  it('joins paths without losing or doubling slashes', () => {
    expect(joinUrlPath(new URL('https://a.example/base/'), '/x/y').href).toBe(
      'https://a.example/base/x/y',
    )
    expect(joinUrlPath(new URL('https://a.example'), 'x').href).toBe('https://a.example/x')
  })
})

describe('main/config/machineConfig example', () => {
  it('accepts the shipped example except for its placeholder key', () => {
    const example: unknown = JSON.parse(
      readFileSync(new URL('../../../build/kiosk.example.json', import.meta.url), 'utf8'),
    )
    expect(parseMachineConfig(example)).toEqual({
      ok: false,
      problems: [
        'kioskKey: is still the placeholder from kiosk.example.json: paste this kiosk’s key',
      ],
    })
    expect(
      parseMachineConfig({ ...(example as object), kioskKey: 'a-real-key-0123456789' }).ok,
    ).toBe(true)
  })
})
