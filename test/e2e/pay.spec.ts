/**
 * The patron pay pages on a phone (360 × 740): from a pay link through the sandbox CashNet page,
 * as a full page, to the posted receipt, in English and in Spanish, each screen checked with axe.
 */
import type { Page } from '@playwright/test'
import { cards, expectAccessible, expectTouchTargets, screenLocator } from './support/kiosk.ts'
import { expect, test } from './support/test.ts'

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })

async function payLink(page: Page, cardNumber: string): Promise<string> {
  const response = await page.request.post('/__sandbox/pay-link', { data: { cardNumber } })
  expect(response.status()).toBe(201)
  const { url } = (await response.json()) as { url: string }
  return url
}

/** The screen is there, passes axe, has large enough targets, and fits 360 px without sideways scrolling. */
async function expectPayScreen(page: Page, name: string): Promise<void> {
  await expect(screenLocator(page, name)).toBeVisible({ timeout: 20_000 })
  await expectAccessible(page)
  await expectTouchTargets(page)
  await expectFits(page)
}

async function expectFits(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width).toBeLessThanOrEqual(360)
}

/** Records CSP violations the page reports, to show the strict policy breaks nothing. */
function watchCsp(page: Page): string[] {
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/iu.test(message.text())) violations.push(message.text())
  })
  return violations
}

/** On CashNet's page, as a full page (no frame): it fits the phone, then Pay. */
async function payOnCashnetPage(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Checkout' })).toBeVisible()
  expect(new URL(page.url()).pathname).not.toMatch(/^\/pay/u)
  expect(page.frames()).toHaveLength(1)
  await expectFits(page)
  await page.getByRole('button', { name: /^Pay/u }).click()
}

test('pays chosen fees from a pay link in English, through the CashNet page to the receipt', async ({
  page,
}) => {
  const violations = watchCsp(page)
  const url = await payLink(page, cards.severalFees)
  await page.goto(url)
  // The token is gone from the address bar once the session started.
  await expect(page).toHaveURL(/\/pay\/$/u)
  await expectPayScreen(page, 'fees')
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')

  const fees = screenLocator(page, 'fees').locator('.fee-row input[type="checkbox"]')
  const count = await fees.count()
  expect(count).toBeGreaterThan(1)
  await fees.last().uncheck()
  await page.getByRole('button', { name: /^Pay selected/u }).click()
  await expectPayScreen(page, 'confirm')
  const amount = await screenLocator(page, 'confirm').locator('.amount-summary-value').innerText()

  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnetPage(page)

  await expect(page).toHaveURL(/\/pay\/status$/u)
  await expectPayScreen(page, 'receipt')
  await expect(screenLocator(page, 'receipt')).toContainText(amount)
  await expect(screenLocator(page, 'receipt').locator('tbody tr')).toHaveCount(count - 1)
  expect(violations).toEqual([])
})

test('pays an amount in Spanish and shows the receipt in Spanish', async ({ page }) => {
  const violations = watchCsp(page)
  await page.goto(await payLink(page, cards.severalFees))
  await expect(screenLocator(page, 'fees')).toBeVisible()
  await page.getByRole('button', { name: 'Español' }).click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'es')
  await expectPayScreen(page, 'fees')

  await page.getByRole('button', { name: 'Pagar otro importe' }).click()
  await expectPayScreen(page, 'amount')
  const field = page.getByLabel('Importe a pagar')
  await field.fill('0.5')
  await expect(page.getByRole('alert')).toBeVisible()
  await expectAccessible(page)
  await field.fill('5,25')
  await page.getByRole('button', { name: 'Continuar' }).click()
  await expectPayScreen(page, 'confirm')
  await expect(screenLocator(page, 'confirm')).toContainText('5.25')

  await page.getByRole('button', { name: 'Ir al pago seguro' }).click()
  await payOnCashnetPage(page)
  await expectPayScreen(page, 'receipt')
  await expect(page.getByRole('heading', { name: 'Pago completado' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'es')
  expect(violations).toEqual([])
})

test('a payment CashNet reports after the page gave up waiting still ends on its receipt', async ({
  page,
  sandbox,
}) => {
  // 20 s of patience before the page cancels, then the late postback and its posting.
  test.setTimeout(120_000)
  // A patron no later spec looks at: the desk spec counts James Chen's (oneFee) pay links.
  await page.goto(await payLink(page, cards.unicode))
  await expectPayScreen(page, 'fees')
  await page.getByRole('button', { name: /^Pay all/u }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  // CashNet takes the money, but its postback is late: nothing reported when the patron is back.
  await sandbox('cashnet/hold', {})
  await payOnCashnetPage(page)
  await expect(page).toHaveURL(/\/pay\/status$/u)
  await sandbox('cashnet/hold/arrived', {})
  await expectPayScreen(page, 'waiting')

  // Nothing reported: most likely a cancel on CashNet's page, so the page cancels and says so.
  await expect(screenLocator(page, 'notPaid')).toBeVisible({ timeout: 40_000 })
  await expectAccessible(page)

  // The postback arrives after all: the service honours it, and the page, still watching, shows it.
  await sandbox('cashnet/hold/release', {})
  await expectPayScreen(page, 'receipt')
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible()
})

test('says there is nothing to pay, and explains an unknown link', async ({ page }) => {
  await page.goto(await payLink(page, cards.noFees))
  await expectPayScreen(page, 'nothing')

  const response = await page.goto(`/pay/l/${'x'.repeat(43)}`)
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'This payment link is not valid' })).toBeVisible()
  await expectAccessible(page)
  await expectFits(page)
})

test('pays from Primo VE’s Pay fines link, and refuses a tampered token', async ({ page }) => {
  const response = await page.request.post('/__sandbox/pay-link', {
    data: { cardNumber: cards.oneFee, via: 'primo' },
  })
  const { url } = (await response.json()) as { url: string }
  const tampered = new URL(url)
  const jwt = tampered.searchParams.get('jwt') ?? ''
  tampered.searchParams.set('jwt', `${jwt.slice(0, -4)}AAAA`)
  const refused = await page.goto(tampered.href)
  expect(refused?.status()).toBe(401)
  await expect(page.getByRole('heading', { name: 'Please sign in to Primo again' })).toBeVisible()

  await page.goto(url)
  await expect(page).toHaveURL(/\/pay\/$/u)
  await expectPayScreen(page, 'fees')
  await page.getByRole('button', { name: /^Pay all/u }).click()
  await expectPayScreen(page, 'confirm')
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnetPage(page)
  await expectPayScreen(page, 'receipt')
  await expect(page.getByRole('link', { name: 'Back to the library search' })).toBeVisible()
})
