import { describe, expect, it } from 'vitest'
import { kioskSettingsSchema, languageSchema } from '../../common/api.ts'
import { almaFeeTypeNames, feeTypeName } from '../../common/feeTypes.ts'
import { settingsFixture } from '../renderer/support/fixtures.ts'

const overdue = { type: 'OVERDUEFINE', description: 'Overdue fine' }

describe('common/feeTypes', () => {
  it('names a standard Alma fee type in each language, whatever Alma’s description says', () => {
    const lost = { type: 'LOSTITEMREPLACEMENTFEE', description: 'Lost item replacement fee' }
    expect(feeTypeName(lost, 'en')).toBe('Lost item replacement fee')
    expect(feeTypeName(lost, 'es')).toBe('Cargo por reposición de material perdido')
    const described = { type: 'OVERDUEFINE', description: 'Säumnisgebühr' }
    expect(feeTypeName(described, 'es')).toBe('Multa por retraso')
  })

  it('falls back to Alma’s description for a code it does not know', () => {
    const custom = { type: 'CUSTOMFEE3', description: '3D printing' }
    expect(feeTypeName(custom, 'en')).toBe('3D printing')
    expect(feeTypeName(custom, 'es')).toBe('3D printing')
    // Codes are looked up as own keys only: nothing is found on Object.prototype.
    const odd = { type: 'constructor', description: 'Odd fee' }
    expect(feeTypeName(odd, 'es', {})).toBe('Odd fee')
  })

  it('prefers the institution’s own name, language by language', () => {
    const overrides = {
      OVERDUEFINE: { en: 'Late return fine' },
      CUSTOMFEE3: { es: 'Impresión 3D' },
    }
    expect(feeTypeName(overdue, 'en', overrides)).toBe('Late return fine')
    // No Spanish override: the standard Spanish name.
    expect(feeTypeName(overdue, 'es', overrides)).toBe('Multa por retraso')
    expect(feeTypeName({ type: 'CUSTOMFEE3', description: '3D printing' }, 'es', overrides)).toBe(
      'Impresión 3D',
    )
    expect(feeTypeName({ type: 'CUSTOMFEE3', description: '3D printing' }, 'en', overrides)).toBe(
      '3D printing',
    )
  })

  it('has a name in every kiosk language for every code, and no credit', () => {
    for (const [code, names] of Object.entries(almaFeeTypeNames)) {
      expect(code).toMatch(/^[A-Z]+$/u)
      for (const language of languageSchema.options) expect(names[language].trim()).not.toBe('')
    }
    expect(Object.keys(almaFeeTypeNames)).not.toContain('CREDIT')
    expect(Object.keys(almaFeeTypeNames)).toEqual(
      expect.arrayContaining(['OVERDUEFINE', 'LOSTITEMREPLACEMENTFEE', 'LOSTITEMPROCESSFEE']),
    )
  })

  it('reads overrides from the kiosk settings: none by default, bad ones refused', () => {
    const { feeTypeNames: _none, ...withoutNames } = settingsFixture()
    expect(kioskSettingsSchema.parse(withoutNames).feeTypeNames).toEqual({})
    const named = kioskSettingsSchema.parse({
      ...withoutNames,
      feeTypeNames: { OVERDUEFINE: { es: ' Multa por atraso ' } },
    })
    expect(named.feeTypeNames).toEqual({ OVERDUEFINE: { es: 'Multa por atraso' } })
    for (const bad of [{ OVERDUEFINE: { fr: 'Amende' } }, { OVERDUEFINE: { en: '' } }]) {
      expect(kioskSettingsSchema.safeParse({ ...withoutNames, feeTypeNames: bad }).success).toBe(
        false,
      )
    }
  })
})
