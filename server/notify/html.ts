/**
 * The HTML part of every message: escaped text only (a patron name, a fee title or a CashNet
 * message can hold `<`), in one plain layout that mail clients render without styles sheets.
 */
import { escapeHtml } from '../../common/html.ts'

/** HTML already escaped (built only by this module's helpers). */
export interface SafeHtml {
  readonly html: string
}

const safe = (html: string): SafeHtml => ({ html })

export function paragraph(text: string): SafeHtml {
  return safe(`<p>${escapeHtml(text)}</p>`)
}

export function link(text: string, href: string): SafeHtml {
  return safe(`<p><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></p>`)
}

/** Label/value rows. */
export function facts(rows: readonly (readonly [string, string])[]): SafeHtml {
  const body = rows
    .map(
      ([label, value]) =>
        `<tr><th scope="row" align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('')
  return safe(`<table cellpadding="4">${body}</table>`)
}

/** A table with a header row; the last column is right-aligned (amounts). */
export function table(
  caption: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): SafeHtml {
  const cell = (tag: 'th' | 'td', text: string, index: number, count: number) =>
    `<${tag}${tag === 'th' ? ' scope="col"' : ''}${index === count - 1 ? ' align="right"' : ' align="left"'}>${escapeHtml(text)}</${tag}>`
  const head = header.map((text, i) => cell('th', text, i, header.length)).join('')
  const body = rows
    .map((row) => `<tr>${row.map((text, i) => cell('td', text, i, row.length)).join('')}</tr>`)
    .join('')
  return safe(
    `<table cellpadding="4" border="1" style="border-collapse:collapse"><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
  )
}

export function document(language: string, title: string, parts: readonly SafeHtml[]): string {
  return `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${parts.map((part) => part.html).join('')}</body></html>`
}
