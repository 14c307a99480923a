/** HTML of the sandbox Primo: the patron list with "Pay fines" links, and the account page. */
import { escapeHtml } from '../../../common/html.ts'
import { htmlPage } from '../html.ts'

const style = `
  body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24;overflow-wrap:anywhere}
  main{max-width:44rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px}
  @media (max-width:40rem){main{margin:0;padding:1rem;border-radius:0}}
  h1{font-size:1.5rem;margin-top:0}
  .note{color:#4a5561}
  ul{list-style:none;padding:0}
  li{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;padding:.5rem 0;border-bottom:1px solid #d6dbe0}
  a.pay{display:inline-block;min-height:48px;line-height:48px;padding:0 1rem;border-radius:6px;background:#0b4f8a;color:#fff;text-decoration:none;font-weight:600}
  :focus-visible{outline:3px solid #c25e00;outline-offset:2px}
`

function page(title: string, body: string): string {
  return htmlPage(title, style, body)
}

export interface PatronLink {
  primaryId: string
  displayName: string
  href: string
}

export function patronListPage(
  institutions: readonly { institutionCode: string; patrons: readonly PatronLink[] }[],
): string {
  const sections = institutions
    .map(
      ({
        institutionCode,
        patrons,
      }) => `<section aria-labelledby="inst-${escapeHtml(institutionCode)}">
<h2 id="inst-${escapeHtml(institutionCode)}">${escapeHtml(institutionCode)}</h2>
<ul>
${patrons
  .map(
    (patron) =>
      `<li><span>${escapeHtml(patron.displayName)} <span class="note">(${escapeHtml(patron.primaryId)})</span></span><a class="pay" href="${escapeHtml(patron.href)}" aria-label="Pay fines as ${escapeHtml(patron.displayName)}">Pay fines</a></li>`,
  )
  .join('\n')}
</ul>
</section>`,
    )
    .join('\n')
  return page(
    'Primo sandbox: My Library Card',
    `<h1>Primo sandbox: My Library Card</h1>
<p class="note">Each link is Primo VE's "Pay fines" link for a patron signed in to Primo: the service's
<code>/pay/primo</code> with a JWT signed by this sandbox's key (valid 10 minutes from this page's load).</p>
${sections}`,
  )
}

export function accountPage(institutionCode: string): string {
  return page(
    'Primo sandbox: back in Primo',
    `<h1>Back in Primo</h1>
<p>The patron is back on Primo's library card page (${escapeHtml(institutionCode || 'no view')}), fines section.</p>
<p><a href="/">Primo sandbox home</a></p>`,
  )
}
