/**
 * The machine file IT deploys to each kiosk PC: only what the kiosk needs to reach its service.
 * Everything patrons see (timeouts, languages, minimum amount, card reader) comes from the service's
 * kiosk settings instead, so IT configures all kiosks in one place.
 *
 * Plain zod and URL parsing only: the packaging check also validates the shipped example with it.
 */
import { z } from 'zod'
import { cashnetPaths } from '../../common/cashnet.ts'

const defaultCheckoutMaxMinutes = 20
/** How the shipped example's key starts, so a copied-but-unedited file is caught. */
const examplePlaceholderPrefix = 'REPLACE-'

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True for addresses that never leave the machine: the only place plain http is acceptable. */
export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname)
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw)
  } catch {
    return null
  }
}

function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

const insecureMessage = 'must start with https:// (http:// only for 127.0.0.1 or localhost)'

const serviceUrlSchema = z.string().superRefine((raw, ctx) => {
  const url = parseUrl(raw)
  if (!url) {
    ctx.addIssue({ code: 'custom', message: `is not a URL: "${raw}"` })
    return
  }
  if (!isSecureOrLoopback(url)) ctx.addIssue({ code: 'custom', message: insecureMessage })
  if (url.username || url.password) {
    ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' })
  }
  if (url.search || url.hash) {
    ctx.addIssue({ code: 'custom', message: 'must not have a query string or #fragment' })
  }
})

const originSchema = z.string().superRefine((raw, ctx) => {
  const url = parseUrl(raw)
  if (!url) {
    ctx.addIssue({ code: 'custom', message: `is not a URL: "${raw}"` })
    return
  }
  if (!isSecureOrLoopback(url)) {
    ctx.addIssue({ code: 'custom', message: insecureMessage })
    return
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    ctx.addIssue({
      code: 'custom',
      message: `must be an origin only (scheme, host and port), e.g. "${url.origin}"`,
    })
  }
})

const machineConfigSchema = z
  .strictObject(
    {
      /** Optional pointer to a JSON schema for editors; ignored. */
      $schema: z.string().optional(),
      kioskId: z
        .string({
          error: 'is required (this kiosk’s id, as registered in the service’s KIOSK_KEYS)',
        })
        .regex(/^[A-Za-z0-9._-]{1,64}$/, {
          error: 'must be 1–64 letters, digits, dots, dashes or underscores',
        }),
      service: z.strictObject(
        {
          /** How this kiosk reaches the companion service (it may be an internal address). */
          url: serviceUrlSchema,
          /** The service's public base URL, as CashNet sees it in `signouturl`; defaults to url. */
          publicUrl: serviceUrlSchema.optional(),
        },
        { error: 'is required: { "url": "https://…" }' },
      ),
      /** The kiosk key in plain text (the file must then be readable by the kiosk account only). */
      kioskKey: z
        .string()
        .min(16, { error: 'is too short: a kiosk key has at least 16 characters' })
        .refine((key) => !key.startsWith(examplePlaceholderPrefix), {
          error: 'is still the placeholder from kiosk.example.json: paste this kiosk’s key',
        })
        .optional(),
      /** The kiosk key protected with safeStorage (DPAPI) for the kiosk account, base64. */
      kioskKeyProtected: z
        .string()
        .regex(/^[A-Za-z0-9+/]+={0,2}$/, {
          error: 'must be the base64 text printed by --protect-key',
        })
        .optional(),
      cashnet: z.strictObject(
        {
          /** Origins the checkout view may navigate to, compared exactly (scheme, host and port). */
          allowedOrigins: z
            .array(originSchema, { error: 'must be a list of origins' })
            .min(1, { error: 'must list at least one CashNet origin' }),
          /** Path of the service's signouturl landing page. */
          returnPath: z
            .string()
            .regex(/^\/[^?#\\]*$/, { error: 'must be a path starting with "/"' })
            .default(cashnetPaths.return),
        },
        { error: 'is required: { "allowedOrigins": ["https://…"] }' },
      ),
      /** The longest the CashNet page may stay open before the kiosk closes it. */
      checkoutMaxMinutes: z
        .number({ error: 'must be a number of minutes' })
        .int({ error: 'must be a whole number of minutes' })
        .min(2, { error: 'must be at least 2' })
        .max(120, { error: 'must be at most 120' })
        .default(defaultCheckoutMaxMinutes),
      logLevel: z.enum(['error', 'warn', 'info', 'verbose', 'debug']).default('info'),
      /** An optional receipt printer: the receipt screens print to it silently. */
      receiptPrinter: z
        .strictObject(
          {
            /** The printer's name as the OS lists it (Windows: Settings › Printers & scanners). */
            deviceName: z
              .string({ error: 'is required: the printer name as Windows lists it' })
              .trim()
              .min(1, { error: 'must not be empty' })
              .max(256),
            paperWidthMm: z
              .union([z.literal(58), z.literal(80)], { error: 'must be 58 or 80 (mm)' })
              .default(80),
          },
          { error: 'must be { "deviceName": "…", "paperWidthMm": 58 or 80 }' },
        )
        .optional(),
    },
    { error: 'must be one JSON object, like the example kiosk.example.json' },
  )
  .superRefine((config, ctx) => {
    const keys = [config.kioskKey, config.kioskKeyProtected].filter((key) => key !== undefined)
    if (keys.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['kioskKey'],
        message:
          keys.length === 0
            ? 'is required: set "kioskKey" or "kioskKeyProtected"'
            : 'set only one of "kioskKey" and "kioskKeyProtected"',
      })
    }
  })

