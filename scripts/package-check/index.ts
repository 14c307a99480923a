/**
 * `npm run package:check`: builds the kiosk, packages it with electron-builder as an unpacked Linux
 * app (`--dir`) against a stub Electron distribution (nothing is downloaded), then inspects the
 * result: what app.asar holds, the bundles' imports and dependencies, the fuses, the extra
 * resources, and finally starts the packaged main bundle under Node with the shared Electron fake.
 *
 * Output goes to release/package-check-<pid>/ (ignored by git) and is removed afterwards.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseMachineConfig } from '../../main/config/machineConfig.ts'
import {
  checkAsarFileList,
  checkBundleImports,
  checkDependencies,
  checkFuses,
  envFileValues,
  findSecrets,
  leafFiles,
  packageImportsInSource,
  referencedAssets,
} from './inspect.ts'
import { createStubElectronDist } from './stubElectronDist.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(import.meta.url)

interface Asar {
  listPackage(archive: string, options: { isPack: boolean }): string[]
  extractFile(archive: string, filename: string): Buffer
  extractAll(archive: string, dest: string): void
}
interface Fuses {
  getCurrentFuseWire(path: string): Promise<Record<string, unknown>>
}
interface ElectronBuilder {
  build(options: Record<string, unknown>): Promise<string[]>
  Platform: { LINUX: { createTarget(type: string, arch: unknown): unknown } }
  Arch: Record<string, unknown>
}

const asar = require('@electron/asar') as Asar
const fuses = require('@electron/fuses') as Fuses
const builder = require('electron-builder') as ElectronBuilder

const problems: string[] = []
const notes: string[] = []
function check(section: string, found: readonly string[]): void {
  for (const problem of found) problems.push(`${section}: ${problem}`)
  if (found.length === 0) notes.push(`ok  ${section}`)
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => join(root, dir, file))
}

const started = Date.now()
const work = join(root, 'release', `package-check-${String(process.pid)}`)
const extracted = join(tmpdir(), `kiosk-package-check-${String(process.pid)}`)

try {
  // 1. Build main, preload and renderer.
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
  const build = spawnSync(npx, ['electron-vite', 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (build.status !== 0) throw new Error('electron-vite build failed')

  // 2. Package against a stub Electron.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    main?: string
    type?: string
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
  }
  const electronVersion = (
    JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string
    }
  ).version
  mkdirSync(work, { recursive: true })
  const stub = createStubElectronDist(join(work, 'electron-dist'), electronVersion)
  const arch = process.arch === 'arm64' ? builder.Arch.arm64 : builder.Arch.x64
  await builder.build({
    projectDir: root,
    targets: builder.Platform.LINUX.createTarget('dir', arch),
    publish: 'never',
    config: { electronDist: stub, directories: { output: join(work, 'out') } },
  })
  const appDir = join(
    work,
    'out',
    readdirSync(join(work, 'out')).find(
      (name) => name.startsWith('linux') && name.endsWith('unpacked'),
    ) ?? 'linux-unpacked',
  )
  const resources = join(appDir, 'resources')
  const archive = join(resources, 'app.asar')

  // 3. What app.asar holds.
  const files = asar
    .listPackage(archive, { isPack: false })
    .map((file) => file.replaceAll('\\', '/'))
  const fileSet = new Set(files)
  const read = (file: string) => asar.extractFile(archive, file.replace(/^\//, '')).toString('utf8')
  check('app.asar contents', checkAsarFileList(files))
  const indexHtml = fileSet.has('/out/renderer/index.html') ? read('/out/renderer/index.html') : ''
  check(
    'renderer assets',
    referencedAssets(indexHtml)
      .filter((asset) => !fileSet.has(`/out/renderer/${asset}`))
      .map((asset) => `index.html loads ${asset}, which is not in app.asar`),
  )
  const packagedJson = JSON.parse(read('/package.json')) as { main?: string; type?: string }
  check(
    'package.json',
    [
      packagedJson.main === 'out/main/index.js' ? null : `main is "${String(packagedJson.main)}"`,
      packagedJson.type === 'module' ? null : 'type is not "module" (main is an ES module)',
    ].filter((problem) => problem !== null),
  )

  // 4. The bundles load nothing from outside the asar; the right packages are inside them.
  const existsNextTo = (dir: string) => (specifier: string) =>
    fileSet.has(`/${join(dir, specifier).replaceAll('\\', '/')}`)
  check(
    'main bundle imports',
    checkBundleImports('out/main/index.js', read('/out/main/index.js'), {
      allowNodeBuiltins: true,
      exists: existsNextTo('out/main'),
    }),
  )
  check(
    'preload bundle imports',
    checkBundleImports('out/preload/index.cjs', read('/out/preload/index.cjs'), {
      allowNodeBuiltins: false,
      exists: existsNextTo('out/preload'),
    }),
  )
  const bundled = ['/out/main/bundled-packages.json', '/out/preload/bundled-packages.json']
    .filter((file) => fileSet.has(file))
    .flatMap((file) => (JSON.parse(read(file)) as { packages: { name: string }[] }).packages)
    .map((entry) => entry.name)
  const kioskImports = [
    ...new Set(
      [...sourceFiles('main'), ...sourceFiles('preload'), ...sourceFiles('common')].flatMap(
        (file) => packageImportsInSource(readFileSync(file, 'utf8')),
      ),
    ),
  ].sort()
  check(
    'dependencies',
    checkDependencies({
      dependencies: Object.keys(pkg.dependencies ?? {}),
      devDependencies: Object.keys(pkg.devDependencies ?? {}),
      kioskImports,
      bundled,
    }),
  )
  notes.push(
    `    kiosk runtime packages: ${kioskImports.join(', ')} (bundled with ${String(bundled.length - kioskImports.length)} of their own dependencies)`,
  )

  // 5. No secrets anywhere in the asar.
  const envFile = join(root, '.env')
  const localSecrets = existsSync(envFile) ? envFileValues(readFileSync(envFile, 'utf8')) : []
  const textFiles = leafFiles(files).filter((file) =>
    /\.(js|cjs|mjs|json|html|css|txt|svg)$/.test(file),
  )
  check(
    'secrets',
    textFiles.flatMap((file) =>
      findSecrets(read(file), localSecrets).map((what) => `${file} holds ${what}`),
    ),
  )

  // 6. Fuses, resources, locales.
  const executable = join(appDir, 'library-payments-kiosk')
  check('fuses', checkFuses(await fuses.getCurrentFuseWire(executable)))
  const example = join(resources, 'kiosk.example.json')
  const exampleProblems = existsSync(example)
    ? (() => {
        const parsed = parseMachineConfig(JSON.parse(readFileSync(example, 'utf8')))
        const expected = [
          'kioskKey: is still the placeholder from kiosk.example.json: paste this kiosk’s key',
        ]
        return parsed.ok || JSON.stringify(parsed.problems) !== JSON.stringify(expected)
          ? [
              `resources/kiosk.example.json does not match the machine config schema: ${parsed.ok ? 'its placeholder key is accepted' : parsed.problems.join('; ')}`,
            ]
          : []
      })()
    : ['resources/kiosk.example.json is missing']
  check('extra resources', exampleProblems)
  const unexpectedResources = readdirSync(resources).filter(
    (name) => !['app.asar', 'kiosk.example.json'].includes(name),
  )
  check(
    'resources folder',
    unexpectedResources.map(
      (name) => `resources/${name} should not be there (only app.asar is loaded)`,
    ),
  )
  const locales = readdirSync(join(appDir, 'locales')).sort()
  check(
    'locales',
    JSON.stringify(locales) === JSON.stringify(['es-419.pak', 'es.pak', 'en-US.pak'].sort())
      ? []
      : [`locales are ${locales.join(', ')}; expected en-US, es and es-419 only`],
  )

  // 7. The packaged main bundle starts (under Node, Electron faked) and, packaged and
  //    unconfigured, shows "not configured" even when asked for demo mode.
  asar.extractAll(archive, extracted)
  const run = spawnSync(
    process.execPath,
    [join(root, 'scripts/package-check/runPackagedMain.ts'), extracted],
    { cwd: extracted, encoding: 'utf8', timeout: 60_000 },
  )
  const lastLine = run.stdout.trim().split('\n').at(-1) ?? ''
  let started_: {
    windowUrl?: string
    pageHtml?: string
    rendererStatus?: number
    apiStatus?: number
    bridgeHandlers?: string[]
  } = {}
  try {
    started_ = JSON.parse(lastLine) as typeof started_
  } catch {
    problems.push(
      `packaged main: did not start (exit ${String(run.status)}): ${run.stderr.slice(0, 2000)}`,
    )
  }
  if (lastLine) {
    check(
      'packaged main starts unconfigured',
      [
        started_.windowUrl === 'app://kiosk/_status/not-configured'
          ? null
          : `window shows ${String(started_.windowUrl)} instead of the not-configured page`,
        started_.pageHtml?.includes('No machine configuration file at') === true
          ? null
          : 'the not-configured page does not name the missing file',
        started_.rendererStatus === 200
          ? null
          : `renderer answered ${String(started_.rendererStatus)}`,
        started_.apiStatus === 503
          ? null
          : `the API proxy answered ${String(started_.apiStatus)} instead of 503`,
        started_.bridgeHandlers?.length === 0
          ? null
          : 'bridge handlers were registered (demo mode?)',
      ].filter((problem) => problem !== null),
    )
  }
  notes.push(`    package: ${relative(root, appDir)} (${String(files.length)} asar entries)`)
} catch (error) {
  problems.push(
    `package check could not finish: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  )
} finally {
  rmSync(work, { recursive: true, force: true })
  rmSync(extracted, { recursive: true, force: true })
  // Leave no trace: remove release/ too when the check was all that was in it.
  const release = join(root, 'release')
  if (existsSync(release) && readdirSync(release).length === 0) rmSync(release, { recursive: true })
}

console.log(`\nPackage check (${((Date.now() - started) / 1000).toFixed(1)} s)`)
for (const note of notes) console.log(note)
if (problems.length > 0) {
  console.error(`\n${String(problems.length)} problem(s):`)
  for (const problem of problems) console.error(`  ✗ ${problem}`)
  process.exit(1)
}
console.log('All package checks passed.')
