/**
 * Zod probes for `new Function` when it builds an object schema, to decide whether to compile
 * parsers. The kiosk's CSP forbids eval, so the probe fails anyway, but Chromium still reports it
 * as a CSP violation (twice: meta and header). Jitless mode skips the probe. Imported first by
 * every module that loads schemas and starts a chunk of its own (`kioskServices.ts`,
 * `host/browserHost.ts`), so it is set before any schema is built; `test/e2e/logo.spec.ts` sees no
 * violation.
 */
import { z } from 'zod'

z.config({ jitless: true })
