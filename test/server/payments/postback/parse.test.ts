import { describe, expect, it } from 'vitest'
import { parsePostback, readPostbackFields } from '../../../../server/payments/postback/parse.ts'

const form = 'application/x-www-form-urlencoded'
const options = { refType: 'CHECKOUT_ID' }

describe('server/payments/postback/parse', () => {
  it('reads form fields with names in any case and sums every amountN', () => {
    const parsed = parsePostback(
      'RESULT=0&RespMessage=SUCCESS&Tx=123&ITEMCNT=2&Amount1=12.50&amount2=5.25&ref1type1=CHECKOUT_ID&ref1val1=abc',
      `${form}; charset=UTF-8`,
      '',
      options,
    )
    expect(parsed).toMatchObject({
      ok: true,
      postback: {
        result: 0,
        respMessage: 'SUCCESS',
        tx: '123',
        failedTx: null,
        totalCents: 1775,
        references: ['abc'],
      },
    })
  })

  it('lists our typed reference first, then every other ref value', () => {
    const parsed = parsePostback(
      null,
      null,
      'result=0&tx=1&amount1=1.00&ref1type1=OTHER&ref1val1=first&ref2type1=checkout_id&ref2val1=ours&ref1val2=third',
      options,
    )
    expect(parsed.ok && parsed.postback.references).toEqual(['ours', 'first', 'third'])
  })

  it('reads a failure with failedtx and CashNet’s message', () => {
    const parsed = parsePostback('result=230&respmessage=DECLINED&failedtx=77', form, '', options)
    expect(parsed).toMatchObject({
      ok: true,
      postback: {
        result: 230,
        respMessage: 'DECLINED',
        tx: null,
        failedTx: '77',
        totalCents: null,
      },
    })
  })

  it('believes only an exact 0 to be success', () => {
    const succeeded = (result: string) => {
      const parsed = parsePostback(`result=${result}&tx=1&amount=3`, form, '', options)
      return parsed.ok ? parsed.postback.succeeded : 'refused'
    }
    // In a form body `+` is a space: `+0` is " 0", which trims to 0.
    expect(['0', ' 0 ', '%200', '+0'].map(succeeded)).toEqual([true, true, true, true])
    expect(['00', '-0', '0.0', '230', '-1'].map(succeeded)).toEqual([
      false,
      false,
      'refused',
      false,
      false,
    ])
  })

  it('falls back to a bare amount when there are no numbered ones', () => {
    const parsed = parsePostback('result=0&tx=9&amount=3', form, '', options)
    expect(parsed.ok && parsed.postback.totalCents).toBe(300)
  })

  it('refuses what is not believable', () => {
    const reasons = [
      parsePostback('tx=1', form, '', options),
      parsePostback('result=ok&tx=1', form, '', options),
      parsePostback('result=0&tx=1&amount1=1.005', form, '', options),
      parsePostback('result=0&tx=1&amount1=-1.00', form, '', options),
      parsePostback('result=0&tx=a b', form, '', options),
      parsePostback('{"result":0}', 'application/json', '', options),
      parsePostback('result=0&tx=1', 'text/plain', '', options),
      parsePostback('', null, '', options),
      parsePostback('result=0&tx=1', form, 'tx=2', options),
    ].map((parsed) => (parsed.ok ? 'accepted' : parsed.reason))
    expect(reasons).toEqual([
      'result: result is missing',
      'result: result is not a number',
      'amount1 is not an amount',
      'amount1 is not an amount',
      'tx: is not a CashNet transaction number',
      'unsupported content type application/json',
      'unsupported content type text/plain',
      'no fields',
      'field "tx" appears twice with different values',
    ])
  })

  it('merges body and query fields, the same value twice being harmless', () => {
    const read = readPostbackFields('result=0&tx=5', form, 'TX=5&extra=1')
    expect(read.ok && Object.fromEntries(read.fields)).toEqual({ result: '0', tx: '5', extra: '1' })
  })
})
