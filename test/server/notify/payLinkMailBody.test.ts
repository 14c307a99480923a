/**
 * A pay link sent by email: its token is a secret that only the patron's mailbox should hold.
 * Through the service as assembled, the real mail queue (a SQLite file, and PostgreSQL) and a real
 * SMTP server on loopback: once the message went out, no row of `mail_messages` holds the token,
 * read straight from the database; the subject, recipient and status stay for the record.
 */
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createdPayLinkSchema } from '../../../common/staffApi.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import type { Harness } from '../payments/harness.ts'
import { testDatabase } from '../store/postgres/testDatabase.ts'
import { emailPayLink, mailOf, signedInDesk, startMailHarness } from './mailHarness.ts'
import { startSmtpSink, type SmtpSink } from './smtpSink.ts'

const database = await testDatabase()

/** Every column of every `mail_messages` row, as the database holds it. */
type ReadMailTable = (h: Harness) => Promise<string>

const readSqlite: ReadMailTable = (h) => {
  const db = new DatabaseSync(h.dbPath, { readOnly: true })
  try {
    return Promise.resolve(JSON.stringify(db.prepare('SELECT * FROM mail_messages').all()))
  } finally {
    db.close()
  }
}

const readPostgres =
  (url: string): ReadMailTable =>
  async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return JSON.stringify((await client.query('SELECT * FROM mail_messages')).rows)
    } finally {
      await client.end()
    }
  }

const engines: { name: string; databaseUrl: () => string | undefined; read: ReadMailTable }[] = [
  { name: 'SQLite', databaseUrl: () => undefined, read: readSqlite },
  ...(database.available
    ? [{ name: 'PostgreSQL', databaseUrl: () => database.url, read: readPostgres(database.url) }]
    : []),
]

describe.each(engines)('a pay link email on $name', ({ databaseUrl, read }) => {
  let sink: SmtpSink
  let h: Harness

  beforeAll(async () => {
    sink = await startSmtpSink()
    const url = databaseUrl()
    h = await startMailHarness(sink, url ? { databaseUrl: url } : {})
  })
  afterAll(async () => {
    await h.close()
    await sink.stop()
  })

  const mail = () => mailOf(h)

  async function sendPayLink(): Promise<{ url: string; token: string }> {
    const answer = await emailPayLink(await signedInDesk(h, 'desk1'), sandboxCards.severalFees)
    expect(answer.status).toBe(201)
    const { url } = createdPayLinkSchema.parse(answer.body)
    return { url, token: new URL(url).pathname.split('/').at(-1) ?? '' }
  }

  it('forgets the link once the message went out, keeping what was sent to whom', async () => {
    const { url, token } = await sendPayLink()
    expect(token.length).toBeGreaterThanOrEqual(40)
    // Queued: the row must hold the link until the mail server took it.
    expect(await read(h)).toContain(token)

    // The mail server is down for the first attempt: the message waits, the link with it.
    await sink.stop()
    expect(await mail().notify.sender.runOnce()).toBe(0)
    expect(await read(h)).toContain(token)
    await sink.start()
    h.clock.advance(10 * 60_000)
    expect(await mail().notify.sender.runOnce()).toBe(1)

    const [message] = await sink.waitFor(1)
    expect(message?.parsed.text).toContain(url)
    // Sent: no column of any row holds the token any more, in any encoding of the link.
    const table = await read(h)
    expect(table).not.toContain(token)
    expect(table).not.toContain(encodeURIComponent(token))
    const [record, ...others] = await mail().queue.listMail()
    expect(others).toEqual([])
    expect(record).toMatchObject({
      kind: 'pay_link',
      status: 'sent',
      attempts: 2,
      to: [`${h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees)}@example.edu`],
      subject: message?.parsed.subject,
      secretBody: true,
      text: '',
      html: '',
    })
    // The link still works: only the copy in the queue is gone.
    expect(await h.service.payLinks.open(token)).toMatchObject({ delivery: 'email' })
  })
})
