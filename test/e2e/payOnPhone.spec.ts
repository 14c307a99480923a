/** The kiosk's "Pay on your phone": a QR code of a pay link for the patron on screen. */
import { cards, expectScreen, screenLocator, swipe } from './support/kiosk.ts'
import { expect, openKiosk, test } from './support/test.ts'

test('shows a QR code of a pay link when the library offers it', async ({
  page,
  sandbox,
}, testInfo) => {
  await sandbox('settings', { payOnPhone: true })
  await openKiosk(page)
  await swipe(page, cards.severalFees)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await page.getByRole('button', { name: 'Pay on your phone' }).click()
  await expectScreen(page, testInfo, 'payOnPhone')
  const qr = page.getByRole('img', { name: 'QR code of your payment link' })
  await expect(qr).toHaveAttribute('src', /^data:image\/svg\+xml;charset=utf-8,%3Csvg/u)
  expect(await qr.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0)
  await page.getByRole('button', { name: 'Español' }).click()
  await expect(page.getByRole('heading', { name: 'Pagar en su teléfono' })).toBeVisible()
  await expectScreen(page, testInfo, 'payOnPhone')
  await page.getByRole('button', { name: 'English' }).click()
  await page.getByRole('button', { name: 'Back to my fees' }).click()
  await expect(screenLocator(page, 'fines')).toBeVisible()
})

test('offers no phone button when the library does not', async ({ kiosk }) => {
  await swipe(kiosk, cards.severalFees)
  await expect(screenLocator(kiosk, 'fines')).toBeVisible()
  await expect(kiosk.getByRole('button', { name: 'Pay on your phone' })).toHaveCount(0)
})
