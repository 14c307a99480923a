/**
 * The kiosk displays every screen is checked on, and the layout checks: one page load visits a
 * screen once and checks it at every size, with and without "Larger text", by resizing the viewport.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Page, type TestInfo } from '@playwright/test'
import { expectAccessible, expectTouchTargets, screenLocator } from './kiosk.ts'

interface Display {
  /** Used in screenshot names. */
  name: string
  width: number
  height: number
}

/** Library kiosks: portrait touch screens, wide and cheap landscape panels, the older 5:4. */
const displays: readonly Display[] = [
  { name: 'portrait', width: 1080, height: 1920 },
  { name: 'landscape', width: 1920, height: 1080 },
  { name: 'small', width: 1366, height: 768 },
  { name: 'square', width: 1280, height: 1024 },
]

const curatedDir = join(import.meta.dirname, '../../../docs/screenshots/displays')

export interface LayoutOptions {
  /** Names the screenshots (`<label>-<display>[-large].png`); the screen's name by default. */
  label?: string
  /**
   * Variants (`portrait`, `small-large`, …) also saved as curated screenshots in
   * docs/screenshots/displays/ when UPDATE_SCREENSHOTS=1.
   */
  curated?: readonly string[]
  /** The screen shows a dialog over it (the idle warning). */
  dialog?: boolean
}

/** What a layout check found wrong at one size; empty when the screen is fine. */
interface LayoutReport {
  problems: string[]
}

/**
 * Runs in the page: the kiosk fills the window without scrolling, the primary action and the
 * selected total are in view (in portrait: the primary action in the lower half, the attract
 * screen the whole height), no text is cut or overlaps other content, and a list that does not
 * show all its rows has a visible cue. Rows inside a list are checked where they are visible.
 */
