/**
 * What a correct kiosk package looks like, as plain functions over file lists and file contents.
 * Each returns problems as sentences; an empty list means the package is fine.
 */
import { builtinModules } from 'node:module'
import { parseSync } from 'vite'

/** Files that may be in app.asar: the three bundles and package.json, nothing else. */
const allowedRoots = ['/out/main/', '/out/preload/', '/out/renderer/']

const forbidden: [RegExp, string][] = [
  [/\/node_modules\//, 'a node_modules folder'],
  [/\.map$/, 'a source map'],
  [/(^|\/)\.env(\.|$)/, 'an .env file'],
  [/\.(pem|key|p12|pfx|crt|cer|jks|keystore)$/i, 'a key or certificate file'],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, 'a test file'],
  [/(^|\/)(test|tests|__tests__|e2e)\//, 'a test folder'],
  [/\.(ts|tsx|mts|cts)$/, 'TypeScript source'],
  [/(^|\/)(server|scripts|common|src)\//, 'source or service code'],
  [
    /(^|\/)(kiosk\.json|kiosk\.example\.json|electron-builder\.ya?ml|\.git.*)$/,
    'a config or repository file',
  ],
]

/** The entries of an asar listing that are files, not folders. */
export function leafFiles(entries: readonly string[]): string[] {
  const folders = new Set(
    entries.flatMap((entry) => {
      const parts = entry.split('/')
      return parts.slice(1, -1).map((_part, index) => parts.slice(0, index + 2).join('/'))
    }),
  )
  return entries.filter((entry) => !folders.has(entry))
}

/** The package a node_modules path belongs to ("/node_modules/@a/b/x.js" → "@a/b"). */
function nodeModulesPackage(file: string): string | null {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)
  return match?.[1] ?? null
}

/**
 * `files` are asar paths as @electron/asar lists them ("/out/main/index.js"), folders included.
 * One problem per offending file (node_modules grouped by package), so a broken config reads clearly.
 */
export function checkAsarFileList(files: readonly string[]): string[] {
  const problems: string[] = []
  const set = new Set(files)
  for (const required of [
    '/package.json',
    '/out/main/index.js',
    '/out/main/bundled-packages.json',
    '/out/preload/index.cjs',
    '/out/preload/bundled-packages.json',
    '/out/renderer/index.html',
  ]) {
    if (!set.has(required)) problems.push(`app.asar is missing ${required}`)
  }
  const folders = new Set(
    files.flatMap((file) => {
      const parts = file.split('/')
      return parts.slice(1, -1).map((_part, index) => parts.slice(0, index + 2).join('/'))
    }),
  )
  const packages = new Set<string>()
  for (const file of files) {
    if (folders.has(file)) continue
    const pkg = nodeModulesPackage(file)
    if (pkg) {
      packages.add(pkg)
      continue
    }
    const reason =
      forbidden.find(([pattern]) => pattern.test(file))?.[1] ??
      (file === '/package.json' || allowedRoots.some((root) => file.startsWith(root))
        ? null
        : 'a file outside the built bundles')
    if (reason) problems.push(`app.asar holds ${reason}: ${file}`)
  }
  if (packages.size > 0) {
    const names = [...packages].sort()
    problems.push(
      `app.asar holds node_modules (${String(names.length)} packages: ${names.slice(0, 15).join(', ')}${names.length > 15 ? ', …' : ''})`,
    )
  }
  return problems
}

/** Relative assets (./assets/x.js, assets/x.css) that index.html loads. */
export function referencedAssets(indexHtml: string): string[] {
  const found: string[] = []
  for (const match of indexHtml.matchAll(/\b(?:src|href)="([^"]+)"/g)) {
    const ref = match[1] ?? ''
    if (/^(?:[a-z]+:|\/\/|#)/i.test(ref)) continue
    found.push(ref.replace(/^\.\//, '').replace(/^\//, ''))
  }
  return found
}

/**
 * Module specifiers a built bundle loads at run time: ESM imports and re-exports, dynamic imports
 * and require() calls with a literal argument. Parsed, not grepped, so JSDoc `import('x')` types and
 * code-generation templates (ajv's `require("ajv/dist/runtime/…")` strings) are not mistaken for loads.
 */
export function runtimeImports(code: string, filename = 'bundle.js'): string[] {
  const parsed = parseSync(filename, code)
  const firstError = parsed.errors[0]
  if (firstError) throw new Error(`${filename} does not parse: ${firstError.message}`)
  const specifiers = new Set<string>()
  const stack: unknown[] = [parsed.program]
  const literal = (node: unknown): string | null => {
    const value = (node as { type?: string; value?: unknown } | null)?.value
    return (node as { type?: string } | null)?.type === 'Literal' && typeof value === 'string'
      ? value
      : null
  }
  // Iterative walk over the ESTree: bundles are large, recursion depth is not worth the risk.
  for (let steps = 0; stack.length > 0 && steps < 50_000_000; steps += 1) {
    const node = stack.pop()
    if (!node || typeof node !== 'object') continue
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]))
      continue
    }
    const typed = node as Record<string, unknown> & { type?: string }
    let found: string | null = null
    if (
      typed.type === 'ImportDeclaration' ||
      typed.type === 'ExportAllDeclaration' ||
      typed.type === 'ExportNamedDeclaration' ||
      typed.type === 'ImportExpression'
    ) {
      found = literal(typed.source)
    } else if (typed.type === 'CallExpression') {
      const callee = typed.callee as { type?: string; name?: string } | undefined
      const args = typed.arguments as unknown[] | undefined
      if (
        callee?.type === 'Identifier' &&
        (callee.name === 'require' || callee.name === '__require')
      ) {
        found = literal(args?.[0])
      }
    }
    if (found !== null) specifiers.add(found)
    for (const [key, value] of Object.entries(typed)) {
      if (key !== 'type' && value && typeof value === 'object') stack.push(value)
    }
  }
  return [...specifiers].sort()
}

