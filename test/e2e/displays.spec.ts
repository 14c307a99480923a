/**
 * Every screen on every kiosk display (portrait 1080×1920, landscape 1920×1080 and 1366×768, the
 * older 1280×1024), with normal and larger text: see support/displays.ts for what is checked.
 * Each flow visits its screens once and checks all sizes there, so the matrix costs page loads only
 * once per screen.
 */
import { expectGoodOnEveryDisplay } from './support/displays.ts'
import {
  cards,
  cashnetFrame,
  declinedCard,
  holdRequests,
  payOnCashnet,
  screenLocator,
  swipe,
} from './support/kiosk.ts'
import { expect, openKiosk, test } from './support/test.ts'

// Each test checks several screens at eight sizes each.
test.describe.configure({ timeout: 240_000 })

test('start, manual entry, looking up and the screens without a payment', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  await expectGoodOnEveryDisplay(page, testInfo, 'attract', {
    curated: ['portrait'],
  })
  await page.getByRole('button', { name: 'Type your ID number instead' }).click()
  const keypad = page.getByRole('group', { name: 'Keypad' })
  for (const digit of cards.notFound) {
    await keypad.getByRole('button', { name: digit, exact: true }).click()
  }
  await expectGoodOnEveryDisplay(page, testInfo, 'manualEntry')
  const lookup = await holdRequests(page, '**/api/v1/lookups')
  await page.getByRole('button', { name: 'Find my account' }).click()
  await expectGoodOnEveryDisplay(page, testInfo, 'lookingUp')
  await lookup.release()
  await expectGoodOnEveryDisplay(page, testInfo, 'notFound')
  await swipe(page, cards.noFees)
  await expectGoodOnEveryDisplay(page, testInfo, 'noFines')
  await swipe(page, cards.inactive)
  await expectGoodOnEveryDisplay(page, testInfo, 'blocked')
  await sandbox('service', { apiDown: true })
  await swipe(page, cards.severalFees)
  await expectGoodOnEveryDisplay(page, testInfo, 'unavailable')
})

test('fines, a long list, amount, confirm and the CashNet page with its bar', async ({
  kiosk: page,
}, testInfo) => {
  await swipe(page, cards.manyFees)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await expectGoodOnEveryDisplay(page, testInfo, 'fines', {
    label: 'fines-long',
    curated: ['portrait', 'landscape', 'small', 'square', 'small-large'],
  })
  await page.getByRole('button', { name: 'Finish without paying' }).click()

  await swipe(page, cards.severalFees)
  await expectGoodOnEveryDisplay(page, testInfo, 'fines')
  await page.getByRole('button', { name: 'Pay a different amount' }).click()
  const keypad = page.getByRole('group', { name: 'Keypad' })
  for (const digit of ['2', '0', '0', '0']) {
    await keypad.getByRole('button', { name: digit, exact: true }).click()
  }
  await expectGoodOnEveryDisplay(page, testInfo, 'amount', {
    curated: ['portrait'],
  })
  await page.getByRole('button', { name: 'Continue' }).click()
  await expectGoodOnEveryDisplay(page, testInfo, 'confirm', {
    curated: ['portrait', 'small'],
  })

  const creating = await holdRequests(page, '**/api/v1/checkouts')
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expectGoodOnEveryDisplay(page, testInfo, 'startingCheckout')
  await creating.release()
  await expect(cashnetFrame(page).getByRole('button', { name: 'Pay' })).toBeVisible()
  await expectGoodOnEveryDisplay(page, testInfo, 'checkout', {
    curated: ['portrait', 'small'],
  })

  const cancelling = await holdRequests(page, /\/api\/v1\/checkouts\/[^/]+\/cancel$/u)
  await page.getByRole('button', { name: 'Cancel payment' }).click()
  await expectGoodOnEveryDisplay(page, testInfo, 'cancelling')
  await cancelling.release()
  await expectGoodOnEveryDisplay(page, testInfo, 'cancelled')
})

test('confirming, receipt, decline, posting exception, problem and the idle warning', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  await swipe(page, cards.severalFees)
  await page.getByRole('button', { name: 'Pay $42.75' }).click()
  // The kiosk learns nothing about the payment until its status requests go through.
  const status = await holdRequests(page, /\/api\/v1\/checkouts\/[^/?]+\?/u)
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page, declinedCard)
  await expectGoodOnEveryDisplay(page, testInfo, 'confirming')
  await status.release()
  await expectGoodOnEveryDisplay(page, testInfo, 'declined')
  await page.getByRole('button', { name: 'Try another card' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  await expect(screenLocator(page, 'receipt')).toBeVisible({ timeout: 20_000 })
  await expectGoodOnEveryDisplay(page, testInfo, 'receipt', {
    curated: ['portrait', 'small'],
  })
  await page.getByRole('button', { name: 'Done' }).click()

  await swipe(page, cards.manyFees)
  await page.getByRole('button', { name: /^Pay \$/u }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expect(screenLocator(page, 'checkout')).toBeVisible()
  await sandbox('alma/close-fees', { cardNumber: cards.manyFees })
  await payOnCashnet(page)
  await expect(screenLocator(page, 'exceptionReceipt')).toBeVisible({ timeout: 30_000 })
  await expectGoodOnEveryDisplay(page, testInfo, 'exceptionReceipt')
  await page.getByRole('button', { name: 'Done' }).click()

  await page.clock.install()
  await swipe(page, cards.unicode)
  await page.getByRole('button', { name: /^Pay \$/u }).click()
  await sandbox('alma/close-fees', { cardNumber: cards.unicode })
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expectGoodOnEveryDisplay(page, testInfo, 'problem')
  await page.getByRole('button', { name: 'Start over' }).click()

  await swipe(page, cards.oneFee)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await page.clock.fastForward(91_000)
  await expect(page.getByRole('alertdialog')).toBeVisible()
  await expectGoodOnEveryDisplay(page, testInfo, 'fines', { label: 'idle-warning', dialog: true })
})

test('the receipt with "Email my receipt" offered, before and after sending', async ({
  page,
  sandbox,
}, testInfo) => {
  // The library emails receipts: the button and its status line under the receipt's lines.
  await sandbox('settings', { emailReceipt: true })
  await openKiosk(page)
  await swipe(page, cards.severalFees)
  await page.getByRole('button', { name: 'Pay $42.75' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  const receipt = screenLocator(page, 'receipt')
  await expect(receipt).toBeVisible({ timeout: 20_000 })
  await expect(receipt.getByRole('button', { name: 'Email my receipt' })).toBeVisible()
  await expectGoodOnEveryDisplay(page, testInfo, 'receipt', { label: 'receipt-email' })

  // Sent: the status line says where to, on every display too.
  await receipt.getByRole('button', { name: 'Email my receipt' }).click()
  await expect(receipt.getByRole('status')).toHaveText(/^Sent to /u)
  await expectGoodOnEveryDisplay(page, testInfo, 'receipt', { label: 'receipt-email-sent' })
})
