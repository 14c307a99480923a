/**
 * Text into HTML, once for every place that writes HTML by hand: the service's emails and refusal
 * pages, the sandboxes' pages, and the kiosk's own status pages and printed receipt. A patron
 * name, a fee title, a CashNet message or a configuration value can hold `<`, `&` or a quote; here
 * it becomes text, in an element or in a quoted attribute value.
 */
const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (char) => entities[char] ?? char)
}
