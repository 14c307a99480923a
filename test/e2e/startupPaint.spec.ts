/**
 * Start-up paint (issue 13): the attract screen the build prerendered into index.html shows, in
 * the last known settings' look, before the app's bundle has run, and a swipe made meanwhile is
 * read once it runs. The app's bundle is held back by the test, so "before" is certain.
 */
import type { Page } from '@playwright/test'
import { attractPaintedMark } from '../../common/startupPaint.ts'
import { cards, expectScreen, holdRequests, screenLocator, swipe } from './support/kiosk.ts'
import { expect, openKiosk, test } from './support/test.ts'

/** The app's entry chunk (index-<hash>.js); the first-paint script and the CSS are not held. */
const appBundle = /\/assets\/index-[^/]+\.js$/u

/** True until the app's card reader has taken the keys the first-paint script kept. */
const appNotRunning = (page: Page) => page.evaluate(() => 'kioskEarlyKeys' in window)

test('the attract screen paints in the last known look before the app runs', async ({
  page,
  sandbox,
}) => {
  await sandbox('settings', {
    library: { name: 'Pollak Library', primaryColor: '#7a1f2b', accentColor: '#d4a017' },
  })
  // The first start keeps the settings; the kiosk then restarts with its bundle held back.
  await openKiosk(page)
  const bundle = await holdRequests(page, appBundle)
  await page.goto('/', { waitUntil: 'commit' })
  await expect(
    page.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
  ).toBeVisible()
  await expect(page.locator('.brand-name')).toHaveText('Pollak Library')
  const header = await page
    .getByRole('banner')
    .evaluate((element) => getComputedStyle(element).backgroundColor)
  expect(header).toBe('rgb(122, 31, 43)')
  await page.waitForFunction(
    (mark) => performance.getEntriesByName(mark).length === 1,
    attractPaintedMark,
  )
  expect(await appNotRunning(page)).toBe(true)

  await bundle.release()
  await page.waitForFunction(() => !('kioskEarlyKeys' in window))
  await expect(page.locator('.brand-name')).toHaveText('Pollak Library')
  // The app drew the same screen over the prerendered one and left the mark alone.
  expect(
    await page.evaluate((mark) => performance.getEntriesByName(mark).length, attractPaintedMark),
  ).toBe(1)
})

test('a swipe before the app runs reaches the fines screen once it does', async ({
  page,
}, testInfo) => {
  // A first start: nothing stored, so the prerender's default look and no settings yet.
  const bundle = await holdRequests(page, appBundle)
  await page.goto('/', { waitUntil: 'commit' })
  await expect(screenLocator(page, 'attract')).toBeVisible()
  await expect(page.locator('.brand-name')).toHaveText('Library')
  await swipe(page, cards.severalFees)
  expect(await appNotRunning(page)).toBe(true)
  await bundle.release()
  await expectScreen(page, testInfo, 'fines')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, María G.')
  expect(await appNotRunning(page)).toBe(false)
})

test('a swipe while the first settings load is read when they arrive', async ({ page }) => {
  const settings = await holdRequests(page, '**/api/v1/kiosk-settings')
  await page.goto('/')
  await expect(screenLocator(page, 'attract')).toBeVisible()
  await swipe(page, cards.severalFees)
  await settings.release()
  await expect(screenLocator(page, 'fines')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, María G.')
})
