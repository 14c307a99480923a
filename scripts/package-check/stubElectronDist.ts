/**
 * A stand-in for an unpacked Electron distribution (what `node_modules/electron/dist` holds), made
 * at check time because the real binary cannot be downloaded here.
 *
 * The "binary" is a small shell script that only says what it is, with Electron's fuse sentinel and
 * a fuse wire embedded in a comment: @electron/fuses finds a fuse wire by that sentinel, so
 * electron-builder's `electronFuses` step flips the stub's fuses exactly as it would a real binary's,
 * and the check can read them back.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** @electron/fuses' sentinel (node_modules/@electron/fuses/dist/constants.js). */
const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const fuseWireVersion = 1

/**
 * Electron's default fuse states, in wire order: RunAsNode on, cookie encryption off,
 * NODE_OPTIONS on, --inspect on, embedded asar integrity off, only-asar off, browser V8 snapshot
 * off, file:// privileges on, WASM trap handlers on (the ninth fuse, newer than @electron/fuses 1.8).
 */
export const defaultFuseWire = '101100011'

/** Chromium locales the stub ships; electronLanguages should keep only en-US and es. */
export const stubLocales = ['en-US', 'es', 'es-419', 'fr', 'de', 'zh-CN']

function stubExecutable(wire = defaultFuseWire): Buffer {
  return Buffer.concat([
    Buffer.from(
      '#!/bin/sh\necho "Stub Electron for the packaging check: not runnable." >&2\nexit 1\n# ',
    ),
    Buffer.from(fuseSentinel, 'ascii'),
    Buffer.from([fuseWireVersion, wire.length]),
    Buffer.from(wire, 'ascii'),
    Buffer.from('\n'),
  ])
}

/** Writes a Linux-layout stub distribution into `dir` (which must be empty or absent). */
export function createStubElectronDist(dir: string, electronVersion: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true })
  mkdirSync(join(dir, 'locales'), { recursive: true })
  const executable = join(dir, 'electron')
  writeFileSync(executable, stubExecutable())
  chmodSync(executable, 0o755)
  writeFileSync(join(dir, 'version'), `${electronVersion}\n`)
  writeFileSync(join(dir, 'LICENSE'), 'Stub of the Electron MIT licence file.\n')
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<p>Stub of the Chromium licences.</p>\n')
  for (const locale of stubLocales) writeFileSync(join(dir, 'locales', `${locale}.pak`), locale)
  return dir
}
