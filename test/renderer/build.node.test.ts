/**
 * The renderer's production build (renderer/vite.config.ts) as the kiosk loads it: index.html
 * carries the prerendered attract screen and loads the first-paint script from its own origin,
 * before the app, without any inline script (the kiosk's CSP allows none).
 */
import { fileURLToPath } from 'node:url'
import { build, type Rolldown } from 'vite'
import { describe, expect, it } from 'vitest'
import { rendererMetaCsp } from '../../common/kioskCsp.ts'
import { rootElement, withFirstPaint } from '../../renderer/vite.config.ts'

const configFile = fileURLToPath(new URL('../../renderer/vite.config.ts', import.meta.url))

let built: Promise<Map<string, string>> | undefined
/** The build's files by name, built once for this file's tests (nothing is written). */
const buildRenderer = () => (built ??= buildOnce())

async function buildOnce(): Promise<Map<string, string>> {
  const output = (await build({
    configFile,
    logLevel: 'warn',
    build: { write: false },
  })) as Rolldown.RolldownOutput
  return new Map(
    output.output.map((file) => [
      file.fileName,
      file.type === 'chunk' ? file.code : String(file.source),
    ]),
  )
}

describe('renderer build: the attract screen before the app', () => {
  it('prerenders the attract screen and loads the first-paint script first, inline script-free', async () => {
    const files = await buildRenderer()
    const html = files.get('index.html') ?? ''
    expect(html).toContain(`content="${rendererMetaCsp('browser')}"`)
    const root = /<div id="root">(.*)<\/div>\s*<\/body>/su.exec(html)?.[1] ?? ''
    expect(root).toContain('data-screen="attract"')
    expect(root).toContain(
      '<h1 id="attract-title" tabindex="-1" class="screen-title">Swipe or tap your campus ID</h1>',
    )
    expect(root).toContain('<span class="brand-name">Library</span>')
    expect(root).not.toContain('style=')

    const scripts = [...html.matchAll(/<script\b([^>]*)>([^<]*)<\/script>/gu)]
    // Every script comes from a file of the build: nothing inline for the CSP to refuse.
    for (const [, attributes = '', body] of scripts) {
      expect(body).toBe('')
      const src = /src="\.\/([^"]+)"/u.exec(attributes)?.[1] ?? ''
      expect(files.has(src), src).toBe(true)
    }
    const [firstPaint, app] = scripts.map(([, attributes = '']) => attributes)
    expect(firstPaint).toMatch(
      /^ defer blocking="render" src="\.\/assets\/first-paint-[\w-]+\.js"$/u,
    )
    expect(app).toMatch(/type="module"/u)
    // The first-paint script is one classic script of its own: no imports, no zod, no React.
    const script = files.get(/src="\.\/([^"]+)"/u.exec(firstPaint ?? '')?.[1] ?? '') ?? ''
    expect(script).not.toMatch(/\bimport\b|ZodError|Symbol\.for\(.react/u)
    expect(script).toContain('kiosk:attract-painted')
    expect(Buffer.byteLength(script)).toBeLessThan(4 * 1024)
  }, 120_000)

  it('keeps zod and the API schemas out of what index.html loads', async () => {
    const files = await buildRenderer()
    const named = [...(files.get('index.html') ?? '').matchAll(/(?:src|href)="\.\/([^"]+\.js)"/gu)]
    expect(named.length).toBeGreaterThan(1)
    for (const [, file = ''] of named) {
      expect(files.get(file), file).not.toMatch(/ZodError|kioskSettingsSchema|\$ZodType/u)
    }
    // They arrive in a chunk of their own, which the app imports as it starts.
    const services = [...files.keys()].find((file) => file.startsWith('assets/kioskServices-'))
    expect(services).toBeDefined()
  }, 120_000)

  it('refuses an index.html without the empty #root the prerender goes in', () => {
    expect(() => withFirstPaint('<html><head></head><body></body></html>', 'x', 'a.js')).toThrow(
      rootElement,
    )
  })
})
