/**
 * The library's colours from the kiosk settings, made safe to read: text on a brand colour is black
 * or white, whichever contrasts more (WCAG relative luminance).
 */
import type { CSSProperties } from 'react'
import type { KioskSettings } from '../../../common/api.ts'

function channel(value: number): number {
  const c = value / 255
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}

function relativeLuminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16)
  return (
    0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255)
  )
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x)
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05)
}

/** Black or white, whichever reads better on `background`. */
export function readableTextColor(background: string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff')
    ? '#000000'
    : '#ffffff'
}

/** The default look before settings arrive: a deep blue that passes AA with white text. */
const fallbackColors = { primaryColor: '#1f4e79', accentColor: '#f2b705' }

export function themeStyle(library: KioskSettings['library'] | undefined): CSSProperties {
  const primary = library?.primaryColor ?? fallbackColors.primaryColor
  const accent = library?.accentColor ?? fallbackColors.accentColor
  return {
    '--brand': primary,
    '--brand-text': readableTextColor(primary),
    '--accent': accent,
    '--accent-text': readableTextColor(accent),
  } as CSSProperties
}
