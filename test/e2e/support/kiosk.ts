/**
 * Helpers for driving the kiosk in Chromium against the demo service: card swipes as fast
 * keydown events, the sandbox CashNet page, sandbox controls, and the checks every screen gets
 * (axe, touch targets, a screenshot).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { AxeResults, ContextObject, RunOptions } from 'axe-core'
import {
  expect,
  type APIRequestContext,
  type Page,
  type Route,
  type TestInfo,
} from '@playwright/test'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { declinedTestCard } from '../../../server/sandbox/cashnet/index.ts'
import { settingsCacheKey } from '../../../renderer/src/state/settingsStorage.ts'

/** The sandbox's seed cards (see server/sandbox/README.md). */
export const cards = sandboxCards

/** The sandbox CashNet's declined test card. */
export const declinedCard = declinedTestCard

const screenshotCounts = new Map<string, number>()

/** Where the curated screenshots for the README live (written when UPDATE_SCREENSHOTS=1). */
const curatedDir = join(import.meta.dirname, '../../../docs/screenshots')

/** Puts the demo's sandboxes, faults and settings back to their defaults. */
export async function resetSandbox(request: APIRequestContext): Promise<void> {
  const response = await request.post('/__sandbox/reset', { data: {} })
  expect(response.status()).toBe(204)
}

export type SandboxPath =
  | 'alma'
  | 'alma/close-fees'
  | 'alma/hold'
  | 'alma/hold/arrived'
  | 'alma/hold/release'
  | 'cashnet'
  | 'cashnet/hold'
  | 'cashnet/hold/arrived'
  | 'cashnet/hold/release'
  | 'settings'
  | 'service'

/** Changes the demo's sandboxes, faults or kiosk settings (see server/demo/controls.ts). */
export async function sandbox(
  request: APIRequestContext,
  path: SandboxPath,
  data: Record<string, unknown>,
): Promise<void> {
  const response = await request.post(`/__sandbox/${path}`, { data })
  expect(response.status(), `POST /__sandbox/${path}`).toBe(204)
}

/**
 * A keyboard-wedge swipe: track 2 data typed as keydown events in one burst (well under the
 * reader's 50 ms gap), shifted characters preceded by Shift, ending with Enter.
 */
export async function swipe(page: Page, card: string, format: 'track2' | 'plain' = 'track2') {
  const data = format === 'track2' ? `;${card}=2612?` : card
  await page.evaluate((text) => {
    const target = document.activeElement ?? document.body
    const keys: string[] = []
    for (const char of Array.from(text)) {
      if (/[%^?A-Z]/u.test(char)) keys.push('Shift')
      keys.push(char)
    }
    keys.push('Enter')
    // An event's timeStamp is taken when it is created: creating them all first keeps their gaps
    // to microseconds, as a reader's are, even when a busy machine pauses this page between two
    // dispatches.
    const events = keys.map(
      (key) => new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }),
    )
    for (const event of events) target.dispatchEvent(event)
  }, data)
}

export function screenLocator(page: Page, name: string) {
  return page.locator(`[data-screen="${name}"]`)
}

/** The part of axe-core's global this file uses, with arguments as they cross into the page. */
interface AxeRunner {
  run(context: unknown, options: unknown): Promise<AxeResults>
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/**
 * Zero axe violations for WCAG 2.1 A and AA on what the kiosk itself draws. axe-core is loaded
 * into the page once per page load and then run directly: a screen checked at eight sizes runs it
 * eight times, and injecting it every time (as @axe-core/playwright does) cost ~2 s a run here.
 */
export async function expectAccessible(page: Page): Promise<void> {
  // page.evaluate is not subject to the kiosk's CSP (script-src 'self'), unlike a script tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const results = await page.evaluate(
    (args) => (window as unknown as { axe: AxeRunner }).axe.run(args.context, args.options),
    {
      // The CashNet page is CashNet's; the kiosk's own header bar around it is checked.
      context: { exclude: [['iframe.checkout-frame']] } satisfies ContextObject,
      options: {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
      } satisfies RunOptions,
    },
  )
  const summary = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  )
  expect(summary).toEqual([])
}

