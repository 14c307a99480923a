/**
 * Field validators shared by the environment variables (`schema.ts`) and the institution schema of
 * the config file (`institutionSchema.ts`), so one rule has one wording.
 */
import { z } from 'zod'
import { createIpAllowlist } from '../payments/postback/verify.ts'

export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })

export const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #00386b')

export const paymentMethodCode = z
  .string()
  .regex(/^[A-Z_]+$/, 'must be an Alma payment method code such as ONLINE')

export const refTypeField = z.string().regex(/^ref\d+type\d+$/i, 'must look like ref1type1')

export const refValueField = z.string().regex(/^ref\d+val\d+$/i, 'must look like ref1val1')

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code')

export const regexPattern = z.string().refine((pattern) => {
  try {
    new RegExp(pattern)
    return true
  } catch {
    return false
  }
}, 'must be a valid regular expression')

/** An IP address or CIDR range (`10.0.0.0/8`, `2001:db8::/32`). */
export const ipRange = z
  .string()
  .trim()
  .min(1)
  .refine((entry) => {
    try {
      createIpAllowlist([entry])
      return true
    } catch {
      return false
    }
  }, 'must be an IP address or a CIDR range such as 10.0.0.0/8')

/**
 * A web origin, `https://host[:port]` (a trailing slash is tolerated): no path, query, fragment or
 * user info, so comparing origins is comparing strings. Yields the normalised origin.
 */
export const webOrigin = z
  .string()
  .trim()
  .transform((text, context) => {
    let parsed: URL
    try {
      parsed = new URL(text)
    } catch {
      context.addIssue({ code: 'custom', message: `"${text}" is not an origin like https://host` })
      return z.NEVER
    }
    const bare =
      (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
      !parsed.username &&
      !parsed.password &&
      parsed.pathname === '/' &&
      !parsed.search &&
      !parsed.hash &&
      !text.includes('?') &&
      !text.includes('#')
    if (!bare) {
      context.addIssue({
        code: 'custom',
        message: `"${text}" must be an http(s) origin only (scheme, host, port), like https://host`,
      })
      return z.NEVER
    }
    return parsed.origin
  })
export const emailAddress = z.email({ error: 'must be an email address' })

/** `library@example.edu` or `Library <library@example.edu>`: who messages come from. */
export const mailbox = z
  .string()
  .trim()
  .refine((text) => {
    const address = /^[^<>]*<([^<>]+)>$/.exec(text)?.[1] ?? text
    return emailAddress.safeParse(address.trim()).success
  }, 'must be an address, or a name and <address>')

/** `smtp://` or `smtps://` with optional user:password; never logged (it may hold a password). */
export const smtpUrl = z.url({
  protocol: /^smtps?$/,
  error: 'must be an smtp:// or smtps:// URL',
})

/** Circulation inbox messages: one per posted payment, one digest a day, or none. */
export const staffNotifyModes = ['each', 'digest', 'off'] as const

/** `HH:MM`, 24-hour, in the service's time zone. */
export const timeOfDay = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 07:00')