function inspectLayout(dialog: boolean): LayoutReport {
  const problems: string[] = []
  const view = { width: window.innerWidth, height: window.innerHeight }
  const describe = (element: Element) => {
    const classes = (element.getAttribute('class') ?? '').split(' ').filter(Boolean)
    const text = element.textContent.trim().slice(0, 40)
    return `${[element.tagName.toLowerCase(), ...classes].join('.')} "${text}"`
  }
  const inView = (box: DOMRect) =>
    box.left >= -0.5 &&
    box.top >= -0.5 &&
    box.right <= view.width + 0.5 &&
    box.bottom <= view.height + 0.5
  const visible = (element: Element) => {
    const box = element.getBoundingClientRect()
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden'
  }

  const page = document.scrollingElement ?? document.documentElement
  if (page.scrollWidth > view.width + 1 || page.scrollHeight > view.height + 1) {
    problems.push(`the page scrolls: ${page.scrollWidth}×${page.scrollHeight}`)
  }

  const root = dialog
    ? document.querySelector('[role="alertdialog"]')
    : document.querySelector('[data-screen]')
  if (!root) return { problems: ['no screen'] }

  const primary = [...root.querySelectorAll('.button-primary')].find(visible)
  if (primary && !inView(primary.getBoundingClientRect())) {
    problems.push(`primary action out of view: ${describe(primary)}`)
  }
  // Portrait touch screens: the primary action (Pay, Continue, Done) low, where a standing
  // patron's hand is, and the attract screen filling the display rather than its top third.
  const portrait = view.height > view.width
  if (portrait && primary) {
    const top = primary.getBoundingClientRect().top
    if (top < view.height / 2) {
      problems.push(`portrait: primary action in the upper half (top ${top}): ${describe(primary)}`)
    }
  }
  if (portrait && root.matches('[data-screen="attract"]')) {
    // From the header down to the bottom of the window, but for the page's margins.
    const box = root.getBoundingClientRect()
    const below = document.querySelector('.kiosk-header')?.getBoundingClientRect().bottom ?? 0
    const margin = view.height * 0.05
    if (box.top - below > margin || view.height - box.bottom > margin) {
      problems.push(
        `portrait: attract screen spans ${box.top}–${box.bottom}, not ${below}–${view.height}`,
      )
    }
  }
  for (const always of root.querySelectorAll('.selected-total, .screen-foot, .checkout-bar')) {
    if (!inView(always.getBoundingClientRect())) problems.push(`out of view: ${describe(always)}`)
  }

  // The last-resort scroll of a screen's content must not be needed: it would cut text silently.
  for (const main of root.querySelectorAll('.screen-main')) {
    if (main.scrollHeight > main.clientHeight + 1) {
      problems.push(`screen content cut: ${main.scrollHeight} > ${main.clientHeight}`)
    }
  }

  // Lists: rows out of view only with a visible cue, which itself is in view.
  for (const area of root.querySelectorAll('.scroll-area')) {
    const viewport = area.querySelector('.scroll-area-viewport')
    if (!viewport) continue
    const box = viewport.getBoundingClientRect()
    const rows = [...viewport.querySelectorAll('.fee-row, tbody tr')]
    const hidden = rows.filter((row) => {
      const rowBox = row.getBoundingClientRect()
      return rowBox.top < box.top - 1 || rowBox.bottom > box.bottom + 1
    })
    const cue = area.querySelector('.scroll-cue')
    const below = hidden.some((row) => row.getBoundingClientRect().bottom > box.bottom + 1)
    if (below && !(cue && visible(cue) && inView(cue.getBoundingClientRect()))) {
      problems.push(`${hidden.length} list rows out of view and no visible cue`)
    }
    if (rows.length > 0 && hidden.length === rows.length) {
      problems.push(`list squeezed: none of its ${rows.length} rows fully in view`)
    }
  }

  // The CashNet page's slot: right below the kiosk's bar, full width, to the bottom of the
  // window. Electron covers exactly that with its view (`viewTop` = the slot's top).
  const slot = root.querySelector('#kiosk-checkout-slot')
  if (slot) {
    const box = slot.getBoundingClientRect()
    const bar = root.querySelector('.checkout-bar')?.getBoundingClientRect()
    const expected = { left: 0, right: view.width, bottom: view.height, top: bar?.bottom ?? NaN }
    for (const side of ['left', 'right', 'bottom', 'top'] as const) {
      if (Math.abs(box[side] - expected[side]) > 1) {
        problems.push(`checkout slot ${side} at ${box[side]}, expected ${expected[side]}`)
      }
    }
    const frame = slot.querySelector('iframe')?.getBoundingClientRect()
    if (
      frame &&
      (Math.abs(frame.height - box.height) > 1 || Math.abs(frame.width - box.width) > 1)
    ) {
      problems.push(
        `CashNet frame ${frame.width}×${frame.height} in a ${box.width}×${box.height} slot`,
      )
    }
  }

  // Nothing cut or overlapping: text blocks and controls, clipped to the list they scroll in.
  const selector =
    'h1, h2, .lead, .hint, .detail, .notice, button, .fee-option, .being-posted-row, tr, dt, dd, output, .selected-total, .entry-error, .countdown, .brand-name, .tone-mark, .spinner, .card-illustration'
  const boxes: { element: Element; box: DOMRect }[] = []
  for (const element of root.parentElement?.querySelectorAll(selector) ?? []) {
    if (!visible(element) || (!dialog && element.closest('[role="alertdialog"]'))) continue
    let box = element.getBoundingClientRect()
    const scroller = element.closest('.scroll-area-viewport')
    if (scroller) {
      const clip = scroller.getBoundingClientRect()
      const top = Math.max(box.top, clip.top)
      const bottom = Math.min(box.bottom, clip.bottom)
      if (bottom - top < 1) continue
      box = new DOMRect(box.left, top, box.width, bottom - top)
    } else if (!inView(box)) {
      problems.push(`out of the window: ${describe(element)}`)
    }
    if (
      element instanceof HTMLElement &&
      getComputedStyle(element).overflow !== 'visible' &&
      (element.scrollWidth > element.clientWidth + 1 ||
        element.scrollHeight > element.clientHeight + 1) &&
      !element.matches('.scroll-area-viewport')
    ) {
      problems.push(`text cut inside ${describe(element)}`)
    }
    boxes.push({ element, box })
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]
      const b = boxes[j]
      if (!a || !b || a.element.contains(b.element) || b.element.contains(a.element)) continue
      const width = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left)
      const height = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top)
      if (width > 1 && height > 1) {
        problems.push(`overlap: ${describe(a.element)} and ${describe(b.element)}`)
      }
    }
  }
  return { problems }
}

