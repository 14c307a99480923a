import type { Page } from '@playwright/test'
import {
  cancelOnCashnet,
  cards,
  cashnetFrame,
  declinedCard,
  expectNoPatronTraces,
  expectScreen,
  holdRequests,
  payOnCashnet,
  screenLocator,
  swipe,
} from './support/kiosk.ts'
import { expect, test } from './support/test.ts'

async function openCashnet(page: Page) {
  await swipe(page, cards.oneFee)
  await page.getByRole('button', { name: 'Pay $3.00' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expect(cashnetFrame(page).getByRole('button', { name: 'Pay' })).toBeVisible()
}

test('cancel on the CashNet page: no payment, the checkout is cancelled', async ({
  kiosk: page,
}, testInfo) => {
  await openCashnet(page)
  await cancelOnCashnet(page)
  await expect(screenLocator(page, 'confirming')).toBeVisible()
  // CashNet sends nothing for a cancel: after the grace period the kiosk cancels the checkout.
  await expectScreen(page, testInfo, 'cancelled', { curated: 'cancelled', timeout: 30_000 })
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payment cancelled')
  await expect(screenLocator(page, 'cancelled')).toContainText('No payment was received.')
  await page.getByRole('button', { name: 'Back to my fees' }).click()
  await expect(screenLocator(page, 'fines')).toBeVisible()
})

test('cancel from the kiosk header closes the CashNet page at once', async ({
  kiosk: page,
}, testInfo) => {
  await openCashnet(page)
  const cancelling = await holdRequests(page, /\/api\/v1\/checkouts\/[^/]+\/cancel$/u)
  await page.getByRole('button', { name: 'Cancel payment' }).click()
  await expect(page.getByRole('status')).toHaveText('Cancelling your payment…')
  await expectScreen(page, testInfo, 'cancelling')
  await expect(page.locator('iframe')).toHaveCount(0)
  await cancelling.release()
  await expectScreen(page, testInfo, 'cancelled')
  await expect(page.locator('iframe')).toHaveCount(0)
  await page.getByRole('button', { name: 'Done' }).click()
  await expectNoPatronTraces(page, ['Jordan', '3.00'])
})

test('declined card: CashNet’s answer, nothing charged, another card can be tried', async ({
  kiosk: page,
}, testInfo) => {
  await openCashnet(page)
  await payOnCashnet(page, declinedCard)
  await expectScreen(page, testInfo, 'declined', { curated: 'declined', timeout: 20_000 })
  await expect(screenLocator(page, 'declined')).toContainText('Your card was not charged.')
  await expect(screenLocator(page, 'declined')).toContainText('CashNet said:')
  await page.getByRole('button', { name: 'Try another card' }).click()
  await expect(screenLocator(page, 'confirm')).toBeVisible()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  await expect(screenLocator(page, 'receipt')).toBeVisible({ timeout: 20_000 })
})
