import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  sessionInfoSchema,
  ssoOptionsSchema,
  staffErrorSchema,
  staffPath,
  staffRoutes,
} from '../../../common/staffApi.ts'
import { sessionCookie, ssoStateCookie } from '../../../server/http/staffHttp.ts'
import { chromiumFlags } from '../../e2e/support/environment.ts'
import { startHarness, type Harness } from '../payments/harness.ts'
import { startLoopbackIdp, type LoopbackIdp } from './support/oidcProvider.ts'

/** Debian's Chromium, as the e2e tests use it (CHROMIUM_PATH where it lives elsewhere). */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Every browser wait is bounded by this; a busy two-core machine needs some of it. */
const stepTimeoutMs = 20_000

const idpPassword = 'campus password 1'
const idpAccounts = {
  jdoe: {
    password: idpPassword,
    claims: { preferred_username: 'JDoe', name: 'Jo Doe', groups: ['staff', 'circ-supervisors'] },
  },
  visitor: {
    password: idpPassword,
    claims: { preferred_username: 'visitor', name: 'Vi Sitor', groups: ['faculty'] },
  },
}

/**
 * Campus single sign-on in a real browser: Chromium, the service as assembled for production (real
 * HTTP, real SQLite), and a real OpenID provider on loopback that requires PKCE.
 */