async function setLargeText(page: Page, on: boolean): Promise<void> {
  // The class the "Larger text" button sets; toggled directly so that screens without the button
  // (the CashNet page's bar) are checked with it too.
  await page.evaluate((large) => {
    document.documentElement.classList.toggle('large-text', large)
  }, on)
}

/**
 * Checks the screen on view at every display size, with normal and larger text: layout (see
 * `inspectLayout`), axe and touch targets; saves a screenshot of each as a test artifact, and the
 * `curated` ones to docs/screenshots/displays/ when UPDATE_SCREENSHOTS=1. Leaves the page at its
 * original size and text setting.
 */
export async function expectGoodOnEveryDisplay(
  page: Page,
  testInfo: TestInfo,
  name: string,
  options: LayoutOptions = {},
): Promise<void> {
  await expect(screenLocator(page, name)).toBeVisible()
  const original = page.viewportSize()
  const large = await page.evaluate(() => document.documentElement.classList.contains('large-text'))
  for (const display of displays) {
    await page.setViewportSize({ width: display.width, height: display.height })
    for (const largeText of [false, true]) {
      await setLargeText(page, largeText)
      const suffix = `${display.name}${largeText ? '-large' : ''}`
      const variant = `${options.label ?? name}-${suffix}`
      await expect
        .poll(async () => (await page.evaluate(inspectLayout, options.dialog ?? false)).problems, {
          message: `layout of ${variant}`,
          timeout: 2_000,
        })
        .toEqual([])
      await expectAccessible(page)
      await expectTouchTargets(page)
      const screenshot = await page.screenshot({ animations: 'disabled', caret: 'hide' })
      writeFileSync(testInfo.outputPath(`${variant}.png`), screenshot)
      if (options.curated?.includes(suffix) && process.env.UPDATE_SCREENSHOTS === '1') {
        mkdirSync(curatedDir, { recursive: true })
        writeFileSync(join(curatedDir, `${variant}.png`), screenshot)
      }
    }
  }
  await checkSpanishWhereTightest(page, testInfo, options.label ?? name, options)
  await setLargeText(page, large)
  if (original) await page.setViewportSize(original)
}

/**
 * Spanish runs about a fifth longer than English: the screen again in Spanish on the tightest
 * display (1366×768, larger text), then back to English. Skipped where the language button is
 * not offered (the CashNet page's bar) or a dialog holds the page.
 */
async function checkSpanishWhereTightest(
  page: Page,
  testInfo: TestInfo,
  prefix: string,
  options: LayoutOptions,
): Promise<void> {
  const spanish = page.getByRole('button', { name: 'Español' })
  if (options.dialog || !(await spanish.isVisible())) return
  const tightest = displays.find((display) => display.name === 'small')
  if (!tightest) return
  await page.setViewportSize({ width: tightest.width, height: tightest.height })
  await setLargeText(page, true)
  await spanish.click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'es')
  await expect
    .poll(async () => (await page.evaluate(inspectLayout, false)).problems, {
      message: `layout of ${prefix}-small-large-es`,
      timeout: 2_000,
    })
    .toEqual([])
  await expectAccessible(page)
  await expectTouchTargets(page)
  writeFileSync(
    testInfo.outputPath(`${prefix}-small-large-es.png`),
    await page.screenshot({ animations: 'disabled', caret: 'hide' }),
  )
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
}
