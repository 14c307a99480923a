import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en } from '../../../renderer/src/i18n/en.ts'
import { es } from '../../../renderer/src/i18n/es.ts'

const sourceRoot = join(import.meta.dirname, '../../../renderer/src')
// The patron pay pages share these strings.
const payRoot = join(import.meta.dirname, '../../../web/pay/src')
const i18nDir = join(sourceRoot, 'i18n')

function flatten(tree: object, prefix = ''): Map<string, string> {
  const keys = new Map<string, string>()
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${name}` : name
    if (typeof value === 'string') keys.set(key, value)
    else if (value && typeof value === 'object') {
      for (const [inner, text] of flatten(value as object, key)) keys.set(inner, text)
    }
  }
  return keys
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return path === i18nDir ? [] : sourceFiles(path)
    return /\.tsx?$/u.test(entry.name) ? [path] : []
  })
}

// Every kiosk language (common/api.ts); the app loads all but English on demand (i18n.ts).
const resources = { en: { translation: en }, es: { translation: es } } as const
const languages = Object.keys(resources) as (keyof typeof resources)[]
const english = flatten(resources.en.translation)
const sources = [...sourceFiles(sourceRoot), ...sourceFiles(payRoot)].map((path) => ({
  path: relative(sourceRoot, path),
  text: readFileSync(path, 'utf8'),
}))
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/gu)].map((m) => m[1]).sort()

describe('renderer/i18n', () => {
  it('has every English key in every language, and no extra ones', () => {
    for (const language of languages) {
      const keys = flatten(resources[language].translation)
      expect([...keys.keys()].sort(), language).toEqual([...english.keys()].sort())
    }
  })

  it('has no empty translation and the same placeholders in every language', () => {
    for (const language of languages) {
      for (const [key, text] of flatten(resources[language].translation)) {
        expect(text.trim(), `${language}:${key}`).not.toBe('')
        expect(placeholders(text), `${language}:${key}`).toEqual(
          placeholders(english.get(key) ?? ''),
        )
      }
    }
  })

  it('uses every key somewhere in the renderer', () => {
    const unused = [...english.keys()].filter(
      (key) => !sources.some(({ text }) => text.includes(`'${key}'`)),
    )
    expect(unused).toEqual([])
  })

  it('only uses keys that exist', () => {
    const missing = sources.flatMap(({ path, text }) =>
      [...text.matchAll(/\bt\(\s*'([^']+)'/gu)]
        .map((match) => match[1] ?? '')
        .filter((key) => !english.has(key))
        .map((key) => `${path}: ${key}`),
    )
    expect(missing).toEqual([])
  })
})
