import { describe, expect, it } from 'vitest'
import { primoReturnUrl } from '../../../server/pay/primoReturnUrl.ts'

const settings = {
  jwksUrl: 'https://api-na.hosted.exlibrisgroup.com/auth/01CALS_SJO/jwks.json',
  institutionCode: '01CALS_SJO',
  returnOrigins: ['https://csu-sjsu.primo.exlibrisgroup.com', 'https://primo.example.edu:8443'],
}
const account =
  'https://csu-sjsu.primo.exlibrisgroup.com/discovery/account?vid=01CALS_SJO:01CALS_SJO&section=fines'

describe('server/pay/primoReturnUrl', () => {
  it('accepts an address on a configured Primo origin', () => {
    expect(primoReturnUrl(settings, account)).toBe(account)
    expect(primoReturnUrl(settings, 'https://primo.example.edu:8443/discovery/account')).toBe(
      'https://primo.example.edu:8443/discovery/account',
    )
    expect(primoReturnUrl(settings, 'HTTPS://CSU-SJSU.primo.exlibrisgroup.com/x')).toBe(
      'https://csu-sjsu.primo.exlibrisgroup.com/x',
    )
  })

  it('refuses everything else', () => {
    for (const candidate of [
      undefined,
      '',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      '//csu-sjsu.primo.exlibrisgroup.com/discovery',
      '/discovery/account',
      'https://csu-sjsu.primo.exlibrisgroup.com.evil.example/discovery',
      'https://csu-sjsu.primo.exlibrisgroup.com@evil.example/discovery',
      'https://user:pw@csu-sjsu.primo.exlibrisgroup.com/discovery',
      'http://csu-sjsu.primo.exlibrisgroup.com/discovery',
      'https://primo.example.edu/discovery',
      'https://csu-sjsu.primo.exlibrisgroup.com\\@evil.example',
      'https://csu-sjsu.primo.exlibrisgroup.com/\n/evil',
      `https://csu-sjsu.primo.exlibrisgroup.com/${'a'.repeat(3000)}`,
    ]) {
      expect(primoReturnUrl(settings, candidate), String(candidate)).toBeNull()
    }
    expect(primoReturnUrl(null, account)).toBeNull()
    expect(primoReturnUrl({ ...settings, returnOrigins: [] }, account)).toBeNull()
  })
})
