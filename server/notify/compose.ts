/** A rendered message becomes a queue row: card data removed, addresses and keys attached. */
import type { MailKind, NewMail } from '../store/mailQueue.ts'
import { withoutCardData } from './cardData.ts'
import type { RenderedMail } from './messages/rendered.ts'

export function queuedMail(input: {
  institution: string
  kind: MailKind
  dedupeKey: string
  checkoutId: string | null
  to: readonly string[]
  mail: RenderedMail
  now: number
  /** The body holds a secret (a pay link): the queue forgets it once the message is sent. */
  secretBody?: boolean
}): NewMail {
  return {
    institution: input.institution,
    kind: input.kind,
    dedupeKey: input.dedupeKey,
    checkoutId: input.checkoutId,
    to: [...input.to],
    subject: withoutCardData(input.mail.subject),
    text: withoutCardData(input.mail.text),
    html: withoutCardData(input.mail.html),
    secretBody: input.secretBody ?? false,
    notBefore: input.now,
    createdAt: input.now,
  }
}
