/**
 * What a library logo may be: a PNG, JPEG or WebP image of at most 256 KiB, recognised by its first
 * bytes (never by a file name or a server's content type). SVG is refused because it can carry
 * scripts; anything else because the kiosk's CSP and the renderer only need these three.
 */
export const maxLogoBytes = 256 * 1024

export type LogoContentType = 'image/png' | 'image/jpeg' | 'image/webp'

export interface LogoImage {
  bytes: Buffer
  contentType: LogoContentType
}

const startsWith = (bytes: Buffer, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length &&
  signature.every((byte, index) => bytes[at + index] === byte)

/** The image type its magic bytes announce; null for anything else (SVG, HTML, GIF, garbage). */
export function sniffLogoType(bytes: Buffer): LogoContentType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  // RIFF <size> WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'image/webp'
  return null
}

/** The logo, or why it cannot be one (a sentence to follow the config key in an error). */
export function checkLogo(bytes: Buffer): LogoImage | { problem: string } {
  if (bytes.length === 0) return { problem: 'the logo is empty' }
  if (bytes.length > maxLogoBytes) {
    return {
      problem: `the logo is ${Math.ceil(bytes.length / 1024)} KiB; at most ${maxLogoBytes / 1024} KiB is allowed`,
    }
  }
  const contentType = sniffLogoType(bytes)
  if (!contentType) {
    const text = bytes.subarray(0, 512).toString('utf8').trimStart().toLowerCase()
    const svg = text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))
    return {
      problem: svg
        ? 'SVG logos are refused (they can carry scripts); use PNG, JPEG or WebP'
        : 'the logo is not a PNG, JPEG or WebP image',
    }
  }
  return { bytes, contentType }
}
