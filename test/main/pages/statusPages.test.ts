import { describe, expect, it } from 'vitest'
import { renderNotConfiguredPage, renderOutOfOrderPage } from '../../../main/pages/statusPages.ts'

describe('main/pages/statusPages', () => {
  it('lists every configuration problem for IT, escaped', () => {
    const page = renderNotConfiguredPage({
      problems: ['kioskId: is required', 'service.url: is not a URL: "<script>alert(1)</script>"'],
      configPath: 'C:\\ProgramData\\Alma CashNet Kiosk\\kiosk.json',
      version: '1.2.3',
    })
    expect(page.html).toContain('<li>kioskId: is required</li>')
    expect(page.html).toContain(
      '<li>service.url: is not a URL: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;</li>',
    )
    expect(page.html).not.toContain('<script>')
    expect(page.html).toContain('C:\\ProgramData\\Alma CashNet Kiosk\\kiosk.json')
    expect(page.html).toContain('Kiosk version 1.2.3')
    expect(page.csp).toContain("default-src 'none'")
  })

  it('tells patrons where to pay, in English and Spanish, while retrying', () => {
    const page = renderOutOfOrderPage({ detail: 'Service answered HTTP 503', retryInSeconds: 8 })
    expect(page.html).toContain('temporarily out of order')
    expect(page.html).toContain('lang="es"')
    expect(page.html).toContain('next try in about 8 s')
    expect(page.html).toContain('Service answered HTTP 503')
  })
})
