/**
 * A real SMTP server on loopback (`smtp-server`) that keeps every message it receives, parsed by
 * `mailparser`. It can be stopped and started again on the same port: the mail server going down
 * and coming back.
 */
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freeLoopbackPort } from '../../../server/demo/freePort.ts'

export interface ReceivedMail {
  envelopeTo: string[]
  parsed: ParsedMail
  raw: string
}

export interface SmtpSink {
  port: number
  url: string
  received: ReceivedMail[]
  stop(): Promise<void>
  start(): Promise<void>
  /** Waits (bounded) until `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const port = await freeLoopbackPort()
  const received: ReceivedMail[] = []
  let server: SMTPServer | null = null

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const next = new SMTPServer({
        authOptional: true,
        // Plain SMTP on loopback: no certificate to trust in tests.
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = []
          stream.on('data', (chunk: Buffer) => chunks.push(chunk))
          stream.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8')
            simpleParser(raw)
              .then((parsed) => {
                received.push({
                  envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
                  parsed,
                  raw,
                })
                callback()
              })
              .catch((error: unknown) => {
                callback(error instanceof Error ? error : new Error(String(error)))
              })
          })
        },
      })
      next.once('error', reject)
      next.listen(port, '127.0.0.1', () => {
        server = next
        resolve()
      })
    })

  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server
      server = null
      if (!current) {
        resolve()
        return
      }
      current.close(() => {
        resolve()
      })
    })

  await start()
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    start,
    stop,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} messages, ${received.length} arrived`)
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return received
    },
  }
}
