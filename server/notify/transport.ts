/**
 * The one way a message leaves the service: nodemailer over SMTP (`SMTP_URL`). Bounded timeouts, so
 * a mail server that hangs only holds up the sender loop, never posting or a request.
 */
import nodemailer from 'nodemailer'
import type { MailConfig } from '../config/types.ts'

interface OutgoingMail {
  to: readonly string[]
  subject: string
  text: string
  html: string
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>
  close(): void
}

export function smtpTransport(config: MailConfig, timeoutMs = 15_000): MailTransport {
  const transporter = nodemailer.createTransport(config.smtpUrl, {
    from: config.from,
  })
  // Timeouts are options of the SMTP transport; set them beside the URL's own settings.
  Object.assign(transporter.options, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })
  return {
    async send(mail) {
      await transporter.sendMail({
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      })
    },
    close() {
      transporter.close()
    },
  }
}
