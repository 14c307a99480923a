/**
 * Zod probes for `new Function` on its first object parse to decide whether to compile parsers.
 * The kiosk's CSP forbids eval, so the probe fails anyway, but Chromium still reports it as a CSP
 * violation (twice: meta and header). Jitless mode skips the probe. Imported first by main.tsx, so
 * it is set before any schema parses.
 */
import { z } from 'zod'

z.config({ jitless: true })
