import { expect, test } from '@playwright/test'
import {
  cards,
  expectNoPatronTraces,
  expectScreen,
  resetSandbox,
  sandbox,
  screenLocator,
  swipe,
} from './support/kiosk.ts'

test.beforeEach(async ({ page, request }) => {
  await resetSandbox(request)
  await page.goto('/')
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('not found: an unknown card', async ({ page }, testInfo) => {
  await swipe(page, cards.notFound)
  await expectScreen(page, testInfo, 'notFound')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find your account')
  await page.getByRole('button', { name: 'Try again' }).click()
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('an inactive account says why and cannot pay (PAYMENT_REFUSED_FOR=inactive)', async ({
  page,
}, testInfo) => {
  await swipe(page, cards.inactive)
  await expectScreen(page, testInfo, 'blocked', { curated: 'blocked' })
  await expect(screenLocator(page, 'blocked')).toContainText('Your library account is not active.')
  await expect(page.getByRole('button', { name: /Pay/u })).toHaveCount(0)
})

test('blocked and expired accounts can see and pay their fees', async ({ page }) => {
  await swipe(page, cards.blocked)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await expect(page.getByRole('button', { name: /Pay .*9\.50/u })).toBeEnabled()
  await page.getByRole('button', { name: 'Finish without paying' }).click()
  await expect(screenLocator(page, 'attract')).toBeVisible()
  await swipe(page, cards.expired)
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rob')
})

test('no fines: nothing to pay', async ({ page }, testInfo) => {
  await swipe(page, cards.noFees)
  await expectScreen(page, testInfo, 'noFines')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have no fines or fees')
  await page.getByRole('button', { name: 'Done' }).click()
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('service down: the lookup says payments are unavailable, and recovers', async ({
  page,
  request,
}, testInfo) => {
  await sandbox(request, 'service', { apiDown: true })
  await swipe(page, cards.severalFees)
  await expectScreen(page, testInfo, 'unavailable')
  await sandbox(request, 'service', { apiDown: false })
  await swipe(page, cards.severalFees)
  await expect(screenLocator(page, 'fines')).toBeVisible()
})

test('Alma down: the same calm message', async ({ page, request }) => {
  await sandbox(request, 'alma', { down: true })
  await swipe(page, cards.severalFees)
  await expect(screenLocator(page, 'unavailable')).toBeVisible({ timeout: 20_000 })
})

test('plain digits and manual entry on the keypad reach the same account', async ({
  page,
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

test('unicode names and titles, and a long list of fees', async ({ page }, testInfo) => {
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

test('a slow typist is not a card reader', async ({ page }) => {
  for (const key of cards.severalFees) {
    await page.keyboard.press(key)
    await page.waitForTimeout(120)
  }
  await page.keyboard.press('Enter')
  await page.waitForTimeout(300)
  await expect(screenLocator(page, 'attract')).toBeVisible()
})
