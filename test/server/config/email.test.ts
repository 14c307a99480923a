import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { problemsOf } from './support.ts'
import { loadConfig } from '../../../server/config/load.ts'

const minimal = {
  ALMA_API_KEY: 'alma-key',
  CASHNET_CHECKOUT_URL: 'http://127.0.0.1:9999/LIBRARY',
  CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
  CASHNET_POSTBACK_SECRET: 'postback-secret',
  KIOSK_KEYS: 'lobby:kiosk-key-1',
}
const mail = { SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'Library <library@example.edu>' }

describe('server/config: email settings', () => {
  it('sends nothing by default: no mail server, nobody to tell, no receipt button', () => {
    const config = loadConfig(minimal)
    expect(config.mail).toBeNull()
    expect(config.institutions[0]?.notify).toEqual({
      staffTo: [],
      staff: 'each',
      digestAtMinutes: 7 * 60,
      alertTo: [],
      postingAlertMs: 30 * 60_000,
      patronReceipt: false,
    })
    expect(config.institutions[0]?.kioskSettings.emailReceipt).toBe(false)
  })

  it('reads every key from the environment', () => {
    const config = loadConfig({
      ...minimal,
      ...mail,
      STAFF_NOTIFY_TO: 'circ@example.edu, circ2@example.edu',
      STAFF_NOTIFY: 'digest',
      STAFF_DIGEST_AT: '18:45',
      STAFF_ALERT_TO: 'systems@example.edu',
      POSTING_ALERT_MINUTES: '15',
      PATRON_RECEIPT_EMAIL: 'true',
    })
    expect(config.mail).toEqual({
      smtpUrl: 'smtp://127.0.0.1:2525',
      from: 'Library <library@example.edu>',
    })
    expect(config.institutions[0]?.notify).toEqual({
      staffTo: ['circ@example.edu', 'circ2@example.edu'],
      staff: 'digest',
      digestAtMinutes: 18 * 60 + 45,
      alertTo: ['systems@example.edu'],
      postingAlertMs: 15 * 60_000,
      patronReceipt: true,
    })
    expect(config.institutions[0]?.kioskSettings.emailReceipt).toBe(true)
  })

  it('names each bad value, and addresses that need a mail server', () => {
    expect(
      problemsOf({
        ...minimal,
        SMTP_URL: 'http://mail.example.edu',
        MAIL_FROM: 'nobody',
        STAFF_NOTIFY: 'hourly',
        STAFF_DIGEST_AT: '7am',
        STAFF_NOTIFY_TO: 'not-an-address',
      }),
    ).toEqual(
      expect.arrayContaining([
        'SMTP_URL: must be an smtp:// or smtps:// URL',
        'MAIL_FROM: must be an address, or a name and <address>',
        expect.stringMatching(/^STAFF_NOTIFY: /),
        'STAFF_DIGEST_AT: must be a time like 07:00',
        'STAFF_NOTIFY_TO.0: must be an email address',
      ]),
    )
    expect(problemsOf({ ...minimal, SMTP_URL: 'smtp://127.0.0.1:2525' })).toEqual([
      'MAIL_FROM: is required with SMTP_URL',
    ])
    expect(
      problemsOf({
        ...minimal,
        STAFF_NOTIFY_TO: 'circ@example.edu',
        STAFF_ALERT_TO: 'systems@example.edu',
        PATRON_RECEIPT_EMAIL: 'true',
      }),
    ).toEqual([
      'STAFF_NOTIFY_TO: needs SMTP_URL and MAIL_FROM',
      'STAFF_ALERT_TO: needs SMTP_URL and MAIL_FROM',
      'PATRON_RECEIPT_EMAIL: needs SMTP_URL and MAIL_FROM',
    ])
    // Told to send nothing, an inbox needs no mail server.
    expect(
      problemsOf({ ...minimal, STAFF_NOTIFY_TO: 'c@example.edu', STAFF_NOTIFY: 'off' }),
    ).toEqual([])
  })

  it('takes notify settings per institution from the config file, the mail server from service:', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'))
    const file = join(dir, 'campuses.json')
    const campus = (code: string, secret: string, kiosk: string) => ({
      code,
      name: code,
      alma: { apiKey: 'k' },
      cashnet: {
        checkoutUrl: 'http://127.0.0.1:9999/X',
        postbackSecret: secret,
        itemCodes: { default: 'LIB' },
      },
      kiosks: [{ id: kiosk, key: 'key' }],
    })
    writeFileSync(
      file,
      JSON.stringify({
        service: { smtpUrl: 'smtps://u:p@mail.example.edu:465', mailFrom: 'lib@example.edu' },
        institutions: [
          {
            ...campus('A', 's1', 'k1'),
            notify: { staffTo: ['a@example.edu'], staff: 'digest', digestAt: '06:30' },
          },
          {
            ...campus('B', 's2', 'k2'),
            notify: { alertTo: ['b@example.edu'], patronReceipt: true },
          },
        ],
      }),
    )
    const config = loadConfig({ CONFIG_FILE: file })
    expect(config.mail).toEqual({
      smtpUrl: 'smtps://u:p@mail.example.edu:465',
      from: 'lib@example.edu',
    })
    expect(config.institutions.map((i) => [i.notify.staff, i.notify.digestAtMinutes])).toEqual([
      ['digest', 390],
      ['each', 420],
    ])
    expect(config.institutions[1]?.notify.alertTo).toEqual(['b@example.edu'])
    expect(config.institutions.map((i) => i.kioskSettings.emailReceipt)).toEqual([false, true])

    writeFileSync(
      file,
      JSON.stringify({
        institutions: [{ ...campus('A', 's1', 'k1'), notify: { patronReceipt: true, staff: 'x' } }],
      }),
    )
    expect(problemsOf({ CONFIG_FILE: file })).toEqual([
      expect.stringMatching(/^institutions\[0\] \(A\)\.notify\.staff: /),
    ])
  })
})
