/**
 * The one HTML escape the service's emails and pages, the sandboxes and the kiosk's own pages use:
 * text from a patron, Alma, CashNet or a configuration file goes into HTML as text, never markup.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../../common/html.ts'

/** What a browser makes of escaped text: the five entities back to their characters. */
function decode(html: string): string {
  const entities: Record<string, string> = {
    '&lt;': '<',
    '&gt;': '>',
    '&quot;': '"',
    '&#39;': "'",
    '&amp;': '&',
  }
  return html.replace(/&(?:lt|gt|quot|#39|amp);/gu, (entity) => entities[entity] ?? entity)
}

describe('common/html escapeHtml', () => {
  it('escapes markup, both quotes and the ampersand', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe(
      '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;',
    )
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('escapes an entity already in the text, so it shows as typed', () => {
    expect(escapeHtml('&lt;b&gt; &amp; &#39;')).toBe('&amp;lt;b&amp;gt; &amp;amp; &amp;#39;')
  })

  it('leaves everything else as it is', () => {
    expect(escapeHtml('')).toBe('')
    expect(escapeHtml('María José Ñúñez — $12.50 / 100% `ok` =\n\t')).toBe(
      'María José Ñúñez — $12.50 / 100% `ok` =\n\t',
    )
  })

  it('never lets a markup character through and always decodes back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const html = escapeHtml(text)
        expect(html).not.toMatch(/[<>"']/u)
        // Every ampersand left starts one of the five entities.
        expect(html.replaceAll(/&(?:lt|gt|quot|#39|amp);/gu, '')).not.toContain('&')
        expect(decode(html)).toBe(text)
      }),
      { numRuns: 500 },
    )
  })
})
