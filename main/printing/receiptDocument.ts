/**
 * The paper receipt: a self-contained HTML page laid out for a 58 or 80 mm thermal roll. No script,
 * no external resource (its CSP allows one inline stylesheet by hash, nothing else), and only what
 * may be left on paper at a public kiosk: the first name and last initial, never a card or id.
 */
import { shortDisplayName } from '../../common/displayName.ts'
import type { PrintReceiptArgs } from '../../common/kioskBridge.ts'
import { escapeHtml } from '../../common/html.ts'
import { sha256Source } from '../security/csp.ts'

const labels = {
  en: {
    title: 'Payment receipt',
    patron: 'Patron',
    date: 'Date',
    amount: 'Amount paid',
    transaction: 'CashNet transaction',
    fees: 'Fees paid',
    reference: 'Reference',
    referenceNote: 'Part of this payment is being finished by library staff. Keep this reference.',
    thanks: 'Thank you.',
  },
  es: {
    title: 'Recibo de pago',
    patron: 'Usuario',
    date: 'Fecha',
    amount: 'Importe pagado',
    transaction: 'Transacción CashNet',
    fees: 'Cargos pagados',
    reference: 'Referencia',
    referenceNote:
      'El personal de la biblioteca está terminando parte de este pago. Guarde esta referencia.',
    thanks: 'Gracias.',
  },
} as const

export interface ReceiptDocument {
  html: string
  csp: string
}

function style(paperWidthMm: number): string {
  // The printable width of a thermal roll is a few mm less than the paper; keep a margin inside it.
  return `
@page{margin:0}
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff;color:#000}
body{padding:3mm 4mm;font-family:"Segoe UI",Arial,sans-serif;font-size:${paperWidthMm >= 80 ? '10pt' : '8.5pt'};line-height:1.3}
h1{font-size:1.3em;margin:0 0 1mm}
.library{font-weight:700;margin:0 0 2mm;overflow-wrap:anywhere}
dl{margin:0}
dl div{display:flex;justify-content:space-between;gap:2mm;margin:.8mm 0}
dt{flex:0 0 auto}
dd{margin:0;text-align:right;min-width:0;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;table-layout:fixed;margin-top:1mm}
caption{text-align:left;font-weight:700;margin-top:2mm}
td{padding:.6mm 0;vertical-align:top;overflow-wrap:anywhere}
td.money{width:34%;text-align:right}
.total{border-top:.3mm solid #000;font-weight:700}
.reference{border:.4mm solid #000;padding:1.5mm;margin-top:2mm;overflow-wrap:anywhere}
.reference strong{font-size:1.2em;display:block}
p{margin:2mm 0 0}
`.trim()
}

export function renderReceiptDocument(
  input: PrintReceiptArgs,
  paperWidthMm: 58 | 80,
): ReceiptDocument {
  const text = labels[input.language]
  const locale = input.language === 'es' ? 'es-US' : 'en-US'
  const money = (cents: number) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: input.currency }).format(
      cents / 100,
    )
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(input.paidAt),
  )
  // Shortened again here: whatever the caller sent, paper gets no more than "María N.".
  const name = shortDisplayName(input.patronName)
  const rows = input.lines
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.description)}</td><td class="money">${escapeHtml(money(line.amountCents))}</td></tr>`,
    )
    .join('\n')
  const reference = input.reference
    ? `<div class="reference">${escapeHtml(text.reference)}<strong>${escapeHtml(input.reference)}</strong>${escapeHtml(text.referenceNote)}</div>`
    : ''
  const css = style(paperWidthMm)
  // Loaded from a data: URL, which has no headers: the policy travels in the page itself.
  const csp = `default-src 'none'; style-src ${sha256Source(css)}; base-uri 'none'; form-action 'none'`
  const html = `<!doctype html>
<html lang="${input.language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(text.title)}</title>
<style>${css}</style>
</head>
<body>
<p class="library">${escapeHtml(input.libraryName)}</p>
<h1>${escapeHtml(text.title)}</h1>
<dl>
${name ? `<div><dt>${escapeHtml(text.patron)}</dt><dd>${escapeHtml(name)}</dd></div>` : ''}
<div><dt>${escapeHtml(text.date)}</dt><dd>${escapeHtml(date)}</dd></div>
<div><dt>${escapeHtml(text.transaction)}</dt><dd>${escapeHtml(input.transactionId)}</dd></div>
</dl>
${
  rows
    ? `<table><caption>${escapeHtml(text.fees)}</caption>
${rows}
<tr class="total"><td>${escapeHtml(text.amount)}</td><td class="money">${escapeHtml(money(input.amountCents))}</td></tr>
</table>`
    : `<dl><div class="total"><dt>${escapeHtml(text.amount)}</dt><dd>${escapeHtml(money(input.amountCents))}</dd></div></dl>`
}
${reference}
<p>${escapeHtml(text.thanks)}</p>
</body>
</html>
`
  return { html, csp }
}
