/** A message as it is queued: both parts, already escaped and checked. */
export interface RenderedMail {
  subject: string
  text: string
  html: string
}
