import { describe, expect, it } from 'vitest'
import {
  classifyCheckoutNavigation,
  classifyCheckoutRequest,
  isReturnUrl,
} from '../../../main/checkout/returnDetection.ts'

const returnUrl = new URL('https://kiosk-service.library.example.edu/cashnet/return')
const policy = { allowedOrigins: ['https://commerce.cashnet.com'], returnUrl }

describe('main/checkout/returnDetection', () => {
  it('recognises the signouturl with any query, fragment or trailing slash', () => {
    expect(isReturnUrl('https://kiosk-service.library.example.edu/cashnet/return', returnUrl)).toBe(
      true,
    )
    expect(
      isReturnUrl(
        'https://kiosk-service.library.example.edu/cashnet/return?ref=c1&result=0',
        returnUrl,
      ),
    ).toBe(true)
    expect(
      isReturnUrl('https://kiosk-service.library.example.edu/cashnet/return/#x', returnUrl),
    ).toBe(true)
  })

  it.each([
    'https://kiosk-service.library.example.edu/cashnet/returnx',
    'https://kiosk-service.library.example.edu/cashnet/return/extra',
    'https://kiosk-service.library.example.edu.attacker.example/cashnet/return',
    'http://kiosk-service.library.example.edu/cashnet/return',
    'https://commerce.cashnet.com/cashnet/return',
    'https://user@kiosk-service.library.example.edu/cashnet/return',
    'not a url',
  ])('does not mistake %s for the return', (url) => {
    expect(isReturnUrl(url, returnUrl)).toBe(false)
  })

  it('detects the return by GET (a link or redirect) and by POST (a form)', () => {
    for (const method of ['GET', 'POST']) {
      expect(
        classifyCheckoutRequest(
          { url: `${returnUrl.href}?result=0&ref=c1`, method, resourceType: 'mainFrame' },
          policy,
        ),
      ).toBe('return')
    }
    expect(classifyCheckoutNavigation({ url: returnUrl.href, isMainFrame: true }, policy)).toBe(
      'return',
    )
  })

  it('allows CashNet and its resources, blocks main-frame navigation anywhere else', () => {
    const request = (url: string, resourceType: string, method = 'GET') =>
      classifyCheckoutRequest({ url, method, resourceType }, policy)
    expect(request('https://commerce.cashnet.com/checkout', 'mainFrame', 'POST')).toBe('allow')
    expect(request('https://cdn.cashnet-assets.example/app.js', 'script')).toBe('allow')
    expect(request('https://commerce.cashnet.com.attacker.example/', 'mainFrame')).toBe('block')
    expect(request('https://acs.bank.example/3ds', 'subFrame')).toBe('allow')
    expect(request('http://acs.bank.example/3ds', 'subFrame')).toBe('block')
    expect(
      classifyCheckoutNavigation({ url: 'javascript:alert(1)', isMainFrame: true }, policy),
    ).toBe('block')
    expect(
      classifyCheckoutNavigation({ url: 'file:///etc/passwd', isMainFrame: true }, policy),
    ).toBe('block')
    expect(
      classifyCheckoutNavigation({ url: 'data:text/html,hi', isMainFrame: false }, policy),
    ).toBe('block')
  })
})
