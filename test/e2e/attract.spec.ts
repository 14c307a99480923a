import { expect, test } from '@playwright/test'
import { expectScreen, resetSandbox, sandbox, screenLocator } from './support/kiosk.ts'

test.beforeEach(async ({ request }) => {
  await resetSandbox(request)
})

test('the demo serves the kiosk attract screen with the library from the settings', async ({
  page,
  request,
}, testInfo) => {
  await sandbox(request, 'settings', {
    library: { name: 'Pollak Library', primaryColor: '#7a1f2b', accentColor: '#d4a017' },
  })
  await page.goto('/')
  await expect(
    page.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
  ).toBeVisible()
  await expect(page.getByRole('banner')).toContainText('Pollak Library')
  const header = await page
    .getByRole('banner')
    .evaluate((element) => getComputedStyle(element).backgroundColor)
  expect(header).toBe('rgb(122, 31, 43)')
  await expectScreen(page, testInfo, 'attract')
  const painted = await page.evaluate(
    () => performance.getEntriesByName('kiosk:attract-painted').length,
  )
  expect(painted).toBe(1)
})

test('out of service while the service is unreachable at start-up, then recovers', async ({
  page,
  request,
}, testInfo) => {
  await sandbox(request, 'service', { apiDown: true })
  await page.clock.install()
  await page.goto('/')
  await expectScreen(page, testInfo, 'outOfService')
  await sandbox(request, 'service', { apiDown: false })
  await page.clock.fastForward(11_000)
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('no manual entry when the settings forbid it', async ({ page, request }) => {
  await sandbox(request, 'settings', { allowManualEntry: false })
  await page.goto('/')
  await expect(screenLocator(page, 'attract')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Type your ID number instead' })).toHaveCount(0)
})
