import { describe, expect, it } from 'vitest'
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
  runtimeImports,
} from '../../../scripts/package-check/inspect.ts'

const goodListing = [
  '/out',
  '/out/main',
  '/out/main/index.js',
  '/out/main/bundled-packages.json',
  '/out/preload',
  '/out/preload/index.cjs',
  '/out/preload/bundled-packages.json',
  '/out/renderer',
  '/out/renderer/index.html',
  '/out/renderer/assets',
  '/out/renderer/assets/index-abc.js',
  '/package.json',
]

describe('scripts/package-check/inspect', () => {
  it('accepts the three bundles and package.json', () => {
    expect(checkAsarFileList(goodListing)).toEqual([])
    expect(leafFiles(goodListing)).not.toContain('/out/main')
  })

  it('names missing bundles and everything that must not ship', () => {
    expect(
      checkAsarFileList([
        '/package.json',
        '/out/main/index.js',
        '/out/main/index.js.map',
        '/out/renderer/index.html',
        '/.env',
        '/test/main/kiosk.test.ts',
        '/build/kiosk.key',
        '/server/index.ts',
        '/README.md',
        '/node_modules/fastify/package.json',
        '/node_modules/@fastify/static/index.js',
      ]),
    ).toEqual([
      'app.asar is missing /out/main/bundled-packages.json',
      'app.asar is missing /out/preload/index.cjs',
      'app.asar is missing /out/preload/bundled-packages.json',
      'app.asar holds a source map: /out/main/index.js.map',
      'app.asar holds an .env file: /.env',
      'app.asar holds a test file: /test/main/kiosk.test.ts',
      'app.asar holds a key or certificate file: /build/kiosk.key',
      'app.asar holds TypeScript source: /server/index.ts',
      'app.asar holds a file outside the built bundles: /README.md',
      'app.asar holds node_modules (2 packages: @fastify/static, fastify)',
    ])
  })

  it('finds runtime loads by parsing, ignoring comments and generated code strings', () => {
    const code = [
      'import fs from "node:fs";',
      'import { app } from "electron";',
      'export { x } from "./chunk-a.js";',
      '/** @param {import("../types/index").Options} o */',
      'const template = _`require("ajv/dist/runtime/equal").default`;',
      'const os = __require("os");',
      'const late = await import("./chunk-b.js");',
      'const name = "require(\\"fastify\\")";',
    ].join('\n')
    expect(runtimeImports(code)).toEqual([
      './chunk-a.js',
      './chunk-b.js',
      'electron',
      'node:fs',
      'os',
    ])
  })

  it('lets main load electron, built-ins and its own chunks; the preload only electron', () => {
    const exists = (relative: string) => relative === './chunk-a.js'
    expect(
      checkBundleImports(
        'out/main/index.js',
        'import "electron"; import "node:fs"; import "./chunk-a.js"; import "./gone.js"; import "zod";',
        { allowNodeBuiltins: true, exists },
      ),
    ).toEqual([
      'out/main/index.js loads ./gone.js, which is not in app.asar',
      'out/main/index.js imports "zod" at run time, but app.asar ships no node_modules',
    ])
    expect(
      checkBundleImports(
        'out/preload/index.cjs',
        'require("electron"); require("fs");\n//# sourceMappingURL=index.cjs.map',
        {
          allowNodeBuiltins: false,
          exists,
        },
      ),
    ).toEqual([
      'out/preload/index.cjs requires the Node built-in "fs" (a sandboxed preload may only require electron)',
      'out/preload/index.cjs points to a source map',
    ])
  })

  it('lists the packages kiosk source imports, not types, built-ins or relative files', () => {
    const source = [
      "import ElectronStore from 'electron-store'",
      "import electronLog from 'electron-log/node'",
      "import { z } from 'zod'",
      "import type { Fastify } from 'fastify'",
      "import { app } from 'electron'",
      "import { join } from 'node:path'",
      "import { x } from './x.ts'",
      "import { y } from '@scope/pkg/sub'",
    ].join('\n')
    expect(packageImportsInSource(source)).toEqual([
      '@scope/pkg',
      'electron-log',
      'electron-store',
      'zod',
    ])
  })

  it('checks dependencies from both sides', () => {
    const base = {
      dependencies: ['electron-store', 'zod', 'fastify', 'pino'],
      devDependencies: ['react', 'vitest'],
      kioskImports: ['electron-store', 'zod'],
    }
    expect(
      checkDependencies({ ...base, bundled: ['electron-store', 'zod', 'conf', 'ajv'] }),
    ).toEqual([])
    expect(
      checkDependencies({
        ...base,
        kioskImports: ['electron-store', 'zod', 'react'],
        bundled: ['electron-store', 'fastify', 'react', 'vitest'],
      }),
    ).toEqual([
      'the kiosk needs "zod" but no bundle contains it',
      'main/ or preload/ imports "react", which is only a devDependency',
      'service-only dependency "fastify" is bundled into the kiosk',
      'dev dependency "vitest" is bundled into the kiosk',
    ])
  })

  it('requires every hardened fuse', () => {
    const wire = (states: string) =>
      Object.fromEntries(Array.from(states, (state, index) => [String(index), state.charCodeAt(0)]))
    expect(checkFuses({ version: '1', ...wire('010011001') })).toEqual([])
    expect(checkFuses({ version: '1', ...wire('101100011') })).toEqual([
      'fuse RunAsNode is on, expected off',
      'fuse EnableCookieEncryption is off, expected on',
      'fuse EnableNodeOptionsEnvironmentVariable is on, expected off',
      'fuse EnableNodeCliInspectArguments is on, expected off',
      'fuse EnableEmbeddedAsarIntegrityValidation is off, expected on',
      'fuse OnlyLoadAppFromAsar is off, expected on',
      'fuse GrantFileProtocolExtraPrivileges is on, expected off',
    ])
    expect(checkFuses({ version: '1' })).toHaveLength(7)
  })

  it('finds secrets by shape and local .env values', () => {
    const env =
      'ALMA_API_KEY=l8xx-real-alma-key-value\n# comment\nPORT=4700\nSECRET="quoted-secret-value"\n'
    expect(envFileValues(env)).toEqual(['l8xx-real-alma-key-value', '4700', 'quoted-secret-value'])
    expect(findSecrets('const k = "l8xx-real-alma-key-value"', envFileValues(env))).toEqual([
      'a value from the local .env file',
    ])
    expect(findSecrets('-----BEGIN RSA PRIVATE KEY-----', [])).toEqual(['a private key block'])
    expect(findSecrets('KIOSK_KEYS=lib-1:abcdefghijkl', [])).toEqual([
      'an assignment to KIOSK_KEYS',
    ])
    expect(findSecrets('port 4700', ['4700'])).toEqual([])
  })

  it('reads the assets index.html loads', () => {
    expect(
      referencedAssets(
        '<script type="module" src="./assets/index-a.js"></script><link href="./assets/index-b.css" rel="stylesheet"><a href="https://x.example/">x</a><link href="#top">',
      ),
    ).toEqual(['assets/index-a.js', 'assets/index-b.css'])
  })
})
