import { describe, expect, it } from 'vitest'
import { demoLogoPng } from '../../../server/demo/demoLogo.ts'
import { checkLogo, maxLogoBytes, sniffLogoType } from '../../../server/logo/logoImage.ts'

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])
const webp = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([4, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
])

describe('server/logo/logoImage', () => {
  it('recognises PNG, JPEG and WebP by their first bytes', () => {
    expect(sniffLogoType(demoLogoPng(4, 4, '#00386b'))).toBe('image/png')
    expect(sniffLogoType(jpeg)).toBe('image/jpeg')
    expect(sniffLogoType(webp)).toBe('image/webp')
    expect(sniffLogoType(Buffer.from('RIFF\u0004\u0000\u0000\u0000WAVEfmt '))).toBeNull()
    expect(sniffLogoType(Buffer.from('GIF89a'))).toBeNull()
  })

  it('refuses SVG by name, since it can carry scripts', () => {
    for (const svg of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    ]) {
      expect(checkLogo(Buffer.from(svg))).toEqual({
        problem: 'SVG logos are refused (they can carry scripts); use PNG, JPEG or WebP',
      })
    }
  })

  it('refuses anything else, an empty file and more than 256 KiB', () => {
    expect(checkLogo(Buffer.from('<html>nope</html>'))).toEqual({
      problem: 'the logo is not a PNG, JPEG or WebP image',
    })
    expect(checkLogo(Buffer.alloc(0))).toEqual({ problem: 'the logo is empty' })
    const big = Buffer.concat([demoLogoPng(4, 4, '#000000'), Buffer.alloc(maxLogoBytes)])
    expect(checkLogo(big)).toEqual({
      problem: 'the logo is 257 KiB; at most 256 KiB is allowed',
    })
    const exact = Buffer.concat([jpeg, Buffer.alloc(maxLogoBytes - jpeg.length)])
    expect(checkLogo(exact)).toMatchObject({ contentType: 'image/jpeg' })
  })
})
