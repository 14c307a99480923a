/**
 * Keyboard shortcuts the kiosk swallows in `before-input-event`, for the kiosk window and the
 * CashNet view alike. Electron's kiosk mode alone does not stop them (and OS-level combinations such
 * as Win+L or Ctrl+Alt+Del need Assigned Access / Shell Launcher: see docs/deployment-windows.md).
 *
 * Matching uses `input.key`, not the physical key code, so AltGr characters (Ctrl+Alt on Windows,
 * e.g. AltGr+Q = "@" on a German keyboard) still type. A rule's modifiers must all be held; extra
 * modifiers still match (Ctrl+Shift+R is a reload too). "Mod" is Ctrl, or Cmd on macOS.
 */

type ShortcutGroup =
  | 'reload'
  | 'devtools'
  | 'close'
  | 'quit'
  | 'zoom'
  | 'print'
  | 'file'
  | 'window'
  | 'history'
  | 'find'
  | 'browser'

export interface ShortcutRule {
  combo: string
  group: ShortcutGroup
}

export const blockedShortcuts: readonly ShortcutRule[] = [
  { combo: 'F5', group: 'reload' },
  { combo: 'Mod+R', group: 'reload' },
  { combo: 'BrowserRefresh', group: 'reload' },
  { combo: 'F12', group: 'devtools' },
  { combo: 'Mod+Shift+I', group: 'devtools' },
  { combo: 'Mod+Shift+J', group: 'devtools' },
  { combo: 'Mod+Shift+C', group: 'devtools' },
  { combo: 'Mod+Alt+I', group: 'devtools' },
  { combo: 'Mod+U', group: 'devtools' },
  { combo: 'Mod+W', group: 'close' },
  { combo: 'Mod+F4', group: 'close' },
  { combo: 'Alt+F4', group: 'close' },
  { combo: 'Mod+Q', group: 'quit' },
  { combo: 'Mod+=', group: 'zoom' },
  { combo: 'Mod++', group: 'zoom' },
  { combo: 'Mod+-', group: 'zoom' },
  { combo: 'Mod+_', group: 'zoom' },
  { combo: 'Mod+0', group: 'zoom' },
  { combo: 'ZoomIn', group: 'zoom' },
  { combo: 'ZoomOut', group: 'zoom' },
  { combo: 'Mod+P', group: 'print' },
  { combo: 'Print', group: 'print' },
  { combo: 'Mod+S', group: 'file' },
  { combo: 'Mod+O', group: 'file' },
  { combo: 'Mod+N', group: 'window' },
  { combo: 'Mod+T', group: 'window' },
  { combo: 'Mod+Tab', group: 'window' },
  { combo: 'F11', group: 'window' },
  { combo: 'Alt+ArrowLeft', group: 'history' },
  { combo: 'Alt+ArrowRight', group: 'history' },
  { combo: 'Alt+Home', group: 'history' },
  { combo: 'Mod+[', group: 'history' },
  { combo: 'Mod+]', group: 'history' },
  { combo: 'BrowserBack', group: 'history' },
  { combo: 'BrowserForward', group: 'history' },
  { combo: 'BrowserHome', group: 'history' },
  { combo: 'Mod+H', group: 'history' },
  { combo: 'Mod+Y', group: 'history' },
  { combo: 'Mod+F', group: 'find' },
  { combo: 'Mod+G', group: 'find' },
  { combo: 'F3', group: 'find' },
  { combo: 'Mod+J', group: 'browser' },
  { combo: 'Mod+L', group: 'browser' },
  { combo: 'Mod+D', group: 'browser' },
  { combo: 'Mod+Shift+Delete', group: 'browser' },
  { combo: 'F6', group: 'browser' },
  { combo: 'F7', group: 'browser' },
  { combo: 'BrowserSearch', group: 'browser' },
  { combo: 'BrowserFavorites', group: 'browser' },
]

/** Groups let through outside production, so developers keep devtools and reload. */
const developmentGroups: ReadonlySet<ShortcutGroup> = new Set(['devtools', 'reload'])

/** The fields of Electron's `Input` this needs. */
export interface KeyInput {
  key: string
  control: boolean
  alt: boolean
  shift: boolean
  meta: boolean
}

interface Matcher {
  rule: ShortcutRule
  key: string
  mod: boolean
  alt: boolean
  shift: boolean
}

function parseCombo(rule: ShortcutRule): Matcher {
  // The last "+" is the key when the combo ends in "++" (Mod++).
  const parts = rule.combo.endsWith('++')
    ? [...rule.combo.slice(0, -2).split('+'), '+']
    : rule.combo.split('+')
  const key = parts.pop() ?? ''
  return {
    rule,
    key: key.toLowerCase(),
    mod: parts.includes('Mod'),
    alt: parts.includes('Alt'),
    shift: parts.includes('Shift'),
  }
}

const matchers = blockedShortcuts.map(parseCombo)

/** The rule that blocks this key press, or null to let it through. */
export function blockedShortcut(
  input: KeyInput,
  options: { production: boolean },
): ShortcutRule | null {
  const key = input.key.toLowerCase()
  const mod = input.control || input.meta
  for (const matcher of matchers) {
    if (matcher.key !== key) continue
    if ((matcher.mod && !mod) || (matcher.alt && !input.alt) || (matcher.shift && !input.shift)) {
      continue
    }
    if (!options.production && developmentGroups.has(matcher.rule.group)) return null
    return matcher.rule
  }
  return null
}
