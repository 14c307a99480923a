import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** The patron pay pages: served by the service at `/pay`, built into `out/pay`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/pay/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../out/pay', import.meta.url)),
    emptyOutDir: true,
    // Phones: what browsers of the last few years run. No inline module-preload script (the CSP).
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
})
