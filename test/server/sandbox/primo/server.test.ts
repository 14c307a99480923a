/**
 * The sandbox Primo: its key sets look like Ex Libris's, its page lists the seed patrons with Pay
 * fines links, and those links' tokens pass the service's own verifier — alone and in the demo.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoService, type DemoService } from '../../../../server/demoService.ts'
import { createPrimoTokenVerifier } from '../../../../server/pay/primoToken.ts'
import { primoReturnUrl } from '../../../../server/pay/primoReturnUrl.ts'
import { sandboxCards } from '../../../../server/sandbox/alma/index.ts'
import {
  seedPrimoPatrons,
  startSandboxPrimo,
  type SandboxPrimo,
} from '../../../../server/sandbox/primo/index.ts'

const serviceUrl = 'http://127.0.0.1:4999'

/** The Pay fines links on the page, in order, with the HTML escaping undone. */
function linksOn(html: string): string[] {
  return [...html.matchAll(/<a class="pay" href="([^"]+)"/g)].map((match) =>
    (match[1] ?? '').replaceAll('&amp;', '&'),
  )
}

describe('server/sandbox/primo', () => {
  let primo: SandboxPrimo

  beforeAll(async () => {
    primo = await startSandboxPrimo({ serviceUrl, institutionCodes: ['01CALS_DMU', '01CALS_DSU'] })
  })
  afterAll(async () => {
    await primo.close()
  })

  it('serves each institution’s public ES256 key at Ex Libris’s path', async () => {
    const response = await fetch(primo.jwksUrl('01CALS_DMU'))
    expect(response.status).toBe(200)
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] }
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: 'primaPrivateKey-01CALS_DMU',
    })
    expect(keys[0]).not.toHaveProperty('d')
    expect(primo.jwksUrl('01CALS_DMU')).toMatch(/\/auth\/01CALS_DMU\/jwks\.json$/)
    expect((await fetch(primo.jwksUrl('01OTHER'))).status).toBe(404)
  })

  it('lists every seed patron of each institution with a Pay fines link to /pay/primo', async () => {
    const response = await fetch(primo.url)
    expect(response.status).toBe(200)
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    const html = await response.text()
    const links = linksOn(html)
    expect(links).toHaveLength(2 * seedPrimoPatrons().length)
    for (const link of links) expect(link.startsWith(`${serviceUrl}/pay/primo?jwt=`)).toBe(true)
    expect(html).toContain('María García')
    expect(html).toContain('mgarcia01')
  })

  it('signs tokens the service verifies, with Primo’s claims and a 10-minute life', async () => {
    const settings = (code: string) => ({
      jwksUrl: primo.jwksUrl(code),
      institutionCode: code,
      returnOrigins: [primo.origin],
    })
    const verifier = createPrimoTokenVerifier({
      institutions: [
        { code: 'dmu', primo: settings('01CALS_DMU') },
        { code: 'dsu', primo: settings('01CALS_DSU') },
      ],
    })
    const links = linksOn(await (await fetch(primo.url)).text())
    const patrons = seedPrimoPatrons()
    for (const [index, link] of links.entries()) {
      const url = new URL(link)
      const jwt = url.searchParams.get('jwt') ?? ''
      const dsu = index >= patrons.length
      await expect(verifier.verify(jwt)).resolves.toEqual({
        institution: dsu ? 'dsu' : 'dmu',
        userId: patrons[index % patrons.length]?.primaryId,
      })
      const returnUrl = url.searchParams.get('returnUrl') ?? undefined
      expect(primoReturnUrl(settings('01CALS_DMU'), returnUrl)).toBe(returnUrl)
    }
    const jwt = new URL(await primo.payLink('01CALS_DMU', 'jchen02')).searchParams.get('jwt') ?? ''
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'primaPrivateKey-01CALS_DMU' })
    const claims = decodeJwt(jwt)
    expect(claims).toMatchObject({ iss: 'Prima', institution: '01CALS_DMU', userName: 'jchen02' })
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600)
    // Each institution's key set was fetched once for all those tokens.
    expect(primo.jwksFetches('01CALS_DMU')).toBe(2)
    expect(primo.jwksFetches('01CALS_DSU')).toBe(1)
  })

  it('shows the account page Primo sends patrons back to', async () => {
    const response = await fetch(
      `${primo.origin}/discovery/account?vid=01CALS_DMU:DEMO&section=fines`,
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Back in Primo')
  })
})

describe('npm run demo: the sandbox Primo', () => {
  let demo: DemoService

  beforeAll(async () => {
    demo = await startDemoService({ port: 0, quiet: true, serveRenderer: false })
  }, 30_000)
  afterAll(async () => {
    await demo.close()
  })

  it('is configured as every demo campus’s Primo, and its links name the Alma patrons', async () => {
    for (const institution of demo.service.config.institutions) {
      expect(institution.primo).toEqual({
        jwksUrl: demo.primo.jwksUrl(institution.code),
        institutionCode: institution.code,
        returnOrigins: [demo.primo.origin],
      })
    }
    const verifier = createPrimoTokenVerifier({ institutions: demo.service.config.institutions })
    const links = linksOn(await (await fetch(demo.primo.url)).text())
    expect(links[0]?.startsWith(`${demo.url}/pay/primo?jwt=`)).toBe(true)
    const jwt = new URL(links[0] ?? '').searchParams.get('jwt') ?? ''
    await expect(verifier.verify(jwt)).resolves.toEqual({
      institution: '01CALS_DMU',
      userId: demo.alma.primaryIdForCard(sandboxCards.severalFees),
    })
  })
})
