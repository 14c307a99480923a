import { describe, expect, it } from 'vitest'
import { contrastRatio, readableTextColor, themeStyle } from '../../../renderer/src/theme/theme.ts'

describe('renderer/theme/theme', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
  })

  it('picks the text colour that reads better on a library colour', () => {
    expect(readableTextColor('#1f4e79')).toBe('#ffffff')
    expect(readableTextColor('#f2b705')).toBe('#000000')
    expect(readableTextColor('#cc0000')).toBe('#ffffff')
  })

  it('turns the library colours into CSS variables with at least AA contrast for text', () => {
    const style = themeStyle({
      name: 'X',
      logoUrl: null,
      primaryColor: '#008080',
      accentColor: '#ffcc00',
    }) as Record<string, string>
    expect(style['--brand']).toBe('#008080')
    expect(contrastRatio(style['--brand'] ?? '', style['--brand-text'] ?? '')).toBeGreaterThan(4.5)
    expect(contrastRatio(style['--accent'] ?? '', style['--accent-text'] ?? '')).toBeGreaterThan(
      4.5,
    )
  })
})
