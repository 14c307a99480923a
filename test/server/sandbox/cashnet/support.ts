/** A postback receiver and a browser's steps on the sandbox CashNet page, for its tests. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { cashnetPaths, cashnetPostbackPath, serviceUrl } from '../../../../common/cashnet.ts'
import type { SandboxCashnet } from '../../../../server/sandbox/cashnet/index.ts'

/** A stand-in postback receiver: records every form CashNet posts to it. */
export async function startReceiver() {
  const received: URLSearchParams[] = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
      received.push(new URLSearchParams(body))
      response.end('OK')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: serviceUrl(`http://127.0.0.1:${port}`, cashnetPostbackPath('s3cret')),
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}

/** Port 9 (discard): the browser's return is read from the redirect, never followed. */
export const signout = serviceUrl('http://127.0.0.1:9', cashnetPaths.return)

export function checkoutQuery(extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    itemcnt: '2',
    itemcode1: 'LIB-FINE',
    amount1: '12.50',
    desc1: 'Overdue fine',
    itemcode2: 'LIB-LOST',
    amount2: '25.00',
    desc2: 'Lost item <replacement> fee',
    ref1type1: 'CHECKOUT_ID',
    ref1val1: 'checkout-123',
    custcode: 'LIBRARY',
    signouturl: signout,
    ...extra,
  }).toString()
}

export async function openPage(cashnet: SandboxCashnet, query = checkoutQuery()) {
  const response = await fetch(`${cashnet.storeUrl}?${query}`)
  const html = await response.text()
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? ''
  return { response, html, action: new URL(action, cashnet.storeUrl).toString() }
}

export async function submit(action: string, fields: Record<string, string>) {
  return fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}
