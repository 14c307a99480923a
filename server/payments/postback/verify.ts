/**
 * The checks that need no database: the secret in the postback URL and where the request came from.
 * CashNet's hosted checkout does not sign postbacks, so the unguessable URL and the source address
 * are what tell CashNet from anybody else.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { BlockList, isIP } from 'node:net'

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/** Constant-time comparison: equal-length hashes, so neither length nor content leaks through timing. */
export function secretMatches(presented: string, expected: string): boolean {
  if (expected === '') return false
  return timingSafeEqual(digest(presented), digest(expected))
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are the same client. */
export function normalizeIp(address: string): string {
  const trimmed = address.trim()
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed)
  return mapped?.[1] ?? trimmed
}

/**
 * The address to check against the allowlist. Behind a trusted reverse proxy the client is the last
 * `X-Forwarded-For` entry (the one our proxy appended); earlier entries are whatever the sender
 * wrote and prove nothing. Without a trusted proxy the header is ignored entirely.
 */
export function resolveSourceIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor !== undefined) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor
    const hops = header
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean)
    const last = hops.at(-1)
    if (last && isIP(normalizeIp(last)) !== 0) return normalizeIp(last)
  }
  return normalizeIp(socketAddress ?? '')
}

export type IpAllowlist = (address: string) => boolean

/** Addresses and CIDR ranges (`34.195.213.231`, `10.0.0.0/8`, `2001:db8::/32`); empty allows all. */
export function createIpAllowlist(entries: readonly string[]): IpAllowlist {
  const cleaned = entries.map((entry) => entry.trim()).filter(Boolean)
  if (cleaned.length === 0) return () => true
  const list = new BlockList()
  for (const entry of cleaned) {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(normalizeIp(address))
    if (family === 0) throw new Error(`Not an IP address or range: "${entry}"`)
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) {
      list.addAddress(normalizeIp(address), type)
    } else {
      const bits = Number(prefix)
      if (!/^\d{1,3}$/.test(prefix) || bits > (family === 6 ? 128 : 32)) {
        throw new Error(`Not a valid prefix length in "${entry}"`)
      }
      list.addSubnet(normalizeIp(address), bits, type)
    }
  }
  return (address) => {
    const normalized = normalizeIp(address)
    const family = isIP(normalized)
    if (family === 0) return false
    return list.check(normalized, family === 6 ? 'ipv6' : 'ipv4')
  }
}
