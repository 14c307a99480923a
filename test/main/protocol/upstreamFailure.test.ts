import { describe, expect, it } from 'vitest'
import {
  describeUpstreamFailure,
  isRedirectStatus,
  serviceRedirectedAdvice,
} from '../../../main/protocol/upstreamFailure.ts'

describe('main/protocol/upstreamFailure', () => {
  it("names net.fetch's rejected redirect, a timeout and a network error", () => {
    expect(describeUpstreamFailure(new Error('Redirect was cancelled'))).toEqual({
      kind: 'redirected',
      detail: serviceRedirectedAdvice,
    })
    expect(describeUpstreamFailure(new DOMException('timed out', 'TimeoutError')).kind).toBe(
      'timeout',
    )
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })
    expect(describeUpstreamFailure(refused)).toEqual({
      kind: 'unreachable',
      detail: 'connect ECONNREFUSED',
    })
  })

  it('treats 3xx except 304 as a redirect', () => {
    expect([301, 302, 307, 308].every(isRedirectStatus)).toBe(true)
    expect([200, 304, 401, 502].some(isRedirectStatus)).toBe(false)
  })
})
