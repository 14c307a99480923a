import { describe, expect, it } from 'vitest'
import {
  createIpAllowlist,
  normalizeIp,
  resolveSourceIp,
  secretMatches,
} from '../../../../server/payments/postback/verify.ts'

describe('server/payments/postback/verify', () => {
  it('compares secrets exactly, whatever their lengths', () => {
    expect(secretMatches('s3cret-value', 's3cret-value')).toBe(true)
    expect(secretMatches('s3cret-valuE', 's3cret-value')).toBe(false)
    expect(secretMatches('s3cret', 's3cret-value')).toBe(false)
    expect(secretMatches('', 's3cret-value')).toBe(false)
    expect(secretMatches('', '')).toBe(false)
  })

  it('allows listed addresses and ranges only; an empty list allows any', () => {
    const allowed = createIpAllowlist(['34.195.213.231', ' 40.90.247.0/24 ', '2001:db8::/32'])
    expect(allowed('34.195.213.231')).toBe(true)
    expect(allowed('::ffff:34.195.213.231')).toBe(true)
    expect(allowed('40.90.247.249')).toBe(true)
    expect(allowed('40.90.248.1')).toBe(false)
    expect(allowed('2001:db8::1')).toBe(true)
    expect(allowed('127.0.0.1')).toBe(false)
    expect(allowed('not an ip')).toBe(false)
    expect(createIpAllowlist([])('203.0.113.1')).toBe(true)
    expect(() => createIpAllowlist(['34.195.213'])).toThrow(/Not an IP/)
    expect(() => createIpAllowlist(['10.0.0.0/33'])).toThrow(/prefix/)
  })

  it('believes only the last X-Forwarded-For hop, and only behind a trusted proxy', () => {
    expect(resolveSourceIp('::ffff:127.0.0.1', '1.2.3.4', false)).toBe('127.0.0.1')
    expect(resolveSourceIp('127.0.0.1', '6.6.6.6, 1.2.3.4', true)).toBe('1.2.3.4')
    expect(resolveSourceIp('127.0.0.1', ['6.6.6.6', '1.2.3.4'], true)).toBe('1.2.3.4')
    expect(resolveSourceIp('127.0.0.1', 'garbage', true)).toBe('127.0.0.1')
    expect(resolveSourceIp('127.0.0.1', undefined, true)).toBe('127.0.0.1')
    expect(normalizeIp(' ::ffff:10.1.2.3 ')).toBe('10.1.2.3')
  })
})