/** Every button and checkbox row is at least 44 × 44 CSS pixels. */
export async function expectTouchTargets(page: Page): Promise<void> {
  const small = await page.evaluate(() => {
    const targets = [...document.querySelectorAll<HTMLElement>('button, label:has(input)')]
    return targets
      .filter((element) => element.offsetParent !== null)
      .map((element) => {
        const box = element.getBoundingClientRect()
        return { text: element.textContent.trim(), width: box.width, height: box.height }
      })
      .filter((box) => box.width < 44 || box.height < 44)
  })
  expect(small).toEqual([])
}

/**
 * Waits for a screen, checks it (axe, touch targets) and saves a screenshot as a test artifact;
 * `curated` also writes it to docs/screenshots/ when UPDATE_SCREENSHOTS=1.
 */
export async function expectScreen(
  page: Page,
  testInfo: TestInfo,
  name: string,
  options: { curated?: string; timeout?: number } = {},
): Promise<void> {
  await expect(screenLocator(page, name)).toBeVisible(
    options.timeout === undefined ? {} : { timeout: options.timeout },
  )
  await expectAccessible(page)
  await expectTouchTargets(page)
  const screenshot = await page.screenshot({ animations: 'disabled', caret: 'hide' })
  // One file per screen in the test's output folder (the CI artifact), numbered in visit order.
  const taken = (screenshotCounts.get(testInfo.testId) ?? 0) + 1
  screenshotCounts.set(testInfo.testId, taken)
  writeFileSync(testInfo.outputPath(`${String(taken).padStart(2, '0')}-${name}.png`), screenshot)
  if (options.curated && process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(curatedDir, { recursive: true })
    writeFileSync(join(curatedDir, `${options.curated}.png`), screenshot)
  }
}

/**
 * Holds the kiosk's requests to `url` in the browser until `release()`, so a screen that lasts only
 * as long as a request (starting, cancelling) stays up for its checks. Nothing waits on a timer.
 */
export async function holdRequests(page: Page, url: string | RegExp) {
  const held: Route[] = []
  let released = false
  await page.route(url, async (route) => {
    if (released) await route.continue()
    else held.push(route)
  })
  return {
    async release(): Promise<void> {
      released = true
      await Promise.all(held.splice(0).map((route) => route.continue()))
    },
  }
}

export function cashnetFrame(page: Page) {
  return page.frameLocator('iframe.checkout-frame')
}

/** On the sandbox CashNet page: pay with the prefilled (approved) card or another one. */
export async function payOnCashnet(page: Page, card?: string): Promise<void> {
  const frame = cashnetFrame(page)
  if (card) await frame.getByLabel(/card/iu).fill(card)
  await frame.getByRole('button', { name: 'Pay' }).click()
}

export async function cancelOnCashnet(page: Page): Promise<void> {
  await cashnetFrame(page).getByRole('button', { name: 'Cancel' }).click()
}

/** After a session ends: nothing of the patron in the page text or in web storage. */
export async function expectNoPatronTraces(page: Page, traces: readonly string[]): Promise<void> {
  await expect(screenLocator(page, 'attract')).toBeVisible()
  const text = await page.evaluate(() => document.documentElement.innerText)
  for (const trace of traces) expect(text).not.toContain(trace)
  // Web storage holds at most the kiosk's own settings (the same for every patron, kept for the
  // next start: renderer/src/state/settingsCache.ts), and nothing of the patron in them.
  const kept = await page.evaluate((key) => localStorage.getItem(key) ?? '', settingsCacheKey)
  for (const trace of traces) expect(kept).not.toContain(trace)
  const storage = await page.evaluate(
    (key) => [
      sessionStorage.length,
      Object.keys(localStorage).filter((name) => name !== key).length,
      document.cookie,
      document.querySelectorAll('iframe').length,
      // The browser's record of the requests made for the patron (URLs with checkout ids).
      performance
        .getEntriesByType('resource')
        .filter((entry) => /\/api\/v1\/(?:lookups|checkouts)/u.test(entry.name)).length,
    ],
    settingsCacheKey,
  )
  expect(storage).toEqual([0, 0, '', 0, 0])
}
