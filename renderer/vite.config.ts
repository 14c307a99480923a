import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
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

export default defineConfig({
  root: rendererRoot,
  base: './',
  // The browser preview frames the CashNet page itself (Electron uses its own view).
  plugins: [react(), kioskCspMeta('browser')],
  build: { outDir: rendererOutDir, emptyOutDir: true, target: 'chrome130' },
})
