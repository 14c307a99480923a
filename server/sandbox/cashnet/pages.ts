/** HTML of the sandbox CashNet: the hosted checkout page, the return form and error pages. */
import { decimalStringFromCents } from '../../../common/money.ts'
import { escapeHtml } from '../../../common/html.ts'
import { htmlPage } from '../html.ts'
import type { SandboxCheckoutRequest } from './checkoutRequest.ts'

export const approvedTestCard = '4111 1111 1111 1111'
export const declinedTestCard = '4000 0000 0000 0002'

function dollars(cents: number): string {
  return `$${decimalStringFromCents(cents)}`
}

// One page for the kiosk's frame, a desktop tab and a phone (360 CSS pixels and up): no fixed
// widths, long words break instead of widening the page, targets at least 48 pixels high.
const style = `
  body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24;overflow-wrap:anywhere}
  main{max-width:36rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px}
  @media (max-width:40rem){main{margin:0;padding:1rem;border-radius:0}}
  h1{font-size:1.5rem;margin-top:0}
  .note{color:#4a5561}
  table{width:100%;border-collapse:collapse;margin:1rem 0}
  th,td{text-align:left;padding:.5rem;border-bottom:1px solid #d6dbe0;vertical-align:top}
  td.amount,th.amount{text-align:right;white-space:nowrap}
  label{display:block;font-weight:600;margin-top:1rem}
  input{font:inherit;font-size:1.25rem;min-height:48px;padding:.5rem;width:100%;box-sizing:border-box}
  .actions{display:flex;flex-wrap:wrap;gap:1rem;margin-top:1.5rem}
  button{flex:1 1 auto;font:inherit;font-size:1.25rem;min-height:48px;padding:.5rem 1.5rem;border-radius:6px;border:2px solid #0b4f8a;cursor:pointer}
  button.pay{background:#0b4f8a;color:#fff}
  button.cancel{background:#fff;color:#0b4f8a}
  :focus-visible{outline:3px solid #c25e00;outline-offset:2px}
  [role=alert]{color:#a4000f;font-weight:600}
`

function page(title: string, body: string): string {
  return htmlPage(title, style, body)
}

export function checkoutPage(options: {
  storeName: string
  action: string
  request: SandboxCheckoutRequest
  card: string
  error?: string
}): string {
  const { request } = options
  const rows = request.lines
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.description)} <span class="note">(${escapeHtml(line.itemCode)})</span></td><td class="amount">${dollars(line.amountCents)}</td></tr>`,
    )
    .join('\n')
  return page(
    `Checkout – ${options.storeName} (CashNet sandbox)`,
    `<h1>Checkout</h1>
<p class="note">${escapeHtml(options.storeName)} · CashNet sandbox: test cards only, no money moves.</p>
<table>
<caption class="note">Items to pay</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="amount">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row">Total</th><td class="amount" data-testid="total">${dollars(request.totalCents)}</td></tr></tfoot>
</table>
<form method="post" action="${escapeHtml(options.action)}">
${options.error ? `<p role="alert" id="card-error">${escapeHtml(options.error)}</p>` : ''}
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off" value="${escapeHtml(options.card)}" aria-describedby="card-hint${options.error ? ' card-error' : ''}">
<p id="card-hint" class="note">Test card ${approvedTestCard} is approved; ${declinedTestCard} is declined.</p>
<div class="actions">
<button type="submit" class="pay" name="action" value="pay">Pay ${dollars(request.totalCents)}</button>
<button type="submit" class="cancel" name="action" value="cancel">Cancel</button>
</div>
</form>`,
  )
}

/** How CashNet returns the browser by POST: a form that submits itself to `signouturl`. */
export function returnFormPage(signoutUrl: string, fields: [string, string][]): string {
  const inputs = fields
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n')
  return page(
    'Returning…',
    `<p role="status">Returning to the store…</p>
<form id="return" method="post" action="${escapeHtml(signoutUrl)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById('return').submit()</script>`,
  )
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`)
}
