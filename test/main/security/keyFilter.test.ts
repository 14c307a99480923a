import { describe, expect, it } from 'vitest'
import {
  blockedShortcut,
  blockedShortcuts,
  type KeyInput,
} from '../../../main/security/keyFilter.ts'

function press(combo: string): KeyInput {
  const parts = combo.endsWith('++') ? [...combo.slice(0, -2).split('+'), '+'] : combo.split('+')
  const key = parts.pop() ?? ''
  return {
    key,
    control: parts.includes('Ctrl'),
    alt: parts.includes('Alt'),
    shift: parts.includes('Shift'),
    meta: parts.includes('Cmd'),
  }
}

const production = { production: true }

describe('main/security/keyFilter', () => {
  it.each([
    ['F5', 'reload'],
    ['Ctrl+r', 'reload'],
    ['Ctrl+Shift+R', 'reload'],
    ['Shift+F5', 'reload'],
    ['Ctrl+F5', 'reload'],
    ['F12', 'devtools'],
    ['Ctrl+Shift+I', 'devtools'],
    ['Ctrl+Shift+J', 'devtools'],
    ['Cmd+Alt+i', 'devtools'],
    ['Ctrl+u', 'devtools'],
    ['Ctrl+w', 'close'],
    ['Ctrl+F4', 'close'],
    ['Alt+F4', 'close'],
    ['Ctrl+q', 'quit'],
    ['Cmd+q', 'quit'],
    ['Ctrl+=', 'zoom'],
    ['Ctrl+Shift++', 'zoom'],
    ['Ctrl+-', 'zoom'],
    ['Ctrl+0', 'zoom'],
    ['Ctrl+p', 'print'],
    ['Ctrl+s', 'file'],
    ['Ctrl+o', 'file'],
    ['Ctrl+n', 'window'],
    ['Ctrl+t', 'window'],
    ['F11', 'window'],
    ['Alt+ArrowLeft', 'history'],
    ['BrowserBack', 'history'],
    ['Ctrl+h', 'history'],
    ['Ctrl+f', 'find'],
    ['F3', 'find'],
    ['Ctrl+j', 'browser'],
    ['Ctrl+Shift+Delete', 'browser'],
  ])('blocks %s (%s) in production', (combo, group) => {
    expect(blockedShortcut(press(combo), production)?.group).toBe(group)
  })

  it.each([
    ['1'],
    ['9'],
    [';'],
    ['='],
    ['?'],
    ['Shift+%'],
    ['Shift+?'],
    ['Enter'],
    ['Tab'],
    ['Shift+Tab'],
    ['Escape'],
    ['Backspace'],
    ['ArrowLeft'],
    ['a'],
    ['Shift+A'],
    ['Ctrl+Alt+@'],
    ['Ctrl+Alt+}'],
    ['Ctrl+a'],
    ['Ctrl+c'],
    ['Ctrl+v'],
  ])('lets %s through (card reader, typing, keyboard navigation)', (combo) => {
    expect(blockedShortcut(press(combo), production)).toBeNull()
  })

  it('keeps devtools and reload for developers, nothing else', () => {
    const development = { production: false }
    expect(blockedShortcut(press('F12'), development)).toBeNull()
    expect(blockedShortcut(press('Ctrl+Shift+I'), development)).toBeNull()
    expect(blockedShortcut(press('Ctrl+r'), development)).toBeNull()
    expect(blockedShortcut(press('Ctrl+w'), development)?.group).toBe('close')
    expect(blockedShortcut(press('Ctrl+p'), development)?.group).toBe('print')
  })

  it('has one rule per combination', () => {
    const combos = blockedShortcuts.map((rule) => rule.combo.toLowerCase())
    expect(new Set(combos).size).toBe(combos.length)
  })
})
