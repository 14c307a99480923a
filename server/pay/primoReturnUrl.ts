/**
 * Where a patron who came from Primo goes back to afterwards. The address arrives from the browser
 * (`returnUrl`), so it is an open redirect unless it is held to the institution's own Primo
 * origins: compared as parsed origins, never as string prefixes (`https://primo.edu.evil.example`,
 * `https://primo.edu@evil.example`, `javascript:` and protocol-relative `//evil` all fail).
 */
import type { PrimoSettings } from '../config/types.ts'

const maxReturnUrlLength = 2048

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

export function primoReturnUrl(
  settings: PrimoSettings | null,
  candidate: string | undefined,
): string | null {
  if (!settings || candidate === undefined) return null
  if (candidate.length === 0 || candidate.length > maxReturnUrlLength) return null
  // The URL parser drops tabs and newlines and reads `\\` as `/`; browsers differ: refuse them.
  if (/[\s\\]/.test(candidate) || hasControlCharacter(candidate)) return null
  let parsed: URL
  try {
    // No base: a relative or protocol-relative address has no origin of its own and is refused.
    parsed = new URL(candidate)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  if (parsed.username || parsed.password) return null
  if (!settings.returnOrigins.includes(parsed.origin)) return null
  return parsed.href
}