const builtins = new Set(builtinModules)

/** Every import must be electron, a Node built-in, or a relative file that exists in the asar. */
export function checkBundleImports(
  bundle: string,
  code: string,
  options: { allowNodeBuiltins: boolean; exists: (relative: string) => boolean },
): string[] {
  const problems: string[] = []
  for (const specifier of runtimeImports(code, bundle)) {
    if (specifier === 'electron') continue
    if (specifier.startsWith('.')) {
      if (!options.exists(specifier))
        problems.push(`${bundle} loads ${specifier}, which is not in app.asar`)
      continue
    }
    const isBuiltin = specifier.startsWith('node:') || builtins.has(specifier)
    if (isBuiltin && options.allowNodeBuiltins) continue
    problems.push(
      isBuiltin
        ? `${bundle} requires the Node built-in "${specifier}" (a sandboxed preload may only require electron)`
        : `${bundle} imports "${specifier}" at run time, but app.asar ships no node_modules`,
    )
  }
  if (/[#@]\s*sourceMappingURL=/.test(code)) problems.push(`${bundle} points to a source map`)
  return problems
}

/** The packages a kiosk source file imports (bare specifiers other than electron and built-ins). */
export function packageImportsInSource(source: string): string[] {
  const names = new Set<string>()
  for (const match of source.matchAll(
    /^\s*import\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"'.][^"']*)["']/gm,
  )) {
    if (/^\s*import\s+type\b/.test(match[0])) continue
    const specifier = match[1] ?? ''
    if (specifier === 'electron' || specifier.startsWith('node:') || builtins.has(specifier))
      continue
    const parts = specifier.split('/')
    names.add(specifier.startsWith('@') ? `${parts[0] ?? ''}/${parts[1] ?? ''}` : (parts[0] ?? ''))
  }
  return [...names].sort()
}

export interface DependencyInput {
  dependencies: readonly string[]
  devDependencies: readonly string[]
  /** Packages that main/ and preload/ import. */
  kioskImports: readonly string[]
  /** Packages the main and preload bundles contain (bundled-packages.json). */
  bundled: readonly string[]
}

/**
 * Both sides: every package the kiosk imports is a production dependency and inside a bundle; no
 * service-only dependency (in package.json for the companion service) and no dev dependency is.
 */
export function checkDependencies(input: DependencyInput): string[] {
  const problems: string[] = []
  const bundled = new Set(input.bundled)
  for (const name of input.kioskImports) {
    if (input.devDependencies.includes(name)) {
      problems.push(`main/ or preload/ imports "${name}", which is only a devDependency`)
    } else if (!input.dependencies.includes(name)) {
      problems.push(`main/ or preload/ imports "${name}", which is not in dependencies`)
    }
    if (!bundled.has(name)) problems.push(`the kiosk needs "${name}" but no bundle contains it`)
  }
  for (const name of input.dependencies) {
    if (!input.kioskImports.includes(name) && bundled.has(name)) {
      problems.push(`service-only dependency "${name}" is bundled into the kiosk`)
    }
  }
  for (const name of input.devDependencies) {
    if (bundled.has(name) && !input.kioskImports.includes(name)) {
      problems.push(`dev dependency "${name}" is bundled into the kiosk`)
    }
  }
  return problems
}

/** Fuse wire characters: '0' off, '1' on (@electron/fuses FuseState). */
const hardenedFuses: readonly { index: number; name: string; state: '0' | '1' }[] = [
  { index: 0, name: 'RunAsNode', state: '0' },
  { index: 1, name: 'EnableCookieEncryption', state: '1' },
  { index: 2, name: 'EnableNodeOptionsEnvironmentVariable', state: '0' },
  { index: 3, name: 'EnableNodeCliInspectArguments', state: '0' },
  { index: 4, name: 'EnableEmbeddedAsarIntegrityValidation', state: '1' },
  { index: 5, name: 'OnlyLoadAppFromAsar', state: '1' },
  { index: 7, name: 'GrantFileProtocolExtraPrivileges', state: '0' },
]

/** `wire` maps fuse index to its byte, as @electron/fuses' getCurrentFuseWire returns it. */
export function checkFuses(wire: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = []
  for (const fuse of hardenedFuses) {
    const value = wire[String(fuse.index)]
    const state = typeof value === 'number' ? String.fromCharCode(value) : 'missing'
    if (state !== fuse.state) {
      problems.push(
        `fuse ${fuse.name} is ${state === '1' ? 'on' : state === '0' ? 'off' : state}, expected ${fuse.state === '1' ? 'on' : 'off'}`,
      )
    }
  }
  return problems
}

/** Secrets that must never be inside the package, by shape, plus any values from a local .env. */
export function findSecrets(text: string, knownSecrets: readonly string[]): string[] {
  const found: string[] = []
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push('a private key block')
  for (const name of [
    'ALMA_API_KEY',
    'CASHNET_POSTBACK_SECRET',
    'KIOSK_KEYS',
    'CSC_KEY_PASSWORD',
  ]) {
    if (new RegExp(`${name}\\s*=\\s*\\S{8,}`).test(text)) found.push(`an assignment to ${name}`)
  }
  for (const secret of knownSecrets) {
    if (secret.length >= 12 && text.includes(secret)) found.push('a value from the local .env file')
  }
  return found
}

/** Values in a .env file (KEY=value lines), for findSecrets. */
export function envFileValues(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(
      (line) =>
        /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*(.*)$/.exec(line)?.[1]?.trim() ?? '',
    )
    .map((value) => value.replace(/^(['"])(.*)\1$/, '$2'))
    .filter((value) => value.length > 0)
}
