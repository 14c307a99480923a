/**
 * The Primo token verifier against a real JWKS endpoint on loopback, with keys made here: every way
 * a token can be wrong, key rotation, and how often Ex Libris's key set is fetched.
 */
import { createPublicKey } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  createPrimoTokenVerifier,
  PrimoTokenError,
  type PrimoTokenErrorKind,
  type PrimoTokenVerifier,
} from '../../../server/pay/primoToken.ts'

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
interface SigningKey {
  kid: string
  privateKey: PrivateKey
  jwk: JWK
}

async function signingKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg } }
}

/** A JWKS endpoint per institution path, counting fetches; `down` answers 503. */
interface JwksServer {
  url(path: string): string
  serve(path: string, keys: JWK[]): void
  fetches(path: string): number
  down: boolean
  close(): Promise<void>
}

async function startJwksServer(): Promise<JwksServer> {
  const sets = new Map<string, JWK[]>()
  const counts = new Map<string, number>()
  const state = { down: false }
  const server = http.createServer((request, response) => {
    const path = request.url ?? ''
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const keys = sets.get(path)
    if (state.down || !keys) {
      response.writeHead(state.down ? 503 : 404, { 'content-type': 'text/html' })
      response.end('<html>unavailable</html>')
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ keys }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    serve: (path, keys) => sets.set(path, keys),
    fetches: (path) => counts.get(path) ?? 0,
    get down() {
      return state.down
    },
    set down(value) {
      state.down = value
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

const pathA = '/auth/01TEST_A/jwks.json'
const pathB = '/auth/01TEST_B/jwks.json'
const startMs = Date.UTC(2026, 0, 15, 12, 0, 0)
const startSeconds = startMs / 1000

let jwks: JwksServer
let keyA: SigningKey
let keyA2: SigningKey
let keyB: SigningKey
let rsa: SigningKey
let clock: number
let verifier: PrimoTokenVerifier

/** Primo's claims for a token issued just now (by the test's clock). */
function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const nowSeconds = Math.floor(clock / 1000)
  return {
    iss: 'Prima',
    jti: 'a1b2c3',
    iat: nowSeconds - 5,
    exp: nowSeconds + 600,
    userName: 'mgarcia01',
    displayName: 'María García',
    institution: '01TEST_A',
    userGroup: 'UNDERGRAD',
    signedIn: true,
    ...overrides,
  }
}

function sign(
  key: SigningKey,
  payload: JWTPayload = claims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.jwk.alg ?? 'ES256', kid: key.kid, ...header })
    .sign(key.privateKey)
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

async function failure(token: string): Promise<PrimoTokenError> {
  const error: unknown = await verifier.verify(token).then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(PrimoTokenError)
  // The token never appears in what we could log.
  const payload = token.split('.')[1] ?? ''
  if (payload.length > 8) expect((error as Error).message).not.toContain(payload)
  return error as PrimoTokenError
}

async function expectKind(token: string, kind: PrimoTokenErrorKind) {
  expect((await failure(token)).kind).toBe(kind)
}

beforeAll(async () => {
  jwks = await startJwksServer()
  keyA = await signingKey('primaPrivateKey-01TEST_A')
  keyA2 = await signingKey('primaPrivateKey-01TEST_A-2026')
  keyB = await signingKey('primaPrivateKey-01TEST_B')
  rsa = await signingKey('rsa-key', 'RS256')
})

afterAll(async () => {
  await jwks.close()
})

beforeEach(() => {
  jwks.down = false
  // A fresh endpoint path per test keeps the fetch counts apart.
  const run = Math.random().toString(36).slice(2)
  const a = `${pathA}?run=${run}`
  const b = `${pathB}?run=${run}`
  jwks.serve(a, [keyA.jwk, rsa.jwk])
  jwks.serve(b, [keyB.jwk])
  clock = startMs
  verifier = createPrimoTokenVerifier({
    institutions: [
      {
        code: 'campus-a',
        primo: { jwksUrl: jwks.url(a), institutionCode: '01TEST_A', returnOrigins: [] },
      },
      {
        code: 'campus-b',
        primo: { jwksUrl: jwks.url(b), institutionCode: '01TEST_B', returnOrigins: [] },
      },
      { code: 'campus-c', primo: null },
    ],
    now: () => clock,
  })
  paths = { a, b }
})
let paths: { a: string; b: string }

describe('server/pay/primoToken', () => {
  it('accepts a current ES256 token from Primo and names our institution and the Alma user', async () => {
    await expect(verifier.verify(await sign(keyA))).resolves.toEqual({
      institution: 'campus-a',
      userId: 'mgarcia01',
    })
    await expect(
      verifier.verify(await sign(keyB, claims({ institution: '01TEST_B', userName: 'jchen02' }))),
    ).resolves.toEqual({ institution: 'campus-b', userId: 'jchen02' })
    // Cached: one fetch per institution for any number of tokens.
    await verifier.verify(await sign(keyA))
    expect(jwks.fetches(paths.a)).toBe(1)
    expect(jwks.fetches(paths.b)).toBe(1)
  })

  it('tolerates a small clock difference, no more', async () => {
    await expect(
      verifier.verify(await sign(keyA, claims({ exp: startSeconds - 30 }))),
    ).resolves.toMatchObject({ userId: 'mgarcia01' })
    await expect(
      verifier.verify(await sign(keyA, claims({ iat: startSeconds + 30 }))),
    ).resolves.toMatchObject({ userId: 'mgarcia01' })
  })

  it('refuses an expired token', async () => {
    await expectKind(await sign(keyA, claims({ exp: startSeconds - 120 })), 'expired')
  })

  it('refuses a token issued in the future', async () => {
    await expectKind(
      await sign(keyA, claims({ iat: startSeconds + 600, exp: startSeconds + 1200 })),
      'expired',
    )
  })

  it('refuses a token without exp or iat', async () => {
    const { exp: _exp, ...noExp } = claims()
    await expectKind(await sign(keyA, noExp), 'malformed')
    const { iat: _iat, ...noIat } = claims()
    await expectKind(await sign(keyA, noIat), 'malformed')
  })

  it('refuses a token not issued by Prima', async () => {
    await expectKind(await sign(keyA, claims({ iss: 'Primo' })), 'wrong_issuer')
    const { iss: _iss, ...noIssuer } = claims()
    await expectKind(await sign(keyA, noIssuer), 'wrong_issuer')
  })

  it('refuses an unknown institution, or one without Primo, without fetching any keys', async () => {
    await expectKind(await sign(keyA, claims({ institution: '01OTHER' })), 'unknown_institution')
    await expectKind(await sign(keyA, claims({ institution: 'campus-a' })), 'unknown_institution')
    await expectKind(await sign(keyA, claims({ institution: 'campus-c' })), 'unknown_institution')
    const { institution: _institution, ...none } = claims()
    await expectKind(await sign(keyA, none), 'unknown_institution')
    expect(jwks.fetches(paths.a) + jwks.fetches(paths.b)).toBe(0)
  })

  it('refuses a token claiming one institution signed with another institution’s key', async () => {
    // B's key under A's kid, and under its own kid: A's key set verifies neither.
    await expectKind(await sign({ ...keyB, kid: keyA.kid }, claims()), 'bad_signature')
    await expectKind(await sign(keyB, claims()), 'bad_signature')
    expect(jwks.fetches(paths.b)).toBe(0)
  })

  it('refuses alg none', async () => {
    const unsigned = `${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims())}.`
    await expectKind(unsigned, 'bad_signature')
    await expectKind(
      `${segment({ alg: 'none', kid: keyA.kid })}.${segment(claims())}.`,
      'bad_signature',
    )
    expect(jwks.fetches(paths.a)).toBe(0)
  })

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(createPublicKey({ key: keyA.jwk, format: 'jwk' }))
    for (const secret of [Buffer.from(pem), Buffer.from(JSON.stringify(keyA.jwk))]) {
      const forged = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', kid: keyA.kid })
        .sign(new Uint8Array(secret))
      await expectKind(forged, 'bad_signature')
    }
  })

  it('refuses RS256, even with its key in the set', async () => {
    await expectKind(await sign(rsa), 'bad_signature')
  })

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await sign(keyA)).split('.')
    const tampered = `${header}.${segment(claims({ userName: 'someone-else' }))}.${signature}`
    await expectKind(tampered, 'bad_signature')
    const [, , otherSignature] = (await sign(keyA, claims({ jti: 'other' }))).split('.')
    const [h, p] = (await sign(keyA)).split('.')
    await expectKind(`${h}.${p}.${otherSignature}`, 'bad_signature')
  })

  it('refuses a token without a user', async () => {
    const { userName: _userName, ...noUser } = claims()
    await expectKind(await sign(keyA, noUser), 'no_user')
    await expectKind(await sign(keyA, claims({ userName: '   ' })), 'no_user')
    await expectKind(await sign(keyA, claims({ userName: 42 })), 'no_user')
  })

  it('refuses what is not a JWT', async () => {
    for (const junk of ['', 'not-a-token', 'a.b.c', 'x'.repeat(20_000)]) {
      await expectKind(junk, 'malformed')
    }
  })

  it('follows a key rotation: an unknown kid refetches once, then verifies', async () => {
    await verifier.verify(await sign(keyA))
    expect(jwks.fetches(paths.a)).toBe(1)
    // Ex Libris rotates: the new key is published, the old one withdrawn.
    jwks.serve(paths.a, [keyA2.jwk])
    clock += 45 * 60_000
    await expect(verifier.verify(await sign(keyA2))).resolves.toMatchObject({
      userId: 'mgarcia01',
    })
    expect(jwks.fetches(paths.a)).toBe(2)
    await verifier.verify(await sign(keyA2))
    expect(jwks.fetches(paths.a)).toBe(2)
    // The withdrawn key no longer verifies.
    await expectKind(await sign(keyA), 'bad_signature')
  })

  it('refetches at most once per cooldown for unknown kids', async () => {
    await verifier.verify(await sign(keyA))
    expect(jwks.fetches(paths.a)).toBe(1)
    const stranger = await signingKey('made-up-kid')
    // Right after a fetch: no refetch at all.
    await expectKind(await sign(stranger), 'bad_signature')
    expect(jwks.fetches(paths.a)).toBe(1)
    clock += 60_000
    await expectKind(await sign(stranger), 'bad_signature')
    expect(jwks.fetches(paths.a)).toBe(2)
    for (let attempt = 0; attempt < 10; attempt += 1) {
      clock += 1000
      await expectKind(
        await sign(stranger, claims(), { kid: `made-up-${attempt}` }),
        'bad_signature',
      )
    }
    expect(jwks.fetches(paths.a)).toBe(2)
    // Good tokens are unaffected meanwhile.
    await verifier.verify(await sign(keyA))
    expect(jwks.fetches(paths.a)).toBe(2)
  })

  it('shares one fetch among concurrent first verifications', async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => sign(keyA)))
    await Promise.all(tokens.map((token) => verifier.verify(token)))
    expect(jwks.fetches(paths.a)).toBe(1)
  })

  it('refetches keys older than an hour, and keeps the old ones if Ex Libris is down', async () => {
    await verifier.verify(await sign(keyA))
    clock += 61 * 60_000
    await verifier.verify(await sign(keyA, claims()))
    expect(jwks.fetches(paths.a)).toBe(2)
    jwks.down = true
    clock += 61 * 60_000
    await expect(verifier.verify(await sign(keyA, claims()))).resolves.toMatchObject({
      institution: 'campus-a',
    })
    expect(jwks.fetches(paths.a)).toBe(3)
  })

  it('says keys_unavailable when the key set cannot be fetched, and does not hammer it', async () => {
    jwks.down = true
    await expectKind(await sign(keyA), 'keys_unavailable')
    await expectKind(await sign(keyA), 'keys_unavailable')
    expect(jwks.fetches(paths.a)).toBe(1)
    jwks.down = false
    clock += 31_000
    await expect(verifier.verify(await sign(keyA, claims()))).resolves.toMatchObject({
      userId: 'mgarcia01',
    })
    expect(jwks.fetches(paths.a)).toBe(2)
  })

  it('says keys_unavailable when nothing listens at the key set address', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    verifier = createPrimoTokenVerifier({
      institutions: [
        {
          code: 'campus-a',
          primo: {
            jwksUrl: `http://127.0.0.1:${port}/auth/01TEST_A/jwks.json`,
            institutionCode: '01TEST_A',
            returnOrigins: [],
          },
        },
      ],
      now: () => clock,
    })
    await expectKind(await sign(keyA), 'keys_unavailable')
  })

  it('says keys_unavailable for an answer that is not a key set', async () => {
    jwks.serve(paths.a, 'nonsense' as unknown as JWK[])
    await expectKind(await sign(keyA), 'keys_unavailable')
  })
})
