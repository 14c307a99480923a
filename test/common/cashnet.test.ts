import { describe, expect, it } from 'vitest'
import {
  cashnetPaths,
  cashnetPostbackPath,
  encodeForm,
  encodePostback,
  postbackFields,
  readReferences,
  returnFields,
  serviceUrl,
} from '../../common/cashnet.ts'

describe('common/cashnet', () => {
  describe('paths', () => {
    it('joins the service paths to a public base URL with or without a path prefix', () => {
      expect(serviceUrl('https://kiosk.example.edu', cashnetPaths.return)).toBe(
        'https://kiosk.example.edu/cashnet/return',
      )
      expect(serviceUrl('https://library.example.edu/kiosk-service/', cashnetPaths.return)).toBe(
        'https://library.example.edu/kiosk-service/cashnet/return',
      )
    })

    it('puts the postback secret in one path segment', () => {
      expect(cashnetPostbackPath('abc123')).toBe('/cashnet/postback/abc123')
      expect(cashnetPostbackPath('a/b?c#d')).toBe('/cashnet/postback/a%2Fb%3Fc%23d')
      expect(() => cashnetPostbackPath('')).toThrow(RangeError)
    })
  })

  describe('form encoding', () => {
    it('encodes exactly as URLSearchParams does', () => {
      const samples: [string, string][] = [
        ['result', '0'],
        ['desc1', 'Lost item <replacement> & fee = 25%'],
        ['desc2', "Cien años de soledad / García Márquez. (1967) it's *new*!~"],
        ['desc3', '東京物語 = Tokyo story 😀'],
        ['weird name+&=', ' leading and trailing spaces '],
        ['empty', ''],
        ['line\nbreak', 'tab\there'],
      ]
      expect(encodeForm(samples)).toBe(new URLSearchParams(samples).toString())
      // And decodes back to the same fields.
      expect([...new URLSearchParams(encodeForm(samples))]).toEqual(samples)
    })
  })

  describe('postback fields', () => {
    const paid = {
      result: '0',
      respmessage: 'SUCCESS',
      tx: '123456789',
      batchno: '42',
      merchant: 'LIBSTORE',
      effdate: '2026-05-01',
      pmtcode: 'CC',
      items: [
        { itemCode: 'LIB-FINE', amountCents: 1250, description: 'Overdue fine' },
        { itemCode: 'LIB-LOST', amountCents: 2500 },
      ],
      references: [{ index: 1, item: 1, type: 'CHECKOUT_ID', value: 'c-1' }],
      custcode: 'LIBRARY',
    }

    it('writes every field in CashNet’s order, amounts as decimal strings', () => {
      expect(postbackFields(paid)).toEqual([
        ['result', '0'],
        ['respmessage', 'SUCCESS'],
        ['tx', '123456789'],
        ['batchno', '42'],
        ['merchant', 'LIBSTORE'],
        ['effdate', '2026-05-01'],
        ['pmtcode', 'CC'],
        ['itemcnt', '2'],
        ['itemcode1', 'LIB-FINE'],
        ['amount1', '12.50'],
        ['desc1', 'Overdue fine'],
        ['itemcode2', 'LIB-LOST'],
        ['amount2', '25.00'],
        ['ref1type1', 'CHECKOUT_ID'],
        ['ref1val1', 'c-1'],
        ['custcode', 'LIBRARY'],
      ])
      expect(encodePostback(paid)).toBe(new URLSearchParams(postbackFields(paid)).toString())
    })

    it('writes a decline with its card error and failedtx, and appends extra fields as given', () => {
      const declined = postbackFields({
        result: '230',
        respmessage: 'DECLINED',
        ccerrorcode: '05',
        ccerrormessage: 'Do not honor',
        failedtx: '77',
        items: [{ itemCode: 'LIB-FINE', amountCents: 300 }],
        custcode: null,
        extra: [['pmttype', 'VISA']],
      })
      expect(declined).toEqual([
        ['result', '230'],
        ['respmessage', 'DECLINED'],
        ['ccerrorcode', '05'],
        ['ccerrormessage', 'Do not honor'],
        ['failedtx', '77'],
        ['itemcnt', '1'],
        ['itemcode1', 'LIB-FINE'],
        ['amount1', '3.00'],
        ['pmttype', 'VISA'],
      ])
    })

    it('refuses amounts that are not whole cents and reference positions below 1', () => {
      expect(() =>
        postbackFields({ ...paid, items: [{ itemCode: 'X', amountCents: 1.5 }] }),
      ).toThrow(RangeError)
      expect(() =>
        postbackFields({ ...paid, references: [{ index: 0, item: 1, value: 'c-1' }] }),
      ).toThrow(RangeError)
    })

    it('returns the browser with the outcome and the references only', () => {
      expect(
        returnFields({ result: '902', respmessage: 'Cancelled' }, [
          { index: 2, item: 1, value: 'untyped' },
        ]),
      ).toEqual([
        ['result', '902'],
        ['respmessage', 'Cancelled'],
        ['ref2val1', 'untyped'],
      ])
    })
  })

  describe('readReferences', () => {
    it('pairs types with values by position, names in any case, keeps values as given', () => {
      expect(
        readReferences([
          ['REF1TYPE1', 'CHECKOUT_ID'],
          ['amount1', '3.00'],
          ['ref2val1', ' other '],
          ['Ref1Val1', 'c-9'],
          ['ref3type1', 'NO_VALUE'],
          ['ref4val2', ''],
        ]),
      ).toEqual([
        { index: 2, item: 1, value: ' other ' },
        { index: 1, item: 1, type: 'CHECKOUT_ID', value: 'c-9' },
      ])
    })
  })
})
