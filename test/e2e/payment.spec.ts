import {
  cards,
  cashnetFrame,
  expectNoPatronTraces,
  expectScreen,
  payOnCashnet,
  screenLocator,
  swipe,
} from './support/kiosk.ts'
import { expect, test } from './support/test.ts'

test('pay all: swipe, confirm, pay on CashNet, posted receipt, Done wipes the patron', async ({
  kiosk: page,
}, testInfo) => {
  await expectScreen(page, testInfo, 'attract', { curated: 'attract' })
  await swipe(page, cards.severalFees)
  await expectScreen(page, testInfo, 'fines', { curated: 'fines' })
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, María G.')
  await page.getByRole('button', { name: 'Pay $42.75' }).click()
  await expectScreen(page, testInfo, 'confirm')
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expect(cashnetFrame(page).getByRole('button', { name: 'Pay' })).toBeVisible()
  await expectScreen(page, testInfo, 'checkout', { curated: 'checkout' })
  await expect(page.getByRole('timer')).toHaveText(/Time left: \d:\d\d/u)
  await payOnCashnet(page)
  await expectScreen(page, testInfo, 'receipt', { curated: 'receipt', timeout: 20_000 })
  await expect(page.getByText('$42.75').first()).toBeVisible()
  const receipt = screenLocator(page, 'receipt')
  await expect(receipt.getByRole('table')).toContainText('Overdue fine')
  await expect(receipt).toContainText('Remaining balance')
  const transaction = await receipt.locator('dt:has-text("CashNet transaction") + dd').innerText()
  expect(transaction).toMatch(/^\d+$/u)

  await page.getByRole('button', { name: 'Done' }).click()
  await expectNoPatronTraces(page, ['María', 'Overdue fine', '42.75', transaction])
})

test('selected fees: only the chosen fees are paid', async ({ kiosk: page }, testInfo) => {
  await swipe(page, cards.severalFees)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await page.getByRole('checkbox', { name: /Lost item replacement fee/u }).uncheck()
  await expectScreen(page, testInfo, 'fines')
  await page.getByRole('button', { name: 'Pay $17.75' }).click()
  const rows = screenLocator(page, 'confirm').getByRole('row')
  await expect(rows).toHaveCount(3)
  await expect(screenLocator(page, 'confirm')).not.toContainText('Lost item replacement fee')
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  await expect(screenLocator(page, 'receipt')).toBeVisible({ timeout: 20_000 })
  await expect(screenLocator(page, 'receipt').getByRole('table')).not.toContainText(
    'Lost item replacement fee',
  )
  await expect(screenLocator(page, 'receipt')).toContainText('$25.00')
})

test('partial amount: typed on the keypad, applied oldest fee first', async ({
  kiosk: page,
}, testInfo) => {
  await swipe(page, cards.severalFees)
  await page.getByRole('button', { name: 'Pay a different amount' }).click()
  const keypad = page.getByRole('group', { name: 'Keypad' })
  await keypad.getByRole('button', { name: '5', exact: true }).click()
  await expect(page.getByRole('alert')).toHaveText('The smallest payment is $1.00.')
  await expectScreen(page, testInfo, 'amount', { curated: 'amount' })
  await keypad.getByRole('button', { name: 'Delete last digit' }).click()
  for (const digit of ['2', '0', '0', '0']) {
    await keypad.getByRole('button', { name: digit, exact: true }).click()
  }
  await page.getByRole('button', { name: 'Continue' }).click()
  const confirm = screenLocator(page, 'confirm')
  await expect(confirm.locator('.amount-summary-value')).toHaveText('$20.00')
  await expect(confirm.getByRole('row')).toHaveCount(3)
  await expect(confirm.getByRole('row').nth(1)).toContainText('Overdue fine')
  await expect(confirm.getByRole('row').nth(2)).toContainText('$7.50')
  await expectScreen(page, testInfo, 'confirm', { curated: 'confirm-partial' })
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  const receipt = screenLocator(page, 'receipt')
  await expect(receipt).toBeVisible({ timeout: 20_000 })
  await expect(receipt.locator('dt:has-text("Amount paid") + dd')).toHaveText('$20.00')
  await expect(receipt.locator('dt:has-text("Remaining balance") + dd')).toHaveText('$22.75')
})

test('delayed postback: the kiosk shows it is confirming, then the receipt', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  await sandbox('cashnet', { postbackDelayMs: 6000 })
  await swipe(page, cards.oneFee)
  await page.getByRole('button', { name: 'Pay $3.00' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  // The announcement first: the confirming screen lasts only as long as the postback delay.
  await expect(page.getByRole('status')).toHaveText('Waiting for confirmation from CashNet.')
  await expectScreen(page, testInfo, 'confirming', { curated: 'confirming' })
  await expectScreen(page, testInfo, 'receipt', { timeout: 20_000 })
})

test('posting exception: money received, the library finishes it, with a reference', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  await swipe(page, cards.severalFees)
  await page.getByRole('button', { name: 'Pay $42.75' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expect(screenLocator(page, 'checkout')).toBeVisible()
  await sandbox('alma/close-fees', { cardNumber: cards.severalFees })
  await payOnCashnet(page)
  await expectScreen(page, testInfo, 'exceptionReceipt', {
    curated: 'exception-receipt',
    timeout: 30_000,
  })
  await expect(screenLocator(page, 'exceptionReceipt')).toContainText(
    'The library will finish posting it to your account.',
  )
  await expect(page.locator('.reference dd')).not.toBeEmpty()
})
