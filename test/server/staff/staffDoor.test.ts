import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staffErrorSchema, staffRoutes } from '../../../common/staffApi.ts'
import { startHarness, type Harness } from '../payments/harness.ts'
import { staffClient } from './staffClient.ts'

/** The door to /staff: campus networks, sign-in rate limit, and the console's own files. */
describe('server/http /staff door', () => {
  let h: Harness
  const consoleDir = mkdtempSync(join(tmpdir(), 'staff-console-'))

  beforeAll(async () => {
    mkdirSync(join(consoleDir, 'assets'))
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Staff console</title>')
    writeFileSync(join(consoleDir, 'assets', 'app.js'), 'console.log("staff")')
    h = await startHarness({
      trustProxy: true,
      env: { STAFF_ALLOWED_NETWORKS: '10.0.0.0/8', STAFF_SIGN_IN_REQUESTS_PER_MINUTE: '3' },
      staffConsoleDir: consoleDir,
    })
  })
  afterAll(async () => {
    await h.close()
    rmSync(consoleDir, { recursive: true, force: true })
  })

  const campus = { 'x-forwarded-for': '10.20.30.40' }

  it('answers the campus networks only, for the API and the console alike', async () => {
    for (const path of [staffRoutes.ssoOptions.path, '/staff/', '/staff/assets/app.js']) {
      const outside = await staffClient(h.baseUrl).call('GET', path, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      })
      expect({ path, status: outside.status }).toEqual({ path, status: 403 })
      expect(staffErrorSchema.parse(outside.body).error.code).toBe('forbidden')
      const inside = await staffClient(h.baseUrl).call('GET', path, { headers: campus })
      expect({ path, status: inside.status }).toEqual({ path, status: 200 })
    }
    // The kiosk API and CashNet's doors are not the staff console's business.
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200)
  })

  it('limits sign-in attempts per address', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 4; attempt++) {
      const answer = await staffClient(h.baseUrl).call('POST', staffRoutes.signIn.path, {
        body: { username: 'nobody', password: 'wrong password here' },
        headers: { 'x-forwarded-for': '10.9.9.9' },
      })
      statuses.push(answer.status)
      if (answer.status === 429) {
        expect(staffErrorSchema.parse(answer.body).error.code).toBe('rate_limited')
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429])
    // Another address is not held back by this one's attempts.
    const other = await staffClient(h.baseUrl).call('POST', staffRoutes.signIn.path, {
      body: { username: 'nobody', password: 'wrong password here' },
      headers: { 'x-forwarded-for': '10.9.9.10' },
    })
    expect(other.status).toBe(401)
  })

  it("serves the console's page for its own routes, with a strict content security policy", async () => {
    for (const path of ['/staff', '/staff/', '/staff/payments/c-123', '/staff/exceptions']) {
      const answer = await staffClient(h.baseUrl).call('GET', path, { headers: campus })
      expect({ path, status: answer.status }).toEqual({ path, status: 200 })
      expect(answer.text).toContain('<title>Staff console</title>')
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'")
      expect(answer.headers.get('x-frame-options')).toBe('DENY')
    }
    const script = await staffClient(h.baseUrl).call('GET', '/staff/assets/app.js', {
      headers: campus,
    })
    expect(script.headers.get('content-type')).toContain('javascript')
    const api = await staffClient(h.baseUrl).call('GET', '/staff/api/payments/x/y', {
      headers: campus,
    })
    expect(api.status).toBe(404)
    expect(staffErrorSchema.parse(api.body).error.code).toBe('not_found')
  })
})
