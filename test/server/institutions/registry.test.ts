import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../server/config/load.ts'
import { sha256Hex } from '../../../server/ops/sha256.ts'
import { createInstitutionRegistry } from '../../../server/institutions/registry.ts'

const base = {
  ALMA_API_KEY: 'alma-key',
  CASHNET_CHECKOUT_URL: 'http://127.0.0.1:9999/LIBRARY',
  CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
}

describe('server/institutions/registry', () => {
  const sjo = loadConfig({
    ...base,
    INSTITUTION_CODE: 'SJO',
    CASHNET_POSTBACK_SECRET: 'sjo-secret',
    KIOSK_KEYS: 'lobby:lobby-key,desk:sha256:' + sha256Hex('desk-key'),
  }).institutions
  const ful = loadConfig({
    ...base,
    INSTITUTION_CODE: 'FUL',
    CASHNET_POSTBACK_SECRET: 'ful-secret',
    KIOSK_KEYS: 'pollak:pollak-key',
  }).institutions
  const registry = createInstitutionRegistry([...sjo, ...ful])

  it('maps a bearer key to its kiosk and institution', () => {
    expect(registry.kioskFor('Bearer lobby-key')).toEqual({ institution: 'SJO', kioskId: 'lobby' })
    expect(registry.kioskFor('bearer desk-key')).toEqual({ institution: 'SJO', kioskId: 'desk' })
    expect(registry.kioskFor('Bearer pollak-key')).toEqual({
      institution: 'FUL',
      kioskId: 'pollak',
    })
  })

  it('refuses missing, malformed and unknown keys', () => {
    for (const header of [
      undefined,
      'lobby-key',
      'Basic lobby-key',
      'Bearer lobby-key2',
      'Bearer ',
    ]) {
      expect(registry.kioskFor(header)).toBeNull()
    }
  })

  it('says whose postback secret it is', () => {
    expect(registry.byPostbackSecret('sjo-secret')?.code).toBe('SJO')
    expect(registry.byPostbackSecret('ful-secret')?.code).toBe('FUL')
    expect(registry.byPostbackSecret('sjo-secret ')).toBeNull()
    expect(registry.byPostbackSecret('')).toBeNull()
  })

  it('knows its institutions by code, and refuses an unknown one', () => {
    expect(registry.all().map((institution) => institution.code)).toEqual(['SJO', 'FUL'])
    expect(registry.get('FUL').cashnet.postbackSecret).toBe('ful-secret')
    expect(() => registry.get('LBC')).toThrow(/No institution "LBC"/)
  })
})
