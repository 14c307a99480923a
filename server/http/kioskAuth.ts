import { createHash, timingSafeEqual } from 'node:crypto'
import type { KioskCredential } from '../config/load.ts'

/**
 * Resolves `Authorization: Bearer <kiosk key>` to a kiosk id. Keys are compared as SHA-256 hashes
 * in constant time, so neither the stored form nor the comparison leaks a key.
 */
export function createKioskAuthenticator(kiosks: readonly KioskCredential[]) {
  const hashes = kiosks.map(({ kioskId, keyHash }) => ({
    kioskId,
    hash: Buffer.from(keyHash, 'hex'),
  }))

  return function authenticate(authorization: string | undefined): string | null {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(authorization?.trim() ?? '')
    if (!match?.[1]) return null
    const presented = createHash('sha256').update(match[1], 'utf8').digest()
    let found: string | null = null
    // Compare against every kiosk, without an early exit, so timing says nothing about which matched.
    for (const { kioskId, hash } of hashes) {
      if (hash.length === presented.length && timingSafeEqual(hash, presented)) found = kioskId
    }
    return found
  }
}
