import {
  cards,
  expectNoPatronTraces,
  expectScreen,
  payOnCashnet,
  screenLocator,
  swipe,
} from './support/kiosk.ts'
import { expect, test } from './support/test.ts'

test('idle mid-flow: "Are you still there?", then the session is wiped', async ({
  page,
}, testInfo) => {
  await page.clock.install()
  await page.goto('/')
  await swipe(page, cards.severalFees)
  await page.getByRole('button', { name: 'Pay $42.75' }).click()
  await expect(screenLocator(page, 'confirm')).toBeVisible()
  await page.evaluate(() => {
    sessionStorage.setItem('trace', 'María')
  })

  // Default settings: 90 s on the fines and confirm screens, then a 20 s warning.
  await page.clock.fastForward(91_000)
  const dialog = page.getByRole('alertdialog', { name: 'Are you still there?' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'I am still here' })).toBeFocused()
  await expectScreen(page, testInfo, 'confirm', { curated: 'idle-warning' })
  await dialog.getByRole('button', { name: 'I am still here' }).click()
  await expect(dialog).toBeHidden()
  await expect(screenLocator(page, 'confirm')).toBeVisible()

  await page.clock.fastForward(91_000)
  await expect(dialog).toBeVisible()
  await page.clock.fastForward(21_000)
  await expectNoPatronTraces(page, ['María', '42.75', 'Overdue fine'])
})

test('per-screen timeouts come from the kiosk settings', async ({ page, sandbox }) => {
  await sandbox('settings', {
    idleTimeoutSeconds: { receipt: 5 },
    idleWarningSeconds: 3,
  })
  await page.clock.install()
  await page.goto('/')
  await swipe(page, cards.noFees)
  await expect(screenLocator(page, 'noFines')).toBeVisible()
  await page.clock.fastForward(6_000)
  await expect(page.getByRole('alertdialog')).toContainText('will end in 3 seconds')
  await page.clock.fastForward(4_000)
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('never wipes while a payment is confirming', async ({ page, sandbox }) => {
  await page.clock.install()
  await page.goto('/')
  await swipe(page, cards.oneFee)
  await page.getByRole('button', { name: 'Pay $3.00' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expect(screenLocator(page, 'checkout')).toBeVisible()
  // A slow Alma keeps the payment "paid, not yet posted" for a while.
  await sandbox('alma', { latencyMs: 4000 })
  await payOnCashnet(page)
  await expect(screenLocator(page, 'confirming')).toBeVisible()
  await expect(page.getByRole('status')).toHaveText(
    'Payment received. Recording it on your library account.',
    { timeout: 20_000 },
  )
  // Longer than every idle timeout and warning, shorter than the posting patience.
  await page.clock.fastForward(85_000)
  await expect(page.getByRole('alertdialog')).toHaveCount(0)
  await expect(screenLocator(page, 'confirming')).toBeVisible()
  await expect(screenLocator(page, 'receipt')).toBeVisible({ timeout: 45_000 })
})

test('an abandoned CashNet page is cancelled when the time runs out', async ({ page, request }) => {
  await page.clock.install()
  await page.goto('/')
  await swipe(page, cards.oneFee)
  await page.getByRole('button', { name: 'Pay $3.00' }).click()
  const created = page.waitForResponse(
    (response) => response.url().endsWith('/api/v1/checkouts') && response.status() === 201,
  )
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  const { checkoutId } = (await (await created).json()) as { checkoutId: string }
  await expect(screenLocator(page, 'checkout')).toBeVisible()
  await page.clock.fastForward(301_000)
  await expect(page.getByRole('alertdialog')).toContainText('Your payment will be cancelled')
  await page.clock.fastForward(21_000)
  await expectNoPatronTraces(page, ['3.00'])
  // The service knows: the checkout was cancelled, not left pending.
  const state = await request.get(`/api/v1/checkouts/${checkoutId}`)
  expect(((await state.json()) as { status: string }).status).toBe('cancelled')
})
