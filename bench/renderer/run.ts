/**
 * Renderer benchmark: the JavaScript the kiosk ships (gzipped), how soon the attract screen is
 * painted after navigation in Chromium as a multiple of a static page's first contentful paint
 * measured in the same run, and JS heap growth over 200 simulated patron sessions. Targets are
 * reported, not asserted. `node bench/renderer/run.ts` runs it alone and writes
 * bench/results/renderer.json; `npm run bench` calls `benchRenderer()`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { build } from 'vite'
import { z } from 'zod'
import { attractPaintedMark as attractMark } from '../../common/startupPaint.ts'
import { startDemoService } from '../../server/demoService.ts'
import { startStaticPageServer } from './staticPage.ts'

export const rendererTargets = {
  jsGzipBytes: 200 * 1024,
  /** What the page loads before it can paint: the entry chunk and its static imports. */
  firstChunkGzipBytes: 100 * 1024,
  /** Attract screen painted, as a multiple of the static page's first contentful paint. */
  attractPaintRatio: 2,
  heapGrowthPercent: 10,
} as const

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const outDir = join(repoRoot, 'out/renderer')
const assetsDir = join(outDir, 'assets')
const paintRuns = 15
/**
 * Sessions before the baseline: V8 compiles and optimises the UI's code paths over the first
 * patrons (measured here: most of the early growth is JIT code), which is not a leak.
 */
const warmupSessions = 50
const measuredSessions = 200
/** Patrons with fees in the sandbox, taken in turn. */
const sessionCards = ['2000000001', '2000000002', '2000000004', '2000000008', '2000000009']

export interface PaintTimes {
  runs: number
  medianMs: number
  p90Ms: number
  maxMs: number
}

export interface RendererBenchResult {
  bundle: {
    jsGzipBytes: number
    /** The .js files index.html loads before anything else (entry script and modulepreloads). */
    firstChunkGzipBytes: number
    files: { file: string; gzipBytes: number; firstChunk: boolean }[]
    pass: boolean
  }
  /** The baseline: a static page's first contentful paint, same server kind, same run. */
  staticPage: PaintTimes
  /** A fresh browser context: nothing cached, no stored settings. The target applies here. */
  attractPaint: PaintTimes & {
    firstContentfulPaintMedianMs: number
    ratioToStaticPaint: number
    pass: boolean
  }
  /** A fresh context with the last known settings stored (how a kiosk restarts). */
  attractPaintFromStoredSettings: PaintTimes & { ratioToStaticPaint: number }
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

/** The asset files index.html names itself: its module script and the modulepreload links. */
function firstChunkFiles(html: string): Set<string> {
  const named = [...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)]
  return new Set(named.map((match) => match[1] ?? ''))
}

/** Builds the renderer for production and measures every .js file gzipped (level 9). */
export async function measureBundle(): Promise<RendererBenchResult['bundle']> {
  await build({ configFile: join(repoRoot, 'renderer/vite.config.ts'), logLevel: 'warn' })
  const eager = firstChunkFiles(readFileSync(join(outDir, 'index.html'), 'utf8'))
  const files = readdirSync(assetsDir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({
      file,
      gzipBytes: gzipSync(readFileSync(join(assetsDir, file)), { level: 9 }).length,
      firstChunk: eager.has(file),
    }))
  const sum = (list: typeof files) => list.reduce((total, file) => total + file.gzipBytes, 0)
  const jsGzipBytes = sum(files)
  const firstChunkGzipBytes = sum(files.filter((file) => file.firstChunk))
  return {
    jsGzipBytes,
    firstChunkGzipBytes,
    files,
    pass:
      jsGzipBytes <= rendererTargets.jsGzipBytes &&
      firstChunkGzipBytes <= rendererTargets.firstChunkGzipBytes,
  }
}

/** The same browser and flags as the e2e tests (test/e2e/support/environment.ts). */
export async function launchChromium(): Promise<Browser> {
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

const markSchema = z.number()

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>

/** Opens `url` in a fresh browser context (no HTTP cache) and reads one performance entry. */
async function timeNavigation(
  browser: Browser,
  url: string,
  entry: string,
  storageState?: StorageState,
): Promise<{ ms: number; fcp: number | null; storage: StorageState }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...(storageState ? { storageState } : {}),
  })
  try {
    const page = await context.newPage()
    await page.goto(url)
    // Functions, not strings: the kiosk's CSP forbids eval in the page.
    await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, entry, {
      timeout: 10_000,
    })
    const ms = markSchema.parse(
      await page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime, entry),
    )
    const fcp = markSchema
      .nullable()
      .parse(
        await page.evaluate(
          () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        ),
      )
    return { ms, fcp, storage: await context.storageState() }
  } finally {
    await context.close()
  }
}

function paintTimes(values: number[]): PaintTimes {
  return {
    runs: values.length,
    medianMs: percentile(values, 0.5),
    p90Ms: percentile(values, 0.9),
    maxMs: percentile(values, 1),
  }
}

const ratio = (value: number, baseline: number) => Math.round((value / baseline) * 100) / 100

/**
 * The static page, the attract screen with nothing stored and the attract screen with the last
 * known settings stored, taken in turn in each round so that load on the machine hits all three
 * alike; each navigation in a fresh browser context. The attract time is the renderer's
 * `kiosk:attract-painted` mark, set in the task after the first frame that shows the screen.
 * The first round warms the servers and the OS file cache and is left out.
 */
export async function measurePaint(
  browser: Browser,
  staticUrl: string,
  kioskUrl: string,
): Promise<
  Pick<RendererBenchResult, 'staticPage' | 'attractPaint' | 'attractPaintFromStoredSettings'>
> {
  const baseline: number[] = []
  const cold: number[] = []
  const coldFcp: number[] = []
  const stored: number[] = []
  let storedState: StorageState | undefined
  for (let run = 0; run < paintRuns; run += 1) {
    const staticPage = await timeNavigation(browser, staticUrl, 'first-contentful-paint')
    const fresh = await timeNavigation(browser, kioskUrl, attractMark)
    // What the renderer kept after its first start (the last known settings), for the next round.
    storedState ??= fresh.storage
    const restarted = await timeNavigation(browser, kioskUrl, attractMark, storedState)
    if (run === 0) continue
    baseline.push(staticPage.ms)
    cold.push(fresh.ms)
    if (fresh.fcp !== null) coldFcp.push(fresh.fcp)
    stored.push(restarted.ms)
  }
  const staticPage = paintTimes(baseline)
  const attract = paintTimes(cold)
  const ratioToStaticPaint = ratio(attract.medianMs, staticPage.medianMs)
  const fromStored = paintTimes(stored)
  return {
    staticPage,
    attractPaint: {
      ...attract,
      firstContentfulPaintMedianMs: percentile(coldFcp, 0.5),
      ratioToStaticPaint,
      pass: ratioToStaticPaint <= rendererTargets.attractPaintRatio,
    },
    attractPaintFromStoredSettings: {
      ...fromStored,
      ratioToStaticPaint: ratio(fromStored.medianMs, staticPage.medianMs),
    },
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
  const staticPage = await startStaticPageServer()
  const browser = await launchChromium()
  try {
    const paint = await measurePaint(browser, staticPage.url, `${service.url}/`)
    const sessions = await measureSessions(browser, `${service.url}/`)
    return { bundle, ...paint, sessions, targets: rendererTargets }
  } finally {
    await browser.close()
    await staticPage.close()
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
