import { cards, expectScreen, screenLocator, swipe } from './support/kiosk.ts'
import { expect, openKiosk, test } from './support/test.ts'

test('language switch: Spanish on every screen, Intl money, back to English after', async ({
  kiosk: page,
}, testInfo) => {
  await page.getByRole('button', { name: 'Español' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Deslice o acerque su credencial del campus',
  )
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('es')
  await expectScreen(page, testInfo, 'attract')

  await swipe(page, cards.severalFees)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hola, María G.')
  const total = await page.evaluate(() =>
    new Intl.NumberFormat('es-US', { style: 'currency', currency: 'USD' }).format(42.75),
  )
  await expect(screenLocator(page, 'fines')).toContainText(`Usted debe ${total}`)
  await expectScreen(page, testInfo, 'fines', { curated: 'fines-es' })

  // The toggle is on every screen, and switching back mid-flow keeps the patron's place.
  await page.getByRole('button', { name: `Pagar ${total}` }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirme su pago')
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your payment')
  await page.getByRole('button', { name: 'Español' }).click()
  await page.getByRole('button', { name: 'Atrás' }).click()
  await page.getByRole('button', { name: 'Terminar sin pagar' }).click()

  // The next patron starts in the default language.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Swipe or tap your campus ID')
})

test('large text and keyboard-only operation with a visible focus', async ({
  kiosk: page,
}, testInfo) => {
  await page.getByRole('button', { name: /Larger text/u }).click()
  await expect(page.getByRole('button', { name: /Larger text/u })).toHaveAttribute(
    'aria-pressed',
    'true',
  )
  const rootSize = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)
  expect(rootSize).toBe('25px')
  await expectScreen(page, testInfo, 'attract', { curated: 'attract-large-text' })
  await page.getByRole('button', { name: /Larger text/u }).click()

  await swipe(page, cards.severalFees)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  // Tab to the first fee and untick it with the space bar.
  const firstFee = page.getByRole('checkbox', { name: /Overdue fine/u })
  for (
    let presses = 0;
    presses < 10 && !(await firstFee.evaluate((e) => e === document.activeElement));
    presses += 1
  ) {
    await page.keyboard.press('Tab')
  }
  await expect(firstFee).toBeFocused()
  const outline = await firstFee.evaluate((element) => getComputedStyle(element).outlineStyle)
  expect(outline).toBe('solid')
  await page.keyboard.press('Space')
  await expect(firstFee).not.toBeChecked()

  const pay = page.getByRole('button', { name: 'Pay $30.25' })
  for (
    let presses = 0;
    presses < 10 && !(await pay.evaluate((e) => e === document.activeElement));
    presses += 1
  ) {
    await page.keyboard.press('Tab')
  }
  await expect(pay).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(screenLocator(page, 'confirm')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
})

test('fee names follow the language, with the library’s own names where it set them', async ({
  page,
  sandbox,
}) => {
  await sandbox('settings', {
    feeTypeNames: { LOSTITEMPROCESSFEE: { es: 'Trámite por material perdido' } },
  })
  await openKiosk(page)
  await page.getByRole('button', { name: 'Español' }).click()
  await swipe(page, cards.severalFees)
  const fines = screenLocator(page, 'fines')
  await expect(fines).toContainText('Multa por retraso')
  await expect(fines).toContainText('Cargo por reposición de material perdido')
  await expect(fines).toContainText('Trámite por material perdido')
  await expect(fines).not.toContainText('Overdue fine')
  await page.getByRole('button', { name: 'English' }).click()
  await expect(fines).toContainText('Lost item processing fee')
})
