/**
 * Mail rows as a service before the `secret_body` column left them, and what the upgrade makes of
 * them on either engine: sent pay link emails lose their bodies (the link's token), a queued one
 * keeps its body until it is sent, and other messages keep theirs.
 */
const link = 'https://pay.example.edu/pay/l/0ld-t0ken'
const linkText = `Open ${link}`
const linkHtml = `<a href="${link}">Pay</a>`

export const legacyMailColumns =
  'institution, dedupe_key, kind, recipients, subject, status, text_body, html_body, next_attempt_at, created_at'

const legacy = (key: string, kind: string, status: string, text: string, html: string) =>
  ['INST', key, kind, '["p@example.edu"]', `Subject ${key}`, status, text, html, 0, 0] as const

/** Values in `legacyMailColumns` order. */
export const legacyMailRows = [
  legacy('sent-link', 'pay_link', 'sent', linkText, linkHtml),
  legacy('queued-link', 'pay_link', 'pending', linkText, linkHtml),
  legacy('receipt', 'patron_receipt', 'sent', 'Paid', '<p>Paid</p>'),
]

export const upgradedMailQuery =
  'SELECT dedupe_key, secret_body, subject, status, text_body, html_body FROM mail_messages ORDER BY id'

/** The rows `upgradedMailQuery` reads after the upgrade; `flag` is how the engine spells one. */
export function upgradedMailRows(flag: (on: boolean) => unknown) {
  const upgraded = (key: string, secret: boolean, status: string, text: string, html: string) => ({
    dedupe_key: key,
    secret_body: flag(secret),
    subject: `Subject ${key}`,
    status,
    text_body: text,
    html_body: html,
  })
  return [
    upgraded('sent-link', true, 'sent', '', ''),
    upgraded('queued-link', true, 'pending', linkText, linkHtml),
    upgraded('receipt', false, 'sent', 'Paid', '<p>Paid</p>'),
  ]
}
