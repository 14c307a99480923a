/**
 * What the service stores instead of a secret it must recognise later (kiosk keys, staff and pay
 * session cookies, pay-link tokens): the SHA-256 of the secret in lower-case hex. The secrets are
 * long random values, so a plain hash is enough; a dump of the tables opens nothing.
 */
import { createHash } from 'node:crypto'

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
