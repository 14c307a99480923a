/** The pay link staff send from the desk, to the patron's preferred email in Alma. */
import type { Language } from '../../../common/api.ts'
import { dateTime } from '../format.ts'
import { document, link, paragraph } from '../html.ts'
import { patronWords } from './patronWords.ts'
import type { RenderedMail } from './rendered.ts'

export function payLinkMail(
  url: string,
  expiresAt: number,
  context: { language: Language; libraryName: string },
): RenderedMail {
  const words = patronWords[context.language]
  const expires = words.linkExpires(dateTime(expiresAt, context.language))
  const lead = words.linkLead(context.libraryName)
  return {
    subject: words.linkSubject(context.libraryName),
    text: [lead, '', `${words.linkAction}: ${url}`, '', expires, '', words.noReply].join('\n'),
    html: document(context.language, words.linkTitle, [
      paragraph(lead),
      link(words.linkAction, url),
      paragraph(expires),
      paragraph(words.noReply),
    ]),
  }
}
