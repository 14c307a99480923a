import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentTypeFor, resolveRendererFile } from '../../../main/protocol/rendererFiles.ts'

const root = resolve('/srv/kiosk/out/renderer')

describe('main/protocol/rendererFiles', () => {
  it('maps paths inside the renderer folder, / to index.html', () => {
    expect(resolveRendererFile('/', root)).toBe(join(root, 'index.html'))
    expect(resolveRendererFile('/assets/index-abc.js', root)).toBe(
      join(root, 'assets', 'index-abc.js'),
    )
    expect(resolveRendererFile('/fonts/Noto%20Sans.woff2', root)).toBe(
      join(root, 'fonts', 'Noto Sans.woff2'),
    )
  })

  it.each([
    ['/../main/index.js'],
    ['/assets/..%2f..%2fmain%2findex.js'],
    ['/%2e%2e/%2e%2e/etc/passwd'],
    ['/assets/..\\..\\secret'],
    ['/assets/%5c..%5csecret'],
    ['/C:/Windows/win.ini'],
    ['/index.html%00.js'],
    ['/%E0%A4%A'],
    ['/./index.html'],
  ])('refuses %s', (pathname) => {
    expect(resolveRendererFile(pathname, root)).toBeNull()
  })

  it('sends the right content types', () => {
    expect(contentTypeFor('a/index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('a/x.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('a/x.woff2')).toBe('font/woff2')
    expect(contentTypeFor('a/x.exe')).toBe('application/octet-stream')
  })
})
