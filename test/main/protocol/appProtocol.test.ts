import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { renderNotConfiguredPage } from '../../../main/pages/statusPages.ts'
import { createAppProtocolHandler } from '../../../main/protocol/appProtocol.ts'
import { startRecordingService, type RecordingService } from '../support/recordingService.ts'

let rendererDir: string
let service: RecordingService
let proxyErrors: string[]

beforeEach(async () => {
  const root = mkdtempSync(join(tmpdir(), 'app-protocol-'))
  rendererDir = join(root, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Kiosk</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(root, 'secret.txt'), 'do not serve')
  service = await startRecordingService()
  proxyErrors = []
})

afterEach(async () => {
  await service.close()
})

function handler(options: { configured?: boolean; serviceUrl?: string } = {}) {
  const configured = options.configured ?? true
  return createAppProtocolHandler({
    rendererDir,
    service: () =>
      configured
        ? {
            serviceUrl: new URL(options.serviceUrl ?? service.url),
            kioskKey: 'kiosk-key-0123456789',
          }
        : null,
    statusPage: (kind) =>
      kind === 'notConfigured'
        ? renderNotConfiguredPage({
            problems: ['kioskId: is required'],
            configPath: null,
            version: '1',
          })
        : null,
    fetch: (url, init) => fetch(url, init),
    onProxyError: (message) => proxyErrors.push(message),
  })
}

describe('main/protocol/appProtocol', () => {
  it('serves the renderer with a strict CSP on HTML', async () => {
    const response = await handler()(new Request('app://kiosk/'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await response.text()).toContain('<title>Kiosk</title>')

    const script = await handler()(new Request('app://kiosk/assets/app.js'))
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('never serves files outside the renderer folder', async () => {
    for (const url of [
      'app://kiosk/../secret.txt',
      'app://kiosk/assets/..%2f..%2fsecret.txt',
      'app://kiosk/%2e%2e/secret.txt',
      'app://kiosk/missing.js',
      'app://other/index.html',
    ]) {
      const response = await handler()(new Request(url))
      expect(response.status, url).toBe(404)
      expect(await response.text()).not.toContain('do not serve')
    }
    const post = await handler()(
      new Request('app://kiosk/index.html', { method: 'POST', body: 'x' }),
    )
    expect(post.status).toBe(405)
  })

  it('proxies /api/* to the service with the kiosk key, body and query intact', async () => {
    service.respond = () => ({
      status: 201,
      body: '{"checkoutId":"c1"}',
      headers: { 'content-type': 'application/json', 'set-cookie': 'x=1' },
    })
    const response = await handler()(
      new Request('app://kiosk/api/v1/checkouts?x=1', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer from-page' },
        body: '{"lookupId":"l1"}',
      }),
    )
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual({ checkoutId: 'c1' })
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(service.requests).toHaveLength(1)
    expect(service.requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/checkouts?x=1',
      body: '{"lookupId":"l1"}',
    })
    expect(service.requests[0]?.headers.authorization).toBe('Bearer kiosk-key-0123456789')
  })

  it('answers 503 while not configured and 502 when the service is down', async () => {
    const unconfigured = await handler({ configured: false })(
      new Request('app://kiosk/api/v1/kiosk-settings'),
    )
    expect(unconfigured.status).toBe(503)
    expect(service.requests).toHaveLength(0)

    const down = await handler({ serviceUrl: 'http://127.0.0.1:9' })(
      new Request('app://kiosk/api/v1/kiosk-settings?card=12345678'),
    )
    expect(down.status).toBe(502)
    expect(await down.json()).toEqual({
      error: { code: 'internal', message: 'The kiosk service could not be reached.' },
    })
    expect(proxyErrors).toHaveLength(1)
    expect(proxyErrors[0]).toMatch(/^proxy GET \/api\/v1\/kiosk-settings failed: /)
    expect(proxyErrors[0]).not.toContain('12345678')
  })

  it('refuses an oversized body before contacting the service', async () => {
    const response = await handler()(
      new Request('app://kiosk/api/v1/lookups', { method: 'POST', body: 'x'.repeat(70_000) }),
    )
    expect(response.status).toBe(413)
    expect(service.requests).toHaveLength(0)
  })

  it('serves a status page only while it is shown, with its own CSP', async () => {
    const page = await handler()(new Request('app://kiosk/_status/not-configured'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-/,
    )
    expect(await page.text()).toContain('kioskId: is required')
    const hidden = await handler()(new Request('app://kiosk/_status/out-of-order'))
    expect(hidden.status).toBe(404)
  })
})
