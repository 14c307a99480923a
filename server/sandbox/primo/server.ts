/**
 * A stand-in for Primo VE and Ex Libris's key service on loopback: `/auth/<INST>/jwks.json` serves
 * each institution's public key as Ex Libris does, and `/` is a "My Library Card" page listing
 * seed patrons, each with the "Pay fines" link Primo would open — the service's `/pay/primo` with
 * a freshly signed token and a `returnUrl` back to this sandbox's account page.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JWK } from 'jose'
import { standardSeed } from '../alma/seed.ts'
import { accountPage, patronListPage } from './pages.ts'
import {
  createInstitutionSigner,
  type InstitutionSigner,
  type SandboxPrimoPatron,
} from './token.ts'

export interface SandboxPrimoOptions {
  /** Default 0 (random); the host is always 127.0.0.1. */
  port?: number
  /** The service's public base URL: links go to `<serviceUrl>/pay/primo`. */
  serviceUrl: string
  /** The Alma institution codes Primo signs for (the tokens' `institution` claim). */
  institutionCodes: readonly string[]
  /** Default: the sandbox Alma's seed patrons. */
  patrons?: readonly SandboxPrimoPatron[]
  now?: () => number
}

export interface SandboxPrimo {
  /** The "My Library Card" page listing the patrons' Pay fines links. */
  url: string
  /** What the service allows as a return origin. */
  origin: string
  /** Where the service fetches an institution's keys (`PRIMO_JWKS_URL`). */
  jwksUrl(institutionCode: string): string
  /** The Pay fines link for one patron, as the page shows it. */
  payLink(institutionCode: string, primaryId: string): Promise<string>
  /** How many times each institution's key set was fetched. */
  jwksFetches(institutionCode: string): number
  close(): Promise<void>
}

export function seedPrimoPatrons(): SandboxPrimoPatron[] {
  return standardSeed().map((patron) => ({
    primaryId: patron.primaryId,
    displayName: `${patron.preferredFirstName ?? patron.firstName} ${patron.lastName}`,
    userGroup: patron.userGroup.value,
  }))
}

const jwksPath = /^\/auth\/([A-Za-z0-9_-]{1,64})\/jwks\.json$/

export async function startSandboxPrimo(options: SandboxPrimoOptions): Promise<SandboxPrimo> {
  const now = options.now ?? Date.now
  const patrons = options.patrons ?? seedPrimoPatrons()
  const signers = new Map<string, InstitutionSigner>()
  for (const code of options.institutionCodes) {
    signers.set(code, await createInstitutionSigner(code))
  }
  const fetches = new Map<string, number>()
  const serviceBase = options.serviceUrl.replace(/\/+$/, '')
  let origin = ''

  async function payLink(code: string, primaryId: string): Promise<string> {
    const signer = signers.get(code)
    const patron = patrons.find((candidate) => candidate.primaryId === primaryId)
    if (!signer || !patron) throw new Error(`No sandbox Primo patron ${primaryId} at ${code}`)
    const link = new URL(`${serviceBase}/pay/primo`)
    link.searchParams.set('jwt', await signer.sign(patron, now()))
    link.searchParams.set(
      'returnUrl',
      `${origin}/discovery/account?vid=${encodeURIComponent(`${code}:DEMO`)}&section=fines`,
    )
    return link.toString()
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? '/', origin)
    const keys = jwksPath.exec(url.pathname)
    if (request.method === 'GET' && keys?.[1]) {
      const signer = signers.get(keys[1])
      fetches.set(keys[1], (fetches.get(keys[1]) ?? 0) + 1)
      if (!signer) {
        response.writeHead(404, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ error: 'unknown institution' }))
        return
      }
      const body: { keys: JWK[] } = { keys: [signer.publicJwk] }
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(JSON.stringify(body))
      return
    }
    let html: string
    if (request.method === 'GET' && url.pathname === '/') {
      html = patronListPage(
        await Promise.all(
          [...signers.keys()].map(async (institutionCode) => ({
            institutionCode,
            patrons: await Promise.all(
              patrons.map(async (patron) => ({
                primaryId: patron.primaryId,
                displayName: patron.displayName,
                href: await payLink(institutionCode, patron.primaryId),
              })),
            ),
          })),
        ),
      )
    } else if (request.method === 'GET' && url.pathname === '/discovery/account') {
      html = accountPage(url.searchParams.get('vid') ?? '')
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' })
      response.end('Not found')
      return
    }
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page's links carry live tokens: keep them out of the Referer of anything it links to.
      'referrer-policy': 'no-referrer',
    })
    response.end(html)
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' })
      response.end('Sandbox Primo error')
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`

  return {
    url: `${origin}/`,
    origin,
    jwksUrl: (code) => `${origin}/auth/${encodeURIComponent(code)}/jwks.json`,
    payLink,
    jwksFetches: (code) => fetches.get(code) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}
