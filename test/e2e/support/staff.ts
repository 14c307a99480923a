/**
 * Helpers for the staff console e2e specs: signing in with the demo's seeded accounts, and the
 * check every console screen gets — axe (WCAG 2.1 A/AA) at the desk size (1280×800) and on a
 * tablet (768×1024) with nothing wider than the window, and a screenshot; `curated` ones are
 * written to docs/screenshots/staff-<name>.png when UPDATE_SCREENSHOTS=1.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Page, type TestInfo } from '@playwright/test'
import { demoStaffPassword } from '../../../server/demo/staffSeed.ts'
import { expectAccessible } from './kiosk.ts'

export const desktop = { width: 1280, height: 800 }
const tablet = { width: 768, height: 1024 }

const curatedDir = join(import.meta.dirname, '../../../docs/screenshots')

export async function signIn(
  page: Page,
  username: 'supervisor' | 'desk' | 'admin',
  path = '/staff/',
): Promise<void> {
  await page.goto(path)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(demoStaffPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
}

/** The console's navigation link to a screen. */
export function navLink(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true })
}

export async function expectStaffScreen(
  page: Page,
  testInfo: TestInfo,
  title: string | RegExp,
  options: { curated?: string } = {},
): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  await expect(page.getByText(/^Loading/u)).toHaveCount(0)
  const original = page.viewportSize() ?? desktop
  for (const size of [desktop, tablet]) {
    await page.setViewportSize(size)
    // Two frames: layout, then what the console changes when it sees the new size (ResizeObserver).
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          requestAnimationFrame(() => {
            requestAnimationFrame(() => {
              resolve()
            })
          })
        }),
    )
    await expectAccessible(page)
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    expect(overflow, `page wider than ${size.width} px`).toBeLessThanOrEqual(0)
    const name = `${String(title).replace(/\W+/gu, '-').toLowerCase()}-${size.width}`
    writeFileSync(testInfo.outputPath(`${name}.png`), await page.screenshot({ fullPage: true }))
  }
  await page.setViewportSize(original)
  if (options.curated && process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(curatedDir, { recursive: true })
    writeFileSync(
      join(curatedDir, `staff-${options.curated}.png`),
      await page.screenshot({ animations: 'disabled', caret: 'hide' }),
    )
  }
}
