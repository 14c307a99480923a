/**
 * Every screen on every kiosk display (portrait 1080×1920, landscape 1920×1080 and 1366×768, the
 * older 1280×1024), with normal and larger text: see support/displays.ts for what is checked.
 * Each flow visits its screens once and checks all sizes there, so the matrix costs page loads only
 * once per screen.
 */
import { expectGoodOnEveryDisplay } from './support/displays.ts'
import {
  cancelOnCashnet,
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
  // The checks may outlast the API client's 15 s request timeout on a busy machine: then the
  // kiosk says the service is unavailable, and the card is looked up again.
  const unavailable = screenLocator(page, 'unavailable')
  await expect(screenLocator(page, 'notFound').or(unavailable)).toBeVisible()
  if (await unavailable.isVisible()) {
    await page.getByRole('button', { name: 'Done' }).click()
    await swipe(page, cards.notFound)
  }
  await expectGoodOnEveryDisplay(page, testInfo, 'notFound')
  await swipe(page, cards.noFees)
  await expectGoodOnEveryDisplay(page, testInfo, 'noFines')
  await swipe(page, cards.inactive)
  await expectGoodOnEveryDisplay(page, testInfo, 'blocked')
  await sandbox('service', { apiDown: true })
  await swipe(page, cards.severalFees)
  await expectGoodOnEveryDisplay(page, testInfo, 'unavailable')
})

test('before the settings arrive: the prerendered attract screen, and out of service', async ({
  page,
  sandbox,
}, testInfo) => {
  // The first start (no settings kept yet) shows the prerendered attract screen while it waits for
  // the settings ("Starting…" is only drawn where there is no prerender). On a busy machine the checks
  // may outlast the API client's 15 s request timeout: then the kiosk is out of service until
  // its next try, which finds the settings.
  const settings = await holdRequests(page, '**/api/v1/kiosk-settings')
  await page.goto('/')
  await expectGoodOnEveryDisplay(page, testInfo, 'attract')
  await settings.release()
  await page.unroute('**/api/v1/kiosk-settings')
  await expect(screenLocator(page, 'attract')).toBeVisible({ timeout: 30_000 })

  await sandbox('service', { apiDown: true })
  await page.evaluate(() => {
    localStorage.clear()
  })
  await page.reload()
  await expectGoodOnEveryDisplay(page, testInfo, 'outOfService')
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
  // As above: a checkout request that timed out during the checks is tried again.
  const problem = screenLocator(page, 'problem')
  await expect(screenLocator(page, 'checkout').or(problem)).toBeVisible()
  if (await problem.isVisible()) await page.getByRole('button', { name: 'Try again' }).click()
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

test('not confirmed: the service gone after the patron left CashNet', async ({
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
  await expect(screenLocator(page, 'notConfirmed')).toBeVisible({ timeout: 30_000 })
  await expectGoodOnEveryDisplay(page, testInfo, 'notConfirmed')
})

test('"Pay on your phone": the fines with its button, the QR code, its wait and failure', async ({
  page,
  sandbox,
}, testInfo) => {
  await sandbox('settings', { payOnPhone: true })
  await openKiosk(page)
  // One more button among the fines' actions: the tightest fit on short panels with larger text.
  await swipe(page, cards.severalFees)
  await expect(page.getByRole('button', { name: 'Pay on your phone' })).toBeVisible()
  await expectGoodOnEveryDisplay(page, testInfo, 'fines', { label: 'fines-phone' })
  await page.getByRole('button', { name: 'Finish without paying' }).click()
  await swipe(page, cards.manyFees)
  await expect(page.getByRole('button', { name: 'Pay on your phone' })).toBeVisible()
  await expectGoodOnEveryDisplay(page, testInfo, 'fines', { label: 'fines-long-phone' })

  // Held while it is checked: on a busy machine the checks may outlast the kiosk's request
  // timeout (then the kiosk says the code could not be made), so the code is asked for again.
  const creating = await holdRequests(page, '**/api/v1/pay-links')
  await page.getByRole('button', { name: 'Pay on your phone' }).click()
  await expectGoodOnEveryDisplay(page, testInfo, 'payOnPhoneLoading')
  await creating.release()
  await page.unroute('**/api/v1/pay-links')
  await expect(
    screenLocator(page, 'payOnPhone').or(screenLocator(page, 'payOnPhoneFailed')),
  ).toBeVisible()
  await page.getByRole('button', { name: 'Back to my fees' }).click()
  await page.getByRole('button', { name: 'Pay on your phone' }).click()
  await expect(page.getByRole('img', { name: 'QR code of your payment link' })).toBeVisible()
  await expectGoodOnEveryDisplay(page, testInfo, 'payOnPhone')
  await page.getByRole('button', { name: 'Back to my fees' }).click()

  // The service cannot make a link: the screen says so and leads back to the fees.
  await page.route('**/api/v1/pay-links', (route) => route.abort('failed'))
  await page.getByRole('button', { name: 'Pay on your phone' }).click()
  await expectGoodOnEveryDisplay(page, testInfo, 'payOnPhoneFailed')
  await page.getByRole('button', { name: 'Back to my fees' }).click()
  await expect(screenLocator(page, 'fines')).toBeVisible()
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
