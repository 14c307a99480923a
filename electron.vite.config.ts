import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { rendererOutDir, rendererRoot } from './renderer/vite.config.ts'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(import.meta.dirname, 'main/index.ts'), formats: ['es'] },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot load modules or ESM: one bundled CommonJS file.
      lib: { entry: resolve(import.meta.dirname, 'preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: rendererRoot,
    base: './',
    plugins: [react()],
    build: {
      outDir: rendererOutDir,
      emptyOutDir: true,
      rolldownOptions: { input: resolve(rendererRoot, 'index.html') },
    },
  },
})