type MachineConfigFile = z.infer<typeof machineConfigSchema>

/** What the rest of main works with, whichever way it was configured. */
export interface KioskConfig {
  mode: 'production' | 'demo'
  kioskId: string
  serviceUrl: URL
  kioskKey: string
  checkout: {
    /** Normalised origins (`URL.origin`). */
    allowedOrigins: string[]
    /** The signouturl: `<public URL><return path>`. */
    returnUrl: URL
    maxMinutes: number
  }
  logLevel: MachineConfigFile['logLevel']
  receiptPrinter: ReceiptPrinterConfig | null
}

export interface ReceiptPrinterConfig {
  deviceName: string
  paperWidthMm: 58 | 80
}

/** `base` plus `path`, keeping any path prefix of `base` (a service behind /kiosk-service/). */
export function joinUrlPath(base: URL, path: string): URL {
  const joined = new URL(base.href)
  joined.pathname = `${base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
  joined.search = ''
  joined.hash = ''
  return joined
}

/** One line per problem, naming the setting: what IT reads on the "not configured" screen. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((part, index) =>
        typeof part === 'number' ? `[${String(part)}]` : `${index > 0 ? '.' : ''}${String(part)}`,
      )
      .join('')
    if (issue.code === 'unrecognized_keys') {
      const where = path ? ` in ${path}` : ''
      return `unknown setting${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.map((key) => `"${key}"`).join(', ')}`
    }
    return `${path || 'the file'}: ${issue.message}`
  })
}

export type ParsedMachineConfig =
  | { ok: true; file: MachineConfigFile; config: Omit<KioskConfig, 'kioskKey'> }
  | { ok: false; problems: string[] }

/** Validates the parsed JSON of a machine file; the key itself is resolved by the caller. */
export function parseMachineConfig(json: unknown): ParsedMachineConfig {
  const result = machineConfigSchema.safeParse(json, {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined,
  })
  if (!result.success) return { ok: false, problems: describeIssues(result.error) }
  const file = result.data
  const serviceUrl = new URL(file.service.url)
  const publicUrl = new URL(file.service.publicUrl ?? file.service.url)
  return {
    ok: true,
    file,
    config: {
      mode: 'production',
      kioskId: file.kioskId,
      serviceUrl,
      checkout: {
        allowedOrigins: [...new Set(file.cashnet.allowedOrigins.map((raw) => new URL(raw).origin))],
        returnUrl: joinUrlPath(publicUrl, file.cashnet.returnPath),
        maxMinutes: file.checkoutMaxMinutes,
      },
      logLevel: file.logLevel,
      receiptPrinter: file.receiptPrinter ?? null,
    },
  }
}
