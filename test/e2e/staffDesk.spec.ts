/**
 * The circulation desk in the staff console, end to end against the demo: a desk account looks a
 * patron up, takes the payment here (CashNet's page in a new tab, paid on the sandbox), follows it
 * to the posted receipt and prints it; and gives a patron a QR pay link, then revokes it.
 */
import { cards } from './support/kiosk.ts'
import { desktop, expectStaffScreen, navLink, signIn } from './support/staff.ts'
import { expect, test } from './support/test.ts'

test.use({ viewport: desktop })

test('desk payment: look up, take payment here, pay in the new tab, posted receipt, print', async ({
  page,
}, testInfo) => {
  await signIn(page, 'desk')
  await navLink(page, 'Desk').click()
  await page.getByLabel('Patron (Alma user id or barcode)').fill(cards.severalFees)
  await page.getByRole('button', { name: 'Look up' }).click()
  await expect(page.getByRole('heading', { name: /María García/u })).toBeVisible()
  const fees = page.getByRole('table', { name: "The patron's fees, oldest first" })
  await expect(fees.getByRole('checkbox')).toHaveCount(3)
  // Only the overdue fine and the processing fee: $17.75, split as the kiosk would.
  await page.getByRole('checkbox', { name: /Lost item replacement fee/u }).uncheck()
  await expect(page.getByText('The chosen fees in full: $17.75')).toBeVisible()
  await expectStaffScreen(page, testInfo, 'Desk', { curated: 'desk' })

  const popupOpened = page.waitForEvent('popup')
  await page.getByRole('button', { name: 'Take payment here' }).click()
  const cashnet = await popupOpened
  await expect(page.getByRole('heading', { name: 'Payment of $17.75' })).toBeVisible()
  await expect(page.getByText('Waiting for the payment on the CashNet page')).toBeVisible()
  await expectStaffScreen(page, testInfo, 'Desk', { curated: 'desk-waiting' })

  // The new tab: the sandbox CashNet page as a full page; CashNet's return lands on the console.
  await cashnet.getByRole('button', { name: 'Pay' }).click()
  await expect(cashnet.getByRole('heading', { level: 1 })).toHaveText(/^Payment /u, {
    timeout: 20_000,
  })

  const receipt = page.getByRole('article', { name: 'Receipt' })
  await expect(receipt).toBeVisible({ timeout: 20_000 })
  await expect(
    page.getByRole('status').filter({ hasText: 'Paid and posted to Alma.' }),
  ).toBeVisible()
  await expect(receipt).toContainText('$17.75')
  await expect(receipt.getByRole('table')).not.toContainText('Lost item replacement fee')
  await expect(receipt.locator('dt:has-text("CashNet transaction") + dd')).toHaveText(/^\d+$/u)
  await expectStaffScreen(page, testInfo, 'Desk', { curated: 'desk-receipt' })

  // Print: window.print is asked for, and the print style shows the receipt without the console.
  await page.evaluate(() => {
    window.print = () => {
      document.documentElement.dataset.printed = 'yes'
    }
  })
  await page.getByRole('button', { name: 'Print receipt' }).click()
  await expect(page.locator('html')).toHaveAttribute('data-printed', 'yes')
  await page.emulateMedia({ media: 'print' })
  await expect(receipt).toBeVisible()
  await expect(page.getByRole('navigation', { name: 'Console' })).toBeHidden()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden()
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeHidden()
  await expect(page.getByRole('heading', { name: 'Send payment link' })).toBeHidden()
  await testInfo.attach('desk-print', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  })
  await page.emulateMedia({ media: 'screen' })

  // The payment in the Payments list, recorded as the desk's.
  await page.getByRole('link', { name: 'Payment details' }).click()
  await expect(page.getByText('Desk (desk)')).toBeVisible()
})

test('desk payment cancelled before paying', async ({ page }) => {
  await signIn(page, 'desk')
  await navLink(page, 'Desk').click()
  await page.getByLabel('Patron (Alma user id or barcode)').fill(cards.oneFee)
  await page.getByRole('button', { name: 'Look up' }).click()
  const popupOpened = page.waitForEvent('popup')
  await page.getByRole('button', { name: 'Take payment here' }).click()
  const cashnet = await popupOpened
  await page.getByRole('button', { name: 'Cancel this payment' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'cancelled' })).toBeVisible()
  await cashnet.close()
})

test('a patron nobody knows, then a QR pay link shown and revoked', async ({ page }, testInfo) => {
  await signIn(page, 'desk')
  await navLink(page, 'Desk').click()
  await page.getByLabel('Patron (Alma user id or barcode)').fill(cards.notFound)
  await page.getByRole('button', { name: 'Look up' }).click()
  await expect(page.getByRole('alert')).toHaveText('Alma has no patron with that id.')

  await page.getByLabel('Patron (Alma user id or barcode)').fill('jchen02')
  await page.getByRole('button', { name: 'Look up' }).click()
  await expect(page.getByRole('heading', { name: /James Chen/u })).toBeVisible()
  // The demo sends email to its loopback mail sink: the console says where the link went, masked.
  await page.getByRole('button', { name: 'Email the link' }).click()
  await expect(page.getByText(/^Payment link sent to j•••@/u)).toBeVisible()

  await page.getByRole('button', { name: 'Show a QR code' }).click()
  const qr = page.getByRole('img', { name: "QR code of the patron's payment link" })
  await expect(qr).toBeVisible()
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/u)
  expect(await qr.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  const links = page.getByRole('table', { name: "The patron's payment links" })
  // The header, the emailed link and the QR code's.
  await expect(links.getByRole('row')).toHaveCount(3)
  await expect(links).toContainText('QR code')
  await expectStaffScreen(page, testInfo, 'Desk', { curated: 'desk-pay-link' })

  const qrRow = links.getByRole('row').filter({ hasText: 'QR code' })
  await qrRow.getByRole('button', { name: /^Revoke/u }).click()
  await expect(
    page.getByRole('status').filter({ hasText: 'The link no longer works.' }),
  ).toBeVisible()
  await expect(qrRow).toContainText('Revoked')
  await expect(qrRow.getByRole('button', { name: /^Revoke/u })).toHaveCount(0)
  await expect(qr).toHaveCount(0)
})