describe('staff single sign-on (Chromium, oidc-provider on loopback)', () => {
  let idp: LoopbackIdp
  let h: Harness
  let browser: Browser
  let context: BrowserContext | null = null
  let page: Page
  const consoleDir = mkdtempSync(join(tmpdir(), 'staff-console-'))
  let startUrl: string

  beforeAll(async () => {
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Staff console</title>')
    idp = await startLoopbackIdp(idpAccounts)
    h = await startHarness({
      staffConsoleDir: consoleDir,
      env: {
        STAFF_SSO_ISSUER: idp.issuer,
        STAFF_SSO_CLIENT_ID: 'cashnet-kiosk-staff',
        STAFF_SSO_CLIENT_SECRET: 'a client secret for the loopback provider',
        STAFF_SSO_LABEL: 'Sign in with Test Campus',
        STAFF_SSO_DESK_VALUES: 'circ',
        STAFF_SSO_SUPERVISOR_VALUES: 'circ-supervisors',
        STAFF_SSO_ADMIN_VALUES: 'lib-systems',
        STAFF_SIGN_IN_REQUESTS_PER_MINUTE: '1000',
      },
    })
    idp.registerClient({
      clientId: 'cashnet-kiosk-staff',
      clientSecret: 'a client secret for the loopback provider',
      redirectUri: `${h.baseUrl}${staffRoutes.ssoCallback.path}`,
    })
    startUrl = `${h.baseUrl}${staffPath(staffRoutes.ssoStart.path, { institution: h.institution })}`
    browser = await chromium.launch({
      args: chromiumFlags,
      executablePath: chromiumPath,
      timeout: stepTimeoutMs,
    })
  }, 60_000)
  afterAll(async () => {
    await browser.close()
    await h.close()
    await idp.close()
    rmSync(consoleDir, { recursive: true, force: true })
  })
  beforeEach(async () => {
    // A fresh browser for each test: no provider session, no staff cookies carried over.
    await context?.close()
    const fresh = await browser.newContext()
    fresh.setDefaultTimeout(stepTimeoutMs)
    fresh.setDefaultNavigationTimeout(stepTimeoutMs)
    context = fresh
    page = await fresh.newPage()
  })

  const browserContext = (): BrowserContext => {
    if (!context) throw new Error('no browser context yet')
    return context
  }

  async function signInAtProvider(login: string, password = idpPassword) {
    await page.waitForURL(`${idp.issuer}/interaction/**`)
    await page.getByLabel('Username').fill(login)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
  }

  async function consent() {
    await page.getByRole('heading', { name: 'Allow access' }).waitFor()
    await page.getByRole('button', { name: 'Allow' }).click()
  }

  /** Every cookie the browser holds (the service's and the provider's names differ), by name. */
  async function staffCookies() {
    const cookies = await browserContext().cookies()
    return new Map(cookies.map((cookie) => [cookie.name, cookie]))
  }

  /** The session as the console would read it: a fetch from the page, with the browser's cookies. */
  async function sessionFromPage(): Promise<{ status: number; body: unknown }> {
    return page.evaluate(async (path) => {
      const response = await fetch(path)
      return { status: response.status, body: (await response.json()) as unknown }
    }, staffRoutes.session.path)
  }

  it('offers the campus button and signs a supervisor in through the provider', async () => {
    const options = await fetch(`${h.baseUrl}${staffRoutes.ssoOptions.path}`)
    expect(ssoOptionsSchema.parse(await options.json())).toEqual({
      options: [
        {
          institution: h.institution,
          label: 'Sign in with Test Campus',
          startUrl: staffPath(staffRoutes.ssoStart.path, { institution: h.institution }),
        },
      ],
    })

    const authorizationRequest = page.waitForRequest((request) =>
      request.url().startsWith(`${idp.issuer}/auth?`),
    )
    await page.goto(startUrl)
    // The provider was asked with PKCE (S256), a state and a nonce.
    const authorization = new URL((await authorizationRequest).url())
    expect(authorization.searchParams.get('state')).toBeTruthy()
    expect(authorization.searchParams.get('nonce')).toBeTruthy()
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorization.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    await signInAtProvider('jdoe', 'not the password')
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong username or password.')
    await page.getByLabel('Username').fill('jdoe')
    await page.getByLabel('Password').fill(idpPassword)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await consent()

    await page.waitForURL(`${h.baseUrl}/staff/`)
    await expect(page.title()).resolves.toBe('Staff console')
    const cookies = await staffCookies()
    expect(cookies.has(ssoStateCookie)).toBe(false)
    expect(cookies.get(sessionCookie)).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/staff',
    })

    const session = await sessionFromPage()
    expect(session.status).toBe(200)
    expect(sessionInfoSchema.parse(session.body)).toMatchObject({
      username: 'jdoe@01cals_test',
      role: 'supervisor',
      institutions: [{ code: h.institution }],
      method: 'sso',
    })
    const account = await h.service.staffStore.getAccount('jdoe@01cals_test')
    expect(account).toMatchObject({ method: 'sso', role: 'supervisor', passwordHash: null })
    const [entry] = await h.service.staffStore.listAudit({ actor: 'jdoe@01cals_test', limit: 1 })
    expect(entry).toMatchObject({ action: 'sign_in', institution: h.institution })
    expect(entry?.detail).toMatchObject({ method: 'sso', role: 'supervisor' })
  })

  it('refuses a campus account whose claims map to no role, and says why', async () => {
    await page.goto(startUrl)
    await signInAtProvider('visitor')
    await consent()

    await page.waitForURL(`${h.baseUrl}/staff/?signInError=sso_forbidden`)
    expect((await staffCookies()).has(sessionCookie)).toBe(false)
    const session = await sessionFromPage()
    expect(session.status).toBe(401)
    expect(await h.service.staffStore.getAccount('visitor@01cals_test')).toBeNull()
    const [entry] = await h.service.staffStore.listAudit({ actor: 'sso', limit: 1 })
    expect(entry).toMatchObject({ action: 'sign_in_failed' })
    expect(entry?.detail).toMatchObject({ reason: 'no groups value maps to a role' })
  })

  /** The provider's authorization address the service redirects to, the state cookie kept. */
  async function authorizationUrl(): Promise<URL> {
    const answer = await browserContext().request.get(startUrl, { maxRedirects: 0 })
    expect(answer.status()).toBe(303)
    return new URL(answer.headers().location ?? '')
  }

  it('refuses a sign-in whose state was changed on the way to the provider', async () => {
    const authorization = await authorizationUrl()
    authorization.searchParams.set('state', oidc.randomState())
    await page.goto(authorization.href)
    await signInAtProvider('jdoe')
    await consent()
    await page.waitForURL(`${h.baseUrl}/staff/?signInError=sso_failed`)
    expect((await staffCookies()).has(sessionCookie)).toBe(false)
    expect((await sessionFromPage()).status).toBe(401)
  })

  it('refuses a forged state even when the browser carries it as its own', async () => {
    // A login-CSRF attempt that also plants the state cookie: the service never issued this state.
    const forged = oidc.randomState()
    await browserContext().addCookies([
      {
        name: ssoStateCookie,
        value: forged,
        url: `${h.baseUrl}${staffRoutes.ssoCallback.path}`,
      },
    ])
    await page.goto(
      `${h.baseUrl}${staffRoutes.ssoCallback.path}?code=made-up-code&state=${forged}&iss=${encodeURIComponent(idp.issuer)}`,
    )
    expect(page.url()).toBe(`${h.baseUrl}/staff/?signInError=sso_failed`)
    expect((await staffCookies()).has(sessionCookie)).toBe(false)
  })

  it('refuses a callback used twice', async () => {
    const callback = page.waitForRequest((request) =>
      request.url().startsWith(`${h.baseUrl}${staffRoutes.ssoCallback.path}?`),
    )
    await page.goto(startUrl)
    await signInAtProvider('jdoe')
    await consent()
    await page.waitForURL(`${h.baseUrl}/staff/`)
    expect((await sessionFromPage()).status).toBe(200)
    // The same callback address again, state cookie included (a replay): refused.
    const used = new URL((await callback).url())
    const replay = await fetch(used, {
      redirect: 'manual',
      headers: { cookie: `${ssoStateCookie}=${used.searchParams.get('state') ?? ''}` },
    })
    expect(replay.status).toBe(303)
    expect(replay.headers.get('location')).toBe('/staff/?signInError=sso_failed')
    expect(replay.headers.get('set-cookie') ?? '').not.toContain(`${sessionCookie}=`)
  })

  it('refuses a sign-in whose PKCE challenge was swapped on the way to the provider', async () => {
    const authorization = await authorizationUrl()
    // An attacker's own verifier: the code is bound to it, so the service's verifier fails.
    authorization.searchParams.set(
      'code_challenge',
      await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    )
    await page.goto(authorization.href)
    await signInAtProvider('jdoe')
    await consent()
    await page.waitForURL(`${h.baseUrl}/staff/?signInError=sso_failed`)
    expect((await staffCookies()).has(sessionCookie)).toBe(false)
    const [entry] = await h.service.staffStore.listAudit({ actor: 'sso', limit: 1 })
    expect(entry).toMatchObject({ action: 'sign_in_failed' })
    // The provider refused the code exchange: the verifier did not match the challenge.
    expect(entry?.detail.reason).toBe('invalid_grant: grant request is invalid')
  })

  it('refuses a sign-in whose PKCE challenge was removed (the provider requires it)', async () => {
    const authorization = await authorizationUrl()
    authorization.searchParams.delete('code_challenge')
    authorization.searchParams.delete('code_challenge_method')
    await page.goto(authorization.href)
    await page.waitForURL(`${h.baseUrl}/staff/?signInError=sso_failed`)
    expect((await staffCookies()).has(sessionCookie)).toBe(false)
    const [entry] = await h.service.staffStore.listAudit({ actor: 'sso', limit: 1 })
    expect(entry?.detail.reason).toMatch(/^invalid_request: .*PKCE/)
    const refused = await fetch(`${h.baseUrl}${staffRoutes.session.path}`)
    expect(staffErrorSchema.parse(await refused.json()).error.code).toBe('unauthorized')
  })
})
