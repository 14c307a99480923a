import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** The renderer's build, shared by the browser preview (`npm run build:renderer`) and electron-vite. */
export const rendererRoot = fileURLToPath(new URL('.', import.meta.url))
export const rendererOutDir = fileURLToPath(new URL('../out/renderer', import.meta.url))

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: { outDir: rendererOutDir, emptyOutDir: true, target: 'chrome130' },
})
