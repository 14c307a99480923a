/**
 * Stands in for the Electron binary in the `npm start` test: checks what start.ts handed over
 * (arguments and demo environment) against the live demo service, writes a JSON report to
 * $PROBE_OUT and exits like Electron would when the kiosk closes.
 */
import { writeFileSync } from 'node:fs'
import { demoConfigFromEnv } from '../../../main/config/loadKioskConfig.ts'

const out = process.env.PROBE_OUT
if (!out) throw new Error('PROBE_OUT is not set')
const config = demoConfigFromEnv(process.env)
const serviceUrl = process.env.KIOSK_SERVICE_URL ?? ''
const settingsUrl = `${serviceUrl}/api/v1/kiosk-settings`
const withKey = await fetch(settingsUrl, {
  headers: { authorization: `Bearer ${process.env.KIOSK_KEY ?? ''}` },
})
const withoutKey = await fetch(settingsUrl)
writeFileSync(
  out,
  JSON.stringify({
    args: process.argv.slice(2),
    configOk: config.ok,
    mode: config.ok ? config.config.mode : null,
    kioskId: process.env.KIOSK_ID,
    cashnetOrigins: process.env.KIOSK_CASHNET_ORIGINS,
    withKey: withKey.status,
    withoutKey: withoutKey.status,
    settings: (await withKey.json()) as unknown,
  }),
)
