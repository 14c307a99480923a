/**
 * Drives the sandbox CashNet page like a browser: loads the checkout page and presses Pay (or
 * Cancel) by submitting its form. The demo's seed payments and the service tests use it.
 */
import { approvedTestCard } from './pages.ts'

export interface SandboxPayResult {
  status: number
  location: string | null
  body: string
}

export async function payOnSandbox(
  checkoutUrl: string,
  options: { card?: string; action?: 'pay' | 'cancel' } = {},
): Promise<SandboxPayResult> {
  const page = await fetch(checkoutUrl)
  const html = await page.text()
  if (page.status !== 200) throw new Error(`checkout page answered ${page.status}: ${html}`)
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error('no form on the checkout page')
  const form = new URLSearchParams({
    action: options.action ?? 'pay',
    card: options.card ?? approvedTestCard,
  })
  const response = await fetch(new URL(action.replaceAll('&amp;', '&'), checkoutUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  })
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: await response.text(),
  }
}
