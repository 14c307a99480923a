/**
 * Renderer benchmark: the JavaScript the kiosk ships (gzipped), how soon the attract screen is
 * painted after navigation in Chromium, and JS heap growth over 200 simulated patron sessions.
 * Targets are reported, not asserted. `node bench/renderer/run.ts` runs it alone and writes
 * bench/results/renderer.json; `npm run bench` calls `benchRenderer()`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser, type Page } from '@playwright/test'
import { build } from 'vite'
import { z } from 'zod'
import { startDemoService } from '../../server/demoService.ts'

export const rendererTargets = {
  jsGzipBytes: 200 * 1024,
  attractPaintMs: 500,
  heapGrowthPercent: 10,
} as const

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const assetsDir = join(repoRoot, 'out/renderer/assets')
const paintRuns = 15
/**
 * Sessions before the baseline: V8 compiles and optimises the UI's code paths over the first
 * patrons (measured here: most of the early growth is JIT code), which is not a leak.
 */
const warmupSessions = 50
const measuredSessions = 200
/** Patrons with fees in the sandbox, taken in turn. */
const sessionCards = ['2000000001', '2000000002', '2000000004', '2000000008', '2000000009']

export interface RendererBenchResult {
  bundle: { jsGzipBytes: number; files: { file: string; gzipBytes: number }[]; pass: boolean }
  attractPaint: {
    runs: number
    medianMs: number
    p90Ms: number
    maxMs: number
    firstContentfulPaintMedianMs: number
    pass: boolean
  }
  sessions: {
    count: number
    warmupSessions: number
    /** Right after the first load, before any patron. */
    heapAtLoadBytes: number
    /** The baseline: after the warm-up sessions. */
    heapBeforeBytes: number
    heapAfterBytes: number
    /** Growth over the measured sessions, against the baseline (the target applies here). */
    growthPercent: number
    /** For comparison: growth against the freshly loaded page, warm-up included. */
    growthSinceLoadPercent: number
    secondsPerSession: number
    pass: boolean
  }
  targets: typeof rendererTargets
}

/** Builds the renderer for production and measures every .js file gzipped (level 9). */
async function measureBundle(): Promise<RendererBenchResult['bundle']> {
  await build({ configFile: join(repoRoot, 'renderer/vite.config.ts'), logLevel: 'warn' })
  const files = readdirSync(assetsDir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({
      file,
      gzipBytes: gzipSync(readFileSync(join(assetsDir, file)), { level: 9 }).length,
    }))
  const jsGzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0)
  return { jsGzipBytes, files, pass: jsGzipBytes <= rendererTargets.jsGzipBytes }
}

/** The same browser and flags as the e2e tests (test/e2e/support/environment.ts). */
async function launchChromium(): Promise<Browser> {
  const environment = z
    .object({ chromiumFlags: z.array(z.string()) })
    .parse(await import(new URL('../../test/e2e/support/environment.ts', import.meta.url).href))
  const executablePath =
    process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)
  return chromium.launch({
    args: environment.chromiumFlags,
    ...(executablePath ? { executablePath } : {}),
  })
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 10) / 10
}

const paintTimesSchema = z.object({ attract: z.number(), fcp: z.number().nullable() })

/**
 * Navigation to the attract screen, in a fresh browser context each time (no cache): the time of
 * the renderer's `kiosk:attract-painted` mark, set in the task after the first frame that shows
 * the screen, measured from the navigation start.
 */
async function measureAttractPaint(
  browser: Browser,
  url: string,
): Promise<RendererBenchResult['attractPaint']> {
  const attract: number[] = []
  const fcp: number[] = []
  for (let run = 0; run < paintRuns; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(url)
    // A function, not a string: the kiosk's CSP forbids eval in the page.
    await page.waitForFunction(
      () => performance.getEntriesByName('kiosk:attract-painted').length > 0,
      undefined,
      { timeout: 10_000 },
    )
    const times = paintTimesSchema.parse(
      await page.evaluate(`({
        attract: performance.getEntriesByName('kiosk:attract-painted')[0].startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      })`),
    )
    // The first navigation also warms the service and the OS file cache: leave it out.
    if (run > 0) {
      attract.push(times.attract)
      if (times.fcp !== null) fcp.push(times.fcp)
    }
    await context.close()
  }
  const medianMs = percentile(attract, 0.5)
  return {
    runs: attract.length,
    medianMs,
    p90Ms: percentile(attract, 0.9),
    maxMs: percentile(attract, 1),
    firstContentfulPaintMedianMs: percentile(fcp, 0.5),
    pass: medianMs <= rendererTargets.attractPaintMs,
  }
}

