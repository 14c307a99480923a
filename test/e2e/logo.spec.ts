/**
 * The library logo under the CSP the Electron kiosk really uses: the page is served with main's
 * header policy and the Electron build's meta policy (both from common/kioskCsp.ts), and the logo
 * must load same-origin through `/api/v1/logo` with no CSP violation.
 */
import { rendererHeaderCsp, rendererMetaCsp } from '../../common/kioskCsp.ts'
import { expect, openKiosk, test } from './support/test.ts'

test('the logo loads through the kiosk API under the kiosk’s own CSP', async ({ page }) => {
  const violations: string[] = []
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text())
  })
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}`)
    })
  })
  // What Electron's app://kiosk handler answers: the Electron build's meta and main's header.
  await page.route('/', async (route) => {
    const response = await route.fetch()
    const html = (await response.text()).replace(
      /(<meta http-equiv="Content-Security-Policy" content=")[^"]+(")/,
      `$1${rendererMetaCsp('electron')}$2`,
    )
    expect(html).toContain(rendererMetaCsp('electron'))
    await route.fulfill({
      response,
      body: html,
      headers: { ...response.headers(), 'content-security-policy': rendererHeaderCsp() },
    })
  })
  const logoResponse = page.waitForResponse('**/api/v1/logo')

  await openKiosk(page)
  const logo = page.locator('img.brand-logo')
  await expect(logo).toHaveAttribute('src', '/api/v1/logo')
  const answered = await logoResponse
  expect(answered.status()).toBe(200)
  expect(answered.headers()['content-type']).toBe('image/png')
  expect(answered.headers()['x-content-type-options']).toBe('nosniff')
  await expect
    .poll(() => logo.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth))
    .toBe(120)
  expect(await logo.evaluate((image: HTMLImageElement) => image.naturalHeight)).toBe(40)
  await expect(logo).toBeVisible()

  // No violation so far: the logo and everything else the kiosk loads is allowed.
  expect(
    await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).toEqual([])
  expect(violations).toEqual([])

  // The page really ran under both policies: an outside image is refused by each of them.
  await page.evaluate(() => {
    const probe = new Image()
    probe.src = 'https://logo.example.org/outside.png'
  })
  await expect
    .poll(() =>
      page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    )
    .toEqual([
      'img-src https://logo.example.org/outside.png ',
      'img-src https://logo.example.org/outside.png ',
    ])
  expect(violations.filter((text) => !text.includes('logo.example.org'))).toEqual([])
})
