import AxeBuilder from '@axe-core/playwright'
import { chromium, type Browser, type Page } from '@playwright/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startSandboxCashnet,
  type SandboxCashnet,
} from '../../../../server/sandbox/cashnet/index.ts'
import { chromiumFlags } from '../../../e2e/support/environment.ts'

/** Debian's Chromium, as the e2e tests use it (CHROMIUM_PATH where it lives elsewhere). */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
import { checkoutQuery, startReceiver } from './support.ts'

/**
 * The sandbox CashNet page as a full page on a phone (issue 11 opens it in a browser tab): 360 CSS
 * pixels wide in Chromium, no horizontal scrolling, targets big enough to tap, no axe violations.
 */
describe('server/sandbox/cashnet checkout page on a phone', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let cashnet: SandboxCashnet
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    receiver = await startReceiver()
    cashnet = await startSandboxCashnet({ postbackUrl: receiver.url })
    browser = await chromium.launch({ args: chromiumFlags, executablePath: chromiumPath })
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    })
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser.close()
    await cashnet.close()
    await receiver.close()
  })

  async function expectFitsAndAccessible() {
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow).toBe(0)
    const small = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, input')]
        .map((element) => ({
          name: element.id || element.textContent,
          box: element.getBoundingClientRect(),
        }))
        .filter(({ box }) => box.width < 44 || box.height < 44)
        .map(({ name }) => name),
    )
    expect(small).toEqual([])
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze()
    expect(
      results.violations.map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([])
  }

  it('fits and passes axe with long descriptions and item codes', async () => {
    await page.goto(
      `${cashnet.storeUrl}?${checkoutQuery({
        desc1: 'Replacement of a lost item: Supercalifragilisticexpialidocious-and-then-some',
        itemcode1: 'LIBRARY-REPLACEMENT-FEE-FOR-LOST-MATERIALS',
      })}`,
    )
    await expect(page.title()).resolves.toMatch(/Checkout/)
    await expectFitsAndAccessible()
  })

  it('fits and passes axe when it asks again for a card number', async () => {
    await page.goto(`${cashnet.storeUrl}?${checkoutQuery()}`)
    await page.getByLabel('Card number').fill('1234')
    await page.getByRole('button', { name: /^Pay/ }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/13 to 19 digits/)
    await expectFitsAndAccessible()
  })

  it('fits and passes axe on an error page', async () => {
    await page.goto(`${cashnet.storeUrl}?itemcnt=x`)
    await expectFitsAndAccessible()
  })
})
