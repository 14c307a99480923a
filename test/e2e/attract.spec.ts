import { expect, test } from '@playwright/test'

test('the demo serves the kiosk attract screen', async ({ page }) => {
  await page.goto('/')
  await expect(
    page.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
  ).toBeVisible()
})
