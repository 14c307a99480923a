import { cards, expectNoPatronTraces, expectScreen, screenLocator, swipe } from './support/kiosk.ts'
import { expect, test } from './support/test.ts'

test('not found: an unknown card', async ({ kiosk: page }, testInfo) => {
  await swipe(page, cards.notFound)
  await expectScreen(page, testInfo, 'notFound')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find your account')
  await page.getByRole('button', { name: 'Try again' }).click()
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('an inactive account says why and cannot pay (PAYMENT_REFUSED_FOR=inactive)', async ({
  kiosk: page,
}, testInfo) => {
  await swipe(page, cards.inactive)
  await expectScreen(page, testInfo, 'blocked', { curated: 'blocked' })
  await expect(screenLocator(page, 'blocked')).toContainText('Your library account is not active.')
  await expect(page.getByRole('button', { name: /Pay/u })).toHaveCount(0)
})

test('blocked and expired accounts can see and pay their fees', async ({ kiosk: page }) => {
  await swipe(page, cards.blocked)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await expect(page.getByRole('button', { name: /Pay .*9\.50/u })).toBeEnabled()
  await page.getByRole('button', { name: 'Finish without paying' }).click()
  await expect(screenLocator(page, 'attract')).toBeVisible()
  await swipe(page, cards.expired)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rob')
})

test('no fines: nothing to pay', async ({ kiosk: page }, testInfo) => {
  await swipe(page, cards.noFees)
  await expectScreen(page, testInfo, 'noFines')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have no fines or fees')
  await page.getByRole('button', { name: 'Done' }).click()
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('service down: the lookup says payments are unavailable, and recovers', async ({
  kiosk: page,
  sandbox,
}, testInfo) => {
  await sandbox('service', { apiDown: true })
  await swipe(page, cards.severalFees)
  await expectScreen(page, testInfo, 'unavailable')
  await sandbox('service', { apiDown: false })
  await swipe(page, cards.severalFees)
  await expect(screenLocator(page, 'fines')).toBeVisible()
})

test('Alma down: the same calm message', async ({ kiosk: page, sandbox }) => {
  await sandbox('alma', { down: true })
  await swipe(page, cards.severalFees)
  await expect(screenLocator(page, 'unavailable')).toBeVisible({ timeout: 20_000 })
})

test('plain digits and manual entry on the keypad reach the same account', async ({
  kiosk: page,
}, testInfo) => {
  await swipe(page, cards.oneFee, 'plain')
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await page.getByRole('button', { name: 'Finish without paying' }).click()

  await page.getByRole('button', { name: 'Type your ID number instead' }).click()
  const keypad = page.getByRole('group', { name: 'Keypad' })
  for (const digit of cards.oneFee) {
    await keypad.getByRole('button', { name: digit, exact: true }).click()
  }
  await expectScreen(page, testInfo, 'manualEntry')
  await page.getByRole('button', { name: 'Find my account' }).click()
  await expect(screenLocator(page, 'fines')).toBeVisible()
})

test('unicode names and titles, and a long list of fees', async ({ kiosk: page }, testInfo) => {
  await swipe(page, cards.unicode)
  await expectScreen(page, testInfo, 'fines')
  const name = await page.getByRole('heading', { level: 1 }).innerText()
  expect(name).toMatch(/^Hello, \S+ \S\.$/u)
  await page.getByRole('button', { name: 'Finish without paying' }).click()
  await expectNoPatronTraces(page, [name.replace('Hello, ', '')])

  await swipe(page, cards.manyFees)
  await expect(screenLocator(page, 'fines').getByRole('listitem')).toHaveCount(8)
  await expectScreen(page, testInfo, 'fines')
})

test('a slow typist is not a card reader', async ({ kiosk: page }) => {
  const lookups: unknown[] = []
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/lookups')) lookups.push(request.postDataJSON())
  })
  // A person typing: 120 ms between keys, far above the reader's 50 ms gap.
  await page.keyboard.type(cards.severalFees, { delay: 120 })
  await page.keyboard.press('Enter')
  // Keys are handled in order, so once a real swipe's lookup has come back, a lookup for the typed
  // digits would already have been sent.
  await swipe(page, cards.oneFee)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  expect(lookups).toEqual([{ cardNumber: cards.oneFee }])
})
