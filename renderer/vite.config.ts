import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { build, defineConfig, runnerImport, type Plugin } from 'vite'
import { rendererMetaCsp, type RendererHost } from '../common/kioskCsp.ts'

/** The renderer's build, shared by the browser preview (`npm run build:renderer`) and electron-vite. */
export const rendererRoot = fileURLToPath(new URL('.', import.meta.url))
export const rendererOutDir = fileURLToPath(new URL('../out/renderer', import.meta.url))

/** The placeholder in index.html's CSP meta element. */
export const cspPlaceholder = '%KIOSK_CSP%'

/**
 * Writes the kiosk's CSP (common/kioskCsp.ts, the list main's header is built from) into
 * index.html, so the meta and the header cannot drift apart. Fails the build if the meta is gone.
 */
export function kioskCspMeta(host: RendererHost): Plugin {
  return {
    name: 'kiosk:csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!html.includes(cspPlaceholder)) {
          throw new Error(
            `renderer/index.html: the CSP meta placeholder ${cspPlaceholder} is missing`,
          )
        }
        return html.replace(cspPlaceholder, rendererMetaCsp(host))
      },
    },
  }
}

/** The empty #root in index.html, where the prerendered attract screen goes. */
export const rootElement = '<div id="root"></div>'

const firstPaintEntry = fileURLToPath(new URL('src/startup/firstPaint.ts', import.meta.url))
const prerenderModule = fileURLToPath(new URL('src/startup/prerender.tsx', import.meta.url))

/**
 * The first-paint script as one classic script of its own (an IIFE): nothing shared with the app's
 * chunks, so it arrives in one request and runs before the app's bundle has arrived.
 */
async function bundleFirstPaintScript(): Promise<string> {
  const output = await build({
    configFile: false,
    root: rendererRoot,
    publicDir: false,
    logLevel: 'warn',
    build: {
      write: false,
      target: 'chrome130',
      minify: true,
      lib: { entry: firstPaintEntry, formats: ['iife'], name: 'kioskFirstPaint' },
    },
  })
  const [result] = Array.isArray(output) ? output : [output]
  const chunk = 'output' in result ? result.output[0] : undefined
  if (!chunk) throw new Error('The first-paint script did not build.')
  return chunk.code
}

/** The attract screen's markup, rendered by the app's own components (src/startup/prerender.tsx). */
async function prerenderAttractScreen(): Promise<string> {
  const { module } = await runnerImport<{ prerenderAttractScreen: () => string }>(prerenderModule, {
    configFile: false,
    root: rendererRoot,
    logLevel: 'warn',
    plugins: [react()],
  })
  return module.prerenderAttractScreen()
}

/**
 * index.html with the attract screen in #root and the first-paint script in its head: a classic
 * script from the page's own origin (the CSP allows no inline script), deferred so it runs once
 * the markup is parsed and before the app's module script, and render-blocking so that no frame
 * is painted before it has applied the last known settings. Fails the build if #root is not the
 * empty element it expects.
 */
export function withFirstPaint(html: string, markup: string, scriptPath: string): string {
  if (!html.includes(rootElement)) {
    throw new Error(`renderer/index.html: the empty ${rootElement} for the prerender is missing`)
  }
  const script = `<script defer blocking="render" src="${scriptPath}"></script>`
  const withMarkup = html.replace(rootElement, `<div id="root">${markup}</div>`)
  // Before the app's module script: deferred scripts run in document order, this one first.
  const firstScript = withMarkup.indexOf('<script')
  const at = firstScript >= 0 ? firstScript : withMarkup.indexOf('</head>')
  return `${withMarkup.slice(0, at)}${script}\n    ${withMarkup.slice(at)}`
}

/**
 * The attract screen painted before the app has arrived (issue 13, "Start-up paint"): the build
 * prerenders it into index.html and adds the first-paint script (src/startup/firstPaint.ts),
 * which draws it in the last known settings' look and keeps the keys typed until the app runs.
 * Build only: the dev server serves the empty #root and the app starts with "Starting…".
 */
export function kioskFirstPaint(): Plugin {
  let scriptFile = ''
  return {
    name: 'kiosk:first-paint',
    apply: 'build',
    async buildStart() {
      const code = await bundleFirstPaintScript()
      const hash = createHash('sha256').update(code).digest('base64url').slice(0, 8)
      scriptFile = `assets/first-paint-${hash}.js`
      this.emitFile({ type: 'asset', fileName: scriptFile, source: code })
    },
    transformIndexHtml: {
      order: 'post',
      async handler(html) {
        return withFirstPaint(html, await prerenderAttractScreen(), `./${scriptFile}`)
      },
    },
  }
}

export default defineConfig({
  root: rendererRoot,
  base: './',
  // The browser preview frames the CashNet page itself (Electron uses its own view).
  plugins: [react(), kioskCspMeta('browser'), kioskFirstPaint()],
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    target: 'chrome130',
    // Chromium preloads modules itself: no polyfill in the first chunk.
    modulePreload: { polyfill: false },
  },
})
