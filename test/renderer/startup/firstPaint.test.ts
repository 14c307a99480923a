import { afterEach, describe, expect, it } from 'vitest'
import { createSettingsCache } from '../../../renderer/src/state/settingsCache.ts'
import { settingsCacheKey } from '../../../renderer/src/state/settingsStorage.ts'
import { prerenderAttractScreen } from '../../../renderer/src/startup/prerender.tsx'
import { applyStoredLook, readStoredLook } from '../../../renderer/src/startup/storedLook.ts'
import { settingsFixture } from '../support/fixtures.ts'

afterEach(() => {
  document.body.innerHTML = ''
  window.localStorage.clear()
})

/** The page as index.html has it: the prerendered kiosk in #root. */
function prerenderedPage(): HTMLElement {
  document.body.innerHTML = `<div id="root">${prerenderAttractScreen()}</div>`
  const kiosk = document.querySelector<HTMLElement>('.kiosk')
  if (!kiosk) throw new Error('no .kiosk in the prerender')
  return kiosk
}

const storedLook = (overrides: Parameters<typeof settingsFixture>[0] = {}) => {
  createSettingsCache(window.localStorage).write(settingsFixture(overrides))
  return readStoredLook(window.localStorage)
}

describe('renderer/startup: the prerendered attract screen and its first paint', () => {
  it('is the app’s attract screen with the default look, and carries no inline style', () => {
    const html = prerenderAttractScreen()
    expect(html).toContain('data-screen="attract"')
    expect(html).toContain('Swipe or tap your campus ID')
    expect(html).toContain('<span class="brand-name">Library</span>')
    // The kiosk's CSP (style-src 'self') refuses inline styles: the colours come from the script.
    expect(html).not.toMatch(/style=/u)
    expect(html).not.toMatch(/<script/u)
  })

  it('draws it in the default colours when nothing is stored', () => {
    const kiosk = prerenderedPage()
    applyStoredLook(document, readStoredLook(window.localStorage))
    expect(kiosk.style.getPropertyValue('--brand')).toBe('#1f4e79')
    expect(kiosk.style.getPropertyValue('--brand-text')).toBe('#ffffff')
    expect(kiosk.querySelector('.brand-name')?.textContent).toBe('Library')
  })

  it('draws it in the look of the settings the app kept', () => {
    const look = storedLook({
      library: {
        name: 'Pollak Library',
        logoUrl: '/api/v1/logo',
        primaryColor: '#f2b705',
        accentColor: '#7a1f2b',
      },
      languages: ['en'],
    })
    const kiosk = prerenderedPage()
    applyStoredLook(document, look)
    expect(kiosk.querySelector('.brand-name')?.textContent).toBe('Pollak Library')
    expect(kiosk.querySelector('img.brand-logo')?.getAttribute('src')).toBe('/api/v1/logo')
    expect(kiosk.style.getPropertyValue('--brand')).toBe('#f2b705')
    expect(kiosk.style.getPropertyValue('--brand-text')).toBe('#000000')
    expect(kiosk.style.getPropertyValue('--accent')).toBe('#7a1f2b')
    // English only: no language to switch to.
    expect(kiosk.querySelectorAll('.language-toggle')).toHaveLength(0)
  })

  it('keeps the language toggles the settings offer', () => {
    const kiosk = prerenderedPage()
    applyStoredLook(document, storedLook())
    expect([...kiosk.querySelectorAll<HTMLElement>('.language-toggle')].map((b) => b.lang)).toEqual(
      ['es'],
    )
  })

  it('ignores a damaged or foreign copy', () => {
    for (const text of ['{"library":', '[]', JSON.stringify({ library: { name: 'Old' } })]) {
      window.localStorage.setItem(settingsCacheKey, text)
      expect(readStoredLook(window.localStorage)).toBeNull()
    }
    const bad = {
      ...settingsFixture(),
      library: { ...settingsFixture().library, primaryColor: 'red' },
    }
    window.localStorage.setItem(settingsCacheKey, JSON.stringify(bad))
    expect(readStoredLook(window.localStorage)).toBeNull()
    expect(readStoredLook(null)).toBeNull()
  })
})
