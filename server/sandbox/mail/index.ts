/**
 * A mail server stand-in for the demo: a real SMTP server (`smtp-server`) on loopback that accepts
 * everything and keeps the last messages in memory (recipients and subject, read with `mailparser`),
 * so the demo's email (the patron's "Email my receipt", staff messages) is sent for real and the
 * e2e tests can see what arrived. Nothing leaves the machine.
 */
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

interface SandboxMailMessage {
  to: string[]
  subject: string
}

export interface SandboxMail {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string
  /** What arrived, oldest first (the last `keep`). */
  messages(): SandboxMailMessage[]
  reset(): void
  close(): Promise<void>
}

export async function startSandboxMail(options: { keep?: number } = {}): Promise<SandboxMail> {
  const keep = options.keep ?? 100
  const received: SandboxMailMessage[] = []
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to trust.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
          })
          received.splice(0, Math.max(0, received.length - keep))
          callback()
        })
        .catch((error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)))
        })
    },
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    })
  })
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => received.map((message) => ({ ...message, to: [...message.to] })),
    reset: () => {
      received.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}
