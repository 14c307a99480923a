import { describe, expect, it } from 'vitest'
import {
  buildProxyRequest,
  maxProxyBodyBytes,
  proxyDeadlineMs,
  proxyDeadlines,
  proxyResponse,
  serviceUrlFor,
  type ProxyRequestInput,
} from '../../../main/protocol/apiProxy.ts'

const target = { serviceUrl: new URL('https://svc.example.edu'), kioskKey: 'kiosk-key-0123456789' }

function request(url: string, init: Partial<ProxyRequestInput> = {}): ProxyRequestInput {
  return { url, method: 'GET', headers: new Headers(), body: null, ...init }
}

describe('main/protocol/apiProxy', () => {
  it('forwards an API call to the service with the kiosk key', () => {
    const plan = buildProxyRequest(
      request('app://kiosk/api/v1/checkouts/c%2F1?wait=25', {
        headers: new Headers({ accept: 'application/json', 'accept-language': 'es' }),
      }),
      target,
    )
    expect(plan.ok).toBe(true)
    if (!plan.ok) return
    expect(plan.url).toBe('https://svc.example.edu/api/v1/checkouts/c%2F1?wait=25')
    expect(plan.method).toBe('GET')
    expect(plan.body).toBeNull()
    expect(Object.fromEntries(plan.headers)).toEqual({
      accept: 'application/json',
      'accept-language': 'es',
      authorization: 'Bearer kiosk-key-0123456789',
    })
  })

  it('keeps the body of a POST and the service path prefix', () => {
    const body = new TextEncoder().encode('{"cardNumber":"123"}').buffer
    const plan = buildProxyRequest(
      request('app://kiosk/api/v1/lookups', {
        method: 'post',
        headers: new Headers({ 'content-type': 'application/json' }),
        body,
      }),
      { ...target, serviceUrl: new URL('https://library.example.edu/kiosk-service/') },
    )
    expect(plan.ok && plan.url).toBe('https://library.example.edu/kiosk-service/api/v1/lookups')
    expect(plan.ok && plan.method).toBe('POST')
    expect(plan.ok && plan.body).toBe(body)
  })

  it('never forwards credentials or identity headers from the page', () => {
    const plan = buildProxyRequest(
      request('app://kiosk/api/v1/lookups', {
        headers: new Headers({
          authorization: 'Bearer stolen',
          cookie: 'a=b',
          origin: 'app://kiosk',
          referer: 'app://kiosk/index.html',
          'x-forwarded-for': '1.2.3.4',
        }),
      }),
      target,
    )
    expect(plan.ok && Object.fromEntries(plan.headers)).toEqual({
      authorization: 'Bearer kiosk-key-0123456789',
    })
  })

  it('adds the key only for the service origin: other origins and paths are refused', () => {
    expect(buildProxyRequest(request('https://evil.example/api/v1/lookups'), target)).toEqual({
      ok: false,
      status: 403,
      reason: 'only the kiosk origin is proxied',
    })
    expect(buildProxyRequest(request('app://other/api/v1/lookups'), target).ok).toBe(false)
    expect(buildProxyRequest(request('app://kiosk/index.html'), target)).toMatchObject({
      ok: false,
      status: 404,
    })
    expect(buildProxyRequest(request('app://kiosk/api/../healthz'), target)).toMatchObject({
      ok: false,
      status: 404,
    })
    expect(buildProxyRequest(request('app://kiosk/api//evil.example/x'), target)).toMatchObject({
      ok: true,
      url: 'https://svc.example.edu/api//evil.example/x',
    })
  })

  it('refuses odd methods and oversized bodies', () => {
    expect(
      buildProxyRequest(request('app://kiosk/api/v1/x', { method: 'TRACE' }), target),
    ).toMatchObject({ ok: false, status: 405 })
    expect(
      buildProxyRequest(
        request('app://kiosk/api/v1/x', {
          method: 'POST',
          body: new ArrayBuffer(maxProxyBodyBytes + 1),
        }),
        target,
      ),
    ).toMatchObject({ ok: false, status: 413 })
  })

  it('keeps the status and safe headers of the answer and forbids caching', async () => {
    const upstream = new Response('{"ok":true}', {
      status: 201,
      headers: {
        'content-type': 'application/json',
        'set-cookie': 'session=1',
        'retry-after': '3',
        'content-encoding': 'identity',
      },
    })
    const response = proxyResponse(upstream)
    expect(response.status).toBe(201)
    expect(Object.fromEntries(response.headers)).toEqual({
      'cache-control': 'no-store',
      'content-type': 'application/json',
      'retry-after': '3',
      'x-content-type-options': 'nosniff',
    })
    expect(await response.text()).toBe('{"ok":true}')
    expect(proxyResponse(new Response(null, { status: 204 })).status).toBe(204)
  })

  it('maps app URLs to service URLs', () => {
    expect(
      serviceUrlFor(new URL('app://kiosk/api/v1/kiosk-settings?x=1#frag'), target.serviceUrl).href,
    ).toBe('https://svc.example.edu/api/v1/kiosk-settings?x=1')
  })
})

describe('proxyDeadlineMs', () => {
  it('gives a long-poll its wait plus a grace period, everything else the default', () => {
    const at = (path: string) => proxyDeadlineMs(new URL(`app://kiosk${path}`))
    expect(at('/api/v1/lookups')).toBe(proxyDeadlines.defaultMs)
    expect(at('/api/v1/checkouts/c1?wait=25&status=pending')).toBe(
      25_000 + proxyDeadlines.longPollGraceMs,
    )
    expect(at('/api/v1/checkouts/c1?wait=0')).toBe(proxyDeadlines.defaultMs)
    expect(at('/api/v1/checkouts/c1?wait=abc')).toBe(proxyDeadlines.defaultMs)
    expect(at('/api/v1/checkouts/c1?wait=99999')).toBe(
      proxyDeadlines.maxWaitSeconds * 1000 + proxyDeadlines.longPollGraceMs,
    )
  })
})
