import { describe, expect, it } from 'vitest'
import {
  isAllowedCheckoutSubframeUrl,
  isAllowedCheckoutUrl,
  isAllowedKioskUrl,
  webOrigin,
} from '../../../main/security/navigationPolicy.ts'

const allowed = ['https://commerce.cashnet.com', 'https://train.cashnet.com']

describe('main/security/navigationPolicy', () => {
  it.each([
    'https://commerce.cashnet.com/cashnetg/static/epayment/library/checkout?amount=1',
    'https://COMMERCE.cashnet.com:443/x',
    'https://train.cashnet.com/',
  ])('allows the CashNet page at %s', (url) => {
    expect(isAllowedCheckoutUrl(url, allowed)).toBe(true)
  })

  it.each([
    ['a look-alike host', 'https://commerce.cashnet.com.attacker.example/checkout'],
    ['a look-alike prefix', 'https://commerce.cashnet.comattacker.example/'],
    ['a subdomain', 'https://evil.commerce.cashnet.com/'],
    ['plain http', 'http://commerce.cashnet.com/'],
    ['another port', 'https://commerce.cashnet.com:8443/'],
    ['credentials', 'https://user:pass@commerce.cashnet.com/'],
    ['userinfo trick', 'https://commerce.cashnet.com@attacker.example/'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['file:', 'file:///C:/Windows/System32/cmd.exe'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['blob:', 'blob:https://commerce.cashnet.com/1234'],
    ['about:blank', 'about:blank'],
    ['the kiosk origin', 'app://kiosk/index.html'],
    ['not a URL', 'commerce.cashnet.com'],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedCheckoutUrl(url, allowed)).toBe(false)
  })

  it('lets frames inside the CashNet page load only over https', () => {
    expect(isAllowedCheckoutSubframeUrl('https://acs.bank.example/3ds')).toBe(true)
    expect(isAllowedCheckoutSubframeUrl('http://acs.bank.example/3ds')).toBe(false)
    expect(isAllowedCheckoutSubframeUrl('javascript:void(0)')).toBe(false)
  })

  it('keeps the kiosk window on app://kiosk', () => {
    expect(isAllowedKioskUrl('app://kiosk/index.html')).toBe(true)
    expect(isAllowedKioskUrl('app://kiosk/_status/out-of-order')).toBe(true)
    expect(isAllowedKioskUrl('app://kiosk.attacker/')).toBe(false)
    expect(isAllowedKioskUrl('https://commerce.cashnet.com/')).toBe(false)
    expect(isAllowedKioskUrl('file:///C:/')).toBe(false)
  })

  it('computes web origins only for http(s)', () => {
    expect(webOrigin('https://a.example:443/x')).toBe('https://a.example')
    expect(webOrigin('ftp://a.example/')).toBeNull()
  })
})
