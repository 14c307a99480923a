import { describe, expect, it } from 'vitest'
import { maskEmail, maskId, redactUrl } from '../../../server/ops/redact.ts'

describe('server/ops log hygiene', () => {
  it('keeps only the last four characters of an identifier', () => {
    expect(maskId('2000000001')).toBe('••••••0001')
    expect(maskId('123')).toBe('•••')
  })

  it('shows staff where an email went without the whole address', () => {
    expect(maskEmail('jane.doe@sjsu.edu')).toBe('j•••@sjsu.edu')
    expect(maskEmail('not-an-address')).not.toContain('not-an')
  })

  it.each([
    ['/cashnet/postback/s3cr3t?x=1', '/cashnet/postback/[secret]?x=1'],
    ['/pay/l/AbC_dEf-123', '/pay/l/[token]'],
    ['/pay/primo?jwt=eyJ.a.b&lang=es', '/pay/primo?jwt=[redacted]&lang=es'],
    [
      '/staff/api/sso/callback?code=abc&state=xyz',
      '/staff/api/sso/callback?code=[redacted]&state=[redacted]',
    ],
    ['/pay/return?token=t', '/pay/return?token=[redacted]'],
    ['/api/v1/lookups', '/api/v1/lookups'],
  ])('strips the credential from %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted)
  })

  it.each([
    ['/staff/api/pay-links?patronId=A00012345', '/staff/api/pay-links?patronId=[redacted]'],
    [
      '/staff/api/exceptions/7/fees?patronId=jdoe%40sjsu.edu&x=1',
      '/staff/api/exceptions/7/fees?patronId=[redacted]&x=1',
    ],
    [
      '/staff/api/payments?status=posted&q=A00012345&limit=50',
      '/staff/api/payments?status=posted&q=[redacted]&limit=50',
    ],
    ['/staff/api/payments?q=A00012345#top', '/staff/api/payments?q=[redacted]#top'],
    // Only those parameters: a name that merely ends in q or patronId is kept.
    ['/staff/api/payments?seq=2&mypatronId=3', '/staff/api/payments?seq=2&mypatronId=3'],
  ])('strips the Alma user id from %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted)
  })
})
