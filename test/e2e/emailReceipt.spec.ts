/**
 * "Email my receipt" against the demo: its service sends email to the sandbox mail server on
 * loopback (server/sandbox/mail), so the button's request, the service's answer and the message
 * that arrives are all real.
 */
import {
  cards,
  expectNoPatronTraces,
  expectScreen,
  payOnCashnet,
  screenLocator,
  swipe,
} from './support/kiosk.ts'
import { expect, test } from './support/test.ts'

test('emails the posted receipt once, in the kiosk language, and Done forgets it', async ({
  page,
  request,
  sandbox,
}, testInfo) => {
  await sandbox('settings', { emailReceipt: true })
  await page.goto('/')
  await swipe(page, cards.oneFee)
  await page.getByRole('button', { name: 'Español' }).click()
  await page.getByRole('button', { name: 'Pagar $3.00' }).click()
  await page.getByRole('button', { name: /pago seguro/iu }).click()
  await payOnCashnet(page)
  const receipt = screenLocator(page, 'receipt')
  await expect(receipt).toBeVisible({ timeout: 20_000 })

  const button = receipt.getByRole('button', { name: 'Enviar mi recibo por correo' })
  const box = await button.boundingBox()
  expect(box?.height).toBeGreaterThanOrEqual(44)
  expect(box?.width).toBeGreaterThanOrEqual(44)
  const answered = page.waitForResponse(/\/api\/v1\/checkouts\/[^/]+\/email-receipt$/u)
  await button.click()
  const response = await answered
  expect(response.request().method()).toBe('POST')
  expect(response.request().postDataJSON()).toEqual({ language: 'es' })
  expect(response.status()).toBe(202)
  expect(await response.json()).toEqual({ sentTo: 'j•••@example.edu' })
  await expect(receipt.getByRole('status')).toHaveText('Enviado a j•••@example.edu')
  await expect(button).toBeDisabled()
  // axe and the 44 px touch targets on the receipt with the button in its sent state.
  await expectScreen(page, testInfo, 'receipt')

  // The service queued it and sent it to the sandbox mail server, once.
  await expect
    .poll(async (): Promise<unknown> => (await request.get('/__sandbox/mail')).json(), {
      timeout: 15_000,
    })
    .toEqual([
      { to: ['jchen02@example.edu'], subject: 'Su recibo de pago de Demo University Library' },
    ])

  await page.getByRole('button', { name: 'Listo' }).click()
  await expectNoPatronTraces(page, ['James', 'j•••@example.edu', '3.00'])
})

test('is not offered when the library does not email receipts', async ({ page, sandbox }) => {
  await sandbox('settings', { emailReceipt: false })
  await page.goto('/')
  await swipe(page, cards.oneFee)
  await page.getByRole('button', { name: 'Pay $3.00' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  const receipt = screenLocator(page, 'receipt')
  await expect(receipt).toBeVisible({ timeout: 20_000 })
  await expect(receipt.getByRole('button', { name: 'Done' })).toBeVisible()
  await expect(receipt.getByRole('button', { name: 'Email my receipt' })).toHaveCount(0)
})