/** Swipes a card the way a keyboard-wedge reader types it: one fast burst ending in Enter. */
async function swipe(page: Page, card: string): Promise<void> {
  await page.evaluate(`(() => {
    const target = document.activeElement ?? document.body
    for (const key of [...';${card}=2612?', 'Enter']) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
    }
  })()`)
}

/**
 * One patron: swipe, untick a fee, go to the amount keypad, type an amount, confirm screen,
 * back twice, finish without paying (which ends the session and wipes everything).
 */
async function simulateSession(page: Page, card: string): Promise<void> {
  await swipe(page, card)
  const fines = page.locator('[data-screen="fines"]')
  await fines.waitFor()
  const checkboxes = fines.locator('li input[type="checkbox"]')
  if ((await checkboxes.count()) > 1) await checkboxes.last().click()
  await page.getByRole('button', { name: 'Pay a different amount' }).click()
  const keypad = page.getByRole('group', { name: 'Keypad' })
  await keypad.getByRole('button', { name: '1', exact: true }).click()
  await keypad.getByRole('button', { name: '0', exact: true }).click()
  await keypad.getByRole('button', { name: '0', exact: true }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.locator('[data-screen="confirm"]').waitFor()
  await page.getByRole('button', { name: 'Back' }).click()
  await page.getByRole('button', { name: 'Back' }).click()
  await page.getByRole('button', { name: 'Finish without paying' }).click()
  await page.locator('[data-screen="attract"]').waitFor()
}

async function usedHeapAfterGc(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page)
  await session.send('HeapProfiler.enable')
  for (let pass = 0; pass < 3; pass += 1) await session.send('HeapProfiler.collectGarbage')
  const usage = await session.send('Runtime.getHeapUsage')
  await session.detach()
  return usage.usedSize
}

async function measureSessions(
  browser: Browser,
  url: string,
): Promise<RendererBenchResult['sessions']> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await page.goto(url)
  await page.locator('[data-screen="attract"]').waitFor()
  const heapAtLoadBytes = await usedHeapAfterGc(page)
  for (let session = 0; session < warmupSessions; session += 1) {
    await simulateSession(page, sessionCards[session % sessionCards.length] ?? '2000000001')
  }
  const heapBeforeBytes = await usedHeapAfterGc(page)
  const started = performance.now()
  for (let session = 0; session < measuredSessions; session += 1) {
    await simulateSession(page, sessionCards[session % sessionCards.length] ?? '2000000001')
  }
  const seconds = (performance.now() - started) / 1000
  const heapAfterBytes = await usedHeapAfterGc(page)
  await context.close()
  const growth = (from: number) => Math.round(((heapAfterBytes - from) / from) * 1000) / 10
  const growthPercent = growth(heapBeforeBytes)
  return {
    count: measuredSessions,
    warmupSessions,
    heapAtLoadBytes,
    heapBeforeBytes,
    heapAfterBytes,
    growthPercent,
    growthSinceLoadPercent: growth(heapAtLoadBytes),
    secondsPerSession: Math.round((seconds / measuredSessions) * 100) / 100,
    pass: growthPercent <= rendererTargets.heapGrowthPercent,
  }
}

export async function benchRenderer(): Promise<RendererBenchResult> {
  const bundle = await measureBundle()
  const service = await startDemoService({ port: 0, quiet: true })
  const browser = await launchChromium()
  try {
    const attractPaint = await measureAttractPaint(browser, `${service.url}/`)
    const sessions = await measureSessions(browser, `${service.url}/`)
    return { bundle, attractPaint, sessions, targets: rendererTargets }
  } finally {
    await browser.close()
    await service.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchRenderer()
  const resultsDir = join(repoRoot, 'bench/results')
  mkdirSync(resultsDir, { recursive: true })
  const written = { at: new Date().toISOString(), node: process.version, ...result }
  writeFileSync(join(resultsDir, 'renderer.json'), `${JSON.stringify(written, null, 2)}\n`)
  console.log(JSON.stringify(written, null, 2))
}
