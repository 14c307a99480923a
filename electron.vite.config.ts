import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import {
  kioskCspMeta,
  kioskFirstPaint,
  rendererOutDir,
  rendererRoot,
} from './renderer/vite.config.ts'

/** The package a bundled module came from, e.g. ".../node_modules/@scope/name/x.js" → "@scope/name". */
function packageOf(moduleId: string): { name: string; dir: string } | null {
  const normalized = moduleId.replaceAll('\\', '/').replace(/^\0/, '')
  const marker = '/node_modules/'
  const at = normalized.lastIndexOf(marker)
  if (at < 0) return null
  const parts = normalized.slice(at + marker.length).split('/')
  const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : parts[0]
  if (!name) return null
  return { name, dir: normalized.slice(0, at + marker.length) + name }
}

/**
 * Writes `bundled-packages.json` next to the bundle: every npm package inlined into it, with its
 * version and licence. The packaging check reads it to prove the kiosk's runtime dependencies are
 * inside the bundle (the asar ships no node_modules) and no service-only package is.
 */
function bundledPackagesManifest(): Plugin {
  return {
    name: 'kiosk:bundled-packages',
    apply: 'build',
    generateBundle(_options, bundle) {
      const packages = new Map<string, { name: string; version: string; license: string }>()
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue
        for (const id of output.moduleIds) {
          const pkg = packageOf(id)
          if (!pkg || packages.has(pkg.name)) continue
          const json = JSON.parse(readFileSync(`${pkg.dir}/package.json`, 'utf8')) as {
            version?: string
            license?: string
          }
          packages.set(pkg.name, {
            name: pkg.name,
            version: json.version ?? 'unknown',
            license: json.license ?? 'unknown',
          })
        }
      }
      const sorted = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name))
      this.emitFile({
        type: 'asset',
        fileName: 'bundled-packages.json',
        source: `${JSON.stringify({ packages: sorted }, null, 2)}\n`,
      })
    },
  }
}

export default defineConfig({
  main: {
    plugins: [bundledPackagesManifest()],
    build: {
      outDir: 'out/main',
      // Bundle electron-store, electron-log and zod into main: the asar then needs no node_modules,
      // and the service-only dependencies in package.json cannot leak into the kiosk (docs/security.md).
      externalizeDeps: false,
      sourcemap: false,
      lib: { entry: resolve(import.meta.dirname, 'main/index.ts'), formats: ['es'] },
    },
  },
  preload: {
    plugins: [bundledPackagesManifest()],
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can only require('electron'): zod must be inside the one CommonJS file.
      externalizeDeps: false,
      sourcemap: false,
      lib: { entry: resolve(import.meta.dirname, 'preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: rendererRoot,
    base: './',
    plugins: [react(), kioskCspMeta('electron'), kioskFirstPaint()],
    build: {
      outDir: rendererOutDir,
      emptyOutDir: true,
      sourcemap: false,
      // electron-vite leaves the renderer unminified by default: ship what `build:renderer` ships.
      minify: true,
      modulePreload: { polyfill: false },
      rolldownOptions: { input: resolve(rendererRoot, 'index.html') },
    },
  },
})
