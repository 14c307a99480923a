/**
 * A campus identity provider on loopback for the staff console's single sign-on tests: the real
 * `oidc-provider` (discovery, authorization code, PKCE required for every client, RS256 ID tokens,
 * userinfo) with its own sign-in page that checks a password, and a consent page. Accounts release
 * `preferred_username`, `name`, `email` and `groups` (in userinfo, as most campus providers do).
 *
 * It listens before it knows its client: the service's address (and so its redirect URI) is known
 * only once the service started, and the service needs the issuer to start. `registerClient` then
 * builds the provider; until then every request is answered 503.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { type InteractionDetails } from 'oidc-provider'
import { escapeHtml } from '../../../../common/html.ts'

export interface IdpAccount {
  password: string
  /** Released in userinfo: `preferred_username`, `groups`, … */
  claims: Record<string, unknown>
}

interface IdpClient {
  clientId: string
  clientSecret: string
  redirectUri: string
}

export interface LoopbackIdp {
  issuer: string
  /** Builds the provider with this client registered (once). */
  registerClient(client: IdpClient): void
  close(): Promise<void>
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(
    title,
  )}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
}

function loginPage(uid: string, error: string | null): string {
  return page(
    'Campus sign-in',
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
  <input type="hidden" name="prompt" value="login">
  <label>Username <input name="login" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>`,
  )
}

function consentPage(uid: string, details: InteractionDetails['prompt']['details']): string {
  const scopes = Array.isArray(details.missingOIDCScope) ? details.missingOIDCScope : []
  return page(
    'Allow access',
    `<p>The library staff console asks for: ${escapeHtml(scopes.join(', '))}</p>
<form method="post" action="/interaction/${escapeHtml(uid)}">
  <input type="hidden" name="prompt" value="consent">
  <button type="submit">Allow</button>
</form>`,
  )
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > 16_384) throw new Error('form too large')
    chunks.push(buffer)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

function send(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  })
  response.end(html)
}

export async function startLoopbackIdp(
  accounts: Readonly<Record<string, IdpAccount>>,
): Promise<LoopbackIdp> {
  let provider: Provider | null = null
  let providerHandler: ((request: IncomingMessage, response: ServerResponse) => void) | null = null

  async function interaction(
    request: IncomingMessage,
    response: ServerResponse,
    active: Provider,
  ): Promise<void> {
    const details = await active.interactionDetails(request, response)
    const { uid, prompt } = details
    if (request.method === 'GET') {
      send(
        response,
        200,
        prompt.name === 'login' ? loginPage(uid, null) : consentPage(uid, prompt.details),
      )
      return
    }
    const form = await formOf(request)
    if (form.get('prompt') === 'login' && prompt.name === 'login') {
      const login = form.get('login') ?? ''
      const account = accounts[login]
      if (account?.password !== form.get('password')) {
        send(response, 200, loginPage(uid, 'Wrong username or password.'))
        return
      }
      await active.interactionFinished(
        request,
        response,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      )
      return
    }
    if (form.get('prompt') === 'consent' && prompt.name === 'consent') {
      const accountId = details.session?.accountId
      const clientId = details.params.client_id
      if (!accountId || typeof clientId !== 'string') throw new Error('consent without a session')
      const grant = details.grantId
        ? await active.Grant.find(details.grantId)
        : new active.Grant({ accountId, clientId })
      if (!grant) throw new Error('grant not found')
      const scopes = prompt.details.missingOIDCScope
      if (Array.isArray(scopes)) grant.addOIDCScope(scopes.join(' '))
      const claims = prompt.details.missingOIDCClaims
      if (Array.isArray(claims)) grant.addOIDCClaims(claims as string[])
      await active.interactionFinished(
        request,
        response,
        { consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: true },
      )
      return
    }
    send(response, 400, page('Bad request', '<p>Unexpected form.</p>'))
  }

  const server = createServer((request, response) => {
    const active = provider
    if (!active || !providerHandler) {
      send(response, 503, page('Not ready', '<p>No client registered yet.</p>'))
      return
    }
    const path = new URL(request.url ?? '/', 'http://idp').pathname
    if (/^\/interaction\/[^/]+$/.test(path)) {
      interaction(request, response, active).catch((error: unknown) => {
        if (!response.headersSent) {
          send(
            response,
            400,
            page('Sign-in failed', `<p>${escapeHtml((error as Error).message)}</p>`),
          )
        }
      })
      return
    }
    providerHandler(request, response)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`

  return {
    issuer,
    registerClient(client) {
      if (provider) throw new Error('the loopback provider has its client already')
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const created = new Provider(issuer, {
        clients: [
          {
            client_id: client.clientId,
            client_secret: client.clientSecret,
            redirect_uris: [client.redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' }] },
        cookies: { keys: [randomBytes(32).toString('hex')] },
        scopes: ['openid', 'profile', 'email'],
        claims: {
          openid: ['sub'],
          profile: ['preferred_username', 'name', 'groups'],
          email: ['email'],
        },
        // What the service must do and a campus provider may demand: PKCE on every client.
        pkce: { required: () => true },
        features: { devInteractions: { enabled: false } },
        // Short lives, stated so the provider need not warn about its defaults.
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        findAccount: (_ctx, sub) => {
          const account = accounts[sub]
          return Promise.resolve(
            account ? { accountId: sub, claims: () => ({ sub, ...account.claims }) } : undefined,
          )
        },
      })
      provider = created
      providerHandler = created.callback()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => {
          if (error) reject(error)
          else resolve()
        })
      }),
  }
}
