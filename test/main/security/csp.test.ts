import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { rendererMetaCsp } from '../../../common/kioskCsp.ts'
import { rendererCsp, sha256Source, statusPageCsp } from '../../../main/security/csp.ts'
import { kioskCspMeta } from '../../../renderer/vite.config.ts'

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split('; ').map((directive) => {
      const [name = '', ...values] = directive.split(' ')
      return [name, values.join(' ')]
    }),
  )
}

describe('main/security/csp', () => {
  it('lets the renderer run only its own code and talk only to its own origin', () => {
    const csp = directives(rendererCsp())
    expect(csp.get('default-src')).toBe("'none'")
    expect(csp.get('script-src')).toBe("'self'")
    expect(csp.get('style-src')).toBe("'self'")
    expect(csp.get('connect-src')).toBe("'self'")
    expect(csp.get('object-src')).toBe("'none'")
    expect(csp.get('frame-src')).toBe("'none'")
    expect(csp.get('base-uri')).toBe("'none'")
    expect(csp.get('form-action')).toBe("'none'")
    expect(csp.get('img-src')).toBe("'self' data:")
    expect(rendererCsp()).not.toContain('unsafe')
  })

  it('is the policy index.html carries, plus only what a meta element cannot say', () => {
    const header = directives(rendererCsp())
    const meta = directives(rendererMetaCsp('electron'))
    expect(header.get('frame-ancestors')).toBe("'none'")
    header.delete('frame-ancestors')
    expect(meta).toEqual(header)
  })

  it('is written into the built index.html, for Electron and for the browser preview', () => {
    const source = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8')
    const built = (host: 'electron' | 'browser') => {
      const hook = kioskCspMeta(host).transformIndexHtml as {
        handler: (html: string) => string
      }
      const html = hook.handler(source)
      return /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]
    }
    expect(built('electron')).toBe(rendererMetaCsp('electron'))
    // The preview frames the CashNet page itself; nothing else differs.
    const preview = directives(built('browser') ?? '')
    expect(preview.get('frame-src')).toBe('http: https:')
    preview.delete('frame-src')
    const electron = directives(rendererMetaCsp('electron'))
    electron.delete('frame-src')
    expect(preview).toEqual(electron)
    const hook = kioskCspMeta('electron').transformIndexHtml as {
      handler: (html: string) => string
    }
    expect(() => hook.handler('<html></html>')).toThrow(/placeholder/)
  })

  it('allows status pages exactly one inline stylesheet and no script', () => {
    const style = 'body{color:red}'
    const csp = directives(statusPageCsp(style))
    const hash = createHash('sha256').update(style).digest('base64')
    expect(csp.get('style-src')).toBe(`'sha256-${hash}'`)
    expect(csp.has('script-src')).toBe(false)
    expect(csp.get('default-src')).toBe("'none'")
    expect(sha256Source('')).toBe("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='")
  })
})
