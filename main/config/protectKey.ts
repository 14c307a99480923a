/**
 * `--protect-key=<file>`: IT runs the installed kiosk once, signed in as the kiosk account, to turn a
 * plain kiosk key into the `kioskKeyProtected` value (safeStorage, i.e. DPAPI for that account).
 */
export interface KeyEncryptor {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
}

export interface ProtectKeyFiles {
  readFile(path: string): string
  writeFile(path: string, text: string): void
}

export type ProtectKeyResult = { ok: true; outputPath: string } | { ok: false; problem: string }

export function protectKeyFile(
  inputPath: string,
  encryptor: KeyEncryptor,
  files: ProtectKeyFiles,
): ProtectKeyResult {
  let key: string
  try {
    key = files
      .readFile(inputPath)
      .replace(/^\uFEFF/, '')
      .trim()
  } catch (error) {
    return {
      ok: false,
      problem: `Cannot read ${inputPath}: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
  if (key.length < 16) {
    return { ok: false, problem: `${inputPath} must hold the kiosk key (at least 16 characters).` }
  }
  if (!encryptor.isEncryptionAvailable()) {
    return { ok: false, problem: 'safeStorage is not available for this account on this machine.' }
  }
  const outputPath = `${inputPath}.protected.txt`
  files.writeFile(outputPath, `${encryptor.encryptString(key).toString('base64')}\n`)
  return { ok: true, outputPath }
}
