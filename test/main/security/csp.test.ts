import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { rendererCsp, sha256Source, statusPageCsp } from '../../../main/security/csp.ts'

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
    expect(rendererCsp()).not.toContain('unsafe')
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
