import { attractPaintedMark } from '../../common/startupPaint.ts'
import { expectScreen, holdRequests, screenLocator } from './support/kiosk.ts'
import { expect, openKiosk, test } from './support/test.ts'

test('the demo serves the kiosk attract screen with the library from the settings', async ({
  page,
  sandbox,
}, testInfo) => {
  await sandbox('settings', {
    library: { name: 'Pollak Library', primaryColor: '#7a1f2b', accentColor: '#d4a017' },
  })
  await openKiosk(page)
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
    (mark) => performance.getEntriesByName(mark).length,
    attractPaintedMark,
  )
  expect(painted).toBe(1)
})

test('the attract screen in the default look until the first settings arrive', async ({
  page,
  sandbox,
}, testInfo) => {
  await sandbox('settings', { library: { name: 'Pollak Library' } })
  const settings = await holdRequests(page, '**/api/v1/kiosk-settings')
  // The page's timers wait for the test: the screenshot and axe checks below can take longer than
  // the API client's 15 s request timeout on a busy machine, which would end the wait as an outage.
  await page.clock.install()
  await page.goto('/')
  // A first start has no last known settings: the prerendered screen's defaults, not "Starting…".
  await expectScreen(page, testInfo, 'attract')
  await expect(page.locator('.brand-name')).toHaveText('Library')
  await settings.release()
  await expect(page.locator('.brand-name')).toHaveText('Pollak Library')
})

test('out of service while the service is unreachable at start-up, then recovers', async ({
  page,
  sandbox,
}, testInfo) => {
  await sandbox('service', { apiDown: true })
  await page.clock.install()
  await page.goto('/')
  await expectScreen(page, testInfo, 'outOfService')
  await sandbox('service', { apiDown: false })
  await page.clock.fastForward(11_000)
  await expect(screenLocator(page, 'attract')).toBeVisible()
})

test('no manual entry when the settings forbid it', async ({ page, sandbox }) => {
  await sandbox('settings', { allowManualEntry: false })
  await openKiosk(page)
  await expect(page.getByRole('button', { name: 'Type your ID number instead' })).toHaveCount(0)
})
