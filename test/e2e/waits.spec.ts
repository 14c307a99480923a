import {
  cancelOnCashnet,
  cards,
  cashnetFrame,
  expectScreen,
  screenLocator,
  swipe,
} from './support/kiosk.ts'
import { expect, test } from './support/test.ts'

test('progress is shown while the service looks the patron up and prepares the payment', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  // Slow enough that the wait screens outlast their checks (axe and a screenshot) on a busy machine.
  await sandbox('alma', { latencyMs: 4000 })
  await swipe(page, cards.oneFee)
  await expect(page.getByRole('status')).toHaveText('Finding your account…')
  await expectScreen(page, testInfo, 'lookingUp')
  await expect(screenLocator(page, 'fines')).toBeVisible({ timeout: 20_000 })
  await page.getByRole('button', { name: 'Pay $3.00' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expectScreen(page, testInfo, 'startingCheckout')
  await expect(screenLocator(page, 'checkout')).toBeVisible({ timeout: 20_000 })
})

test('fees that changed since the swipe stop the payment before CashNet', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  await swipe(page, cards.severalFees)
  await page.getByRole('button', { name: 'Pay $42.75' }).click()
  await sandbox('alma/close-fees', { cardNumber: cards.severalFees })
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expectScreen(page, testInfo, 'problem')
  await expect(screenLocator(page, 'problem')).toContainText('Your fees changed')
  await page.getByRole('button', { name: 'Start over' }).click()
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('says it could not confirm when the service is gone after the patron returns', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  await swipe(page, cards.oneFee)
  await page.getByRole('button', { name: 'Pay $3.00' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expect(cashnetFrame(page).getByRole('button', { name: 'Pay' })).toBeVisible()
  await cancelOnCashnet(page)
  await expect(screenLocator(page, 'confirming')).toBeVisible()
  await sandbox('service', { apiDown: true })
  // After the grace period the kiosk tries to cancel the checkout, which cannot reach the service.
  await expectScreen(page, testInfo, 'notConfirmed', { timeout: 30_000 })
  await expect(screenLocator(page, 'notConfirmed').locator('.reference dd')).not.toBeEmpty()
})
