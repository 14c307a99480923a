/**
 * The kiosk logo through the real service: a file logo and a URL logo (fetched from a loopback
 * server), each institution's kiosks getting their own, and bad logos refused with errors that name
 * the institution and the key.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiErrorSchema, kioskSettingsSchema } from '../../../common/api.ts'
import { assembleService, type AssembledService } from '../../../server/assemble.ts'
import { ConfigError, loadConfig } from '../../../server/config/load.ts'
import { demoLogoPng } from '../../../server/demo/demoLogo.ts'

const dir = mkdtempSync(join(tmpdir(), 'kiosk-logo-'))
const pngA = demoLogoPng(30, 10, '#00386b')
const pngB = demoLogoPng(40, 12, '#8a1c1c')

function institution(code: string, key: string, kiosk: Record<string, unknown>) {
  return {
    code,
    name: `${code} Library`,
    alma: { baseUrl: 'http://127.0.0.1:9/almaws', apiKey: 'alma-key' },
    cashnet: {
      checkoutUrl: 'http://127.0.0.1:9/LIBRARY',
      postbackSecret: `secret-${code}`,
      itemCodes: { default: 'LIB-FINE' },
    },
    kiosks: [{ id: `kiosk-${code}`, key }],
    kiosk,
  }
}

function configWith(institutions: unknown[]) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(
    file,
    JSON.stringify({
      service: { databaseUrl: join(dir, `${Math.random().toString(36).slice(2)}.sqlite`) },
      institutions,
    }),
  )
  return loadConfig({ CONFIG_FILE: file })
}

function fileOf(name: string, bytes: Buffer | string): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

async function assembleError(config: ReturnType<typeof configWith>): Promise<ConfigError> {
  try {
    const service = await assembleService(config)
    await service.close()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('the service started')
}

describe('GET /api/v1/logo', () => {
  let logoHost: Server
  let logoHostUrl: string
  let answer: { body: Buffer | string; type: string; status: number }
  let fetches = 0
  let service: AssembledService
  let url: string

  const get = (key: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/logo`, { headers: { authorization: `Bearer ${key}`, ...headers } })

  beforeAll(async () => {
    answer = { body: pngB, type: 'image/png', status: 200 }
    logoHost = createServer((request, response) => {
      fetches += 1
      // Lies about the type on purpose: the service goes by the bytes.
      response.writeHead(answer.status, { 'content-type': answer.type })
      response.end(answer.body)
    })
    await new Promise<void>((resolve) => logoHost.listen(0, '127.0.0.1', resolve))
    logoHostUrl = `http://127.0.0.1:${(logoHost.address() as AddressInfo).port}`
    const config = configWith([
      institution('A', 'key-a', { logoFile: fileOf('a.png', pngA) }),
      institution('B', 'key-b', { logoUrl: `${logoHostUrl}/b.png` }),
      institution('C', 'key-c', {}),
    ])
    service = await assembleService(config)
    url = await service.listen(0, '127.0.0.1')
  })
  afterAll(async () => {
    await service.close()
    await new Promise((resolve) => logoHost.close(resolve))
  })

  it('serves a file logo with its type, cache headers and nosniff', async () => {
    const response = await get('key-a')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('cache-control')).toBe('private, max-age=3600')
    expect(Buffer.from(await response.arrayBuffer())).toEqual(pngA)

    const etag = response.headers.get('etag') ?? ''
    expect(etag).toMatch(/^".+"$/)
    const again = await get('key-a', { 'if-none-match': etag })
    expect(again.status).toBe(304)
  })

  it('tells each kiosk the logo path on the API, or null without one', async () => {
    const settingsOf = async (key: string) => {
      const response = await fetch(`${url}/api/v1/kiosk-settings`, {
        headers: { authorization: `Bearer ${key}` },
      })
      return kioskSettingsSchema.parse(await response.json()).library.logoUrl
    }
    expect(await settingsOf('key-a')).toBe('/api/v1/logo')
    expect(await settingsOf('key-b')).toBe('/api/v1/logo')
    expect(await settingsOf('key-c')).toBeNull()
    const none = await get('key-c')
    expect(none.status).toBe(404)
    expect(apiErrorSchema.parse(await none.json()).error.code).toBe('not_found')
  })

  it('fetches a URL logo once, caches it, and gives each institution its own', async () => {
    const before = fetches
    const [first, second] = await Promise.all([get('key-b'), get('key-b')])
    expect(Buffer.from(await first.arrayBuffer())).toEqual(pngB)
    expect(Buffer.from(await second.arrayBuffer())).toEqual(pngB)
    expect(Buffer.from(await (await get('key-a')).arrayBuffer())).toEqual(pngA)
    expect(fetches - before).toBeLessThanOrEqual(1)
    await get('key-b')
    expect(fetches - before).toBeLessThanOrEqual(1)
  })

  it('needs the kiosk key', async () => {
    expect((await fetch(`${url}/api/v1/logo`)).status).toBe(401)
  })
})

describe('a URL logo the service cannot use', () => {
  it('is logged with its institution and key, answers 404, and is retried later', async () => {
    let body: Buffer | string = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    let fetches = 0
    const host = createServer((_request, response) => {
      fetches += 1
      response.writeHead(200, { 'content-type': 'image/png' })
      response.end(body)
    })
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
    const hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`
    const lines: string[] = []
    let now = 0
    const config = configWith([institution('B', 'key-b', { logoUrl: `${hostUrl}/b.svg` })])
    const service = await assembleService(config, {
      clock: { now: () => now },
      logger: {
        level: 'error',
        stream: {
          write: (line: string) => {
            lines.push(line)
          },
        },
      },
    })
    const base = await service.listen(0, '127.0.0.1')
    const get = () => fetch(`${base}/api/v1/logo`, { headers: { authorization: 'Bearer key-b' } })
    try {
      expect((await get()).status).toBe(404)
      const logged = lines.join('')
      expect(logged).toContain('institutions[0] (B).kiosk.logoUrl: SVG logos are refused')
      expect(logged).toContain('"institution":"B"')
      // Within the retry delay the service does not hammer the logo host.
      expect((await get()).status).toBe(404)
      expect(fetches).toBe(1)
      body = pngB
      now += 61_000
      const fixed = await get()
      expect(fixed.status).toBe(200)
      expect(Buffer.from(await fixed.arrayBuffer())).toEqual(pngB)
    } finally {
      await service.close()
      await new Promise((resolve) => host.close(resolve))
    }
  })
})

describe('a bad logo file', () => {
  it.each([
    [
      'an SVG',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
      'SVG logos are refused (they can carry scripts); use PNG, JPEG or WebP',
    ],
    ['garbage', 'not an image at all', 'the logo is not a PNG, JPEG or WebP image'],
    [
      'an oversize PNG',
      Buffer.concat([pngA, Buffer.alloc(300 * 1024)]),
      'at most 256 KiB is allowed',
    ],
  ])(
    'stops the service at start: %s, naming the institution and key',
    async (_what, bytes, problem) => {
      const config = configWith([
        institution('A', 'key-a', {}),
        institution('B', 'key-b', { logoFile: fileOf(`bad-${Math.random()}.bin`, bytes) }),
      ])
      const error = await assembleError(config)
      expect(error.problems).toHaveLength(1)
      expect(error.problems[0]).toContain(`institutions[1] (B).kiosk.logoFile: `)
      expect(error.problems[0]).toContain(problem)
    },
  )

  it('stops the service when the file is missing', async () => {
    const config = configWith([institution('A', 'key-a', { logoFile: join(dir, 'missing.png') })])
    const error = await assembleError(config)
    expect(error.problems).toEqual([
      `institutions[0] (A).kiosk.logoFile: cannot read ${join(dir, 'missing.png')} (ENOENT)`,
    ])
  })
})

describe('logo configuration', () => {
  const problems = (kiosk: Record<string, unknown>) => {
    try {
      configWith([institution('A', 'key-a', kiosk)])
      return []
    } catch (error) {
      if (error instanceof ConfigError) return error.problems
      throw error
    }
  }

  it('takes a file or a URL, not both, and an https URL (http only on loopback)', () => {
    expect(problems({ logoFile: '/x.png', logoUrl: 'https://cdn.example.edu/x.png' })).toEqual([
      'institutions[0] (A).kiosk.logoUrl: give the logo as a file or a URL, not both',
    ])
    expect(problems({ logoUrl: 'http://cdn.example.edu/x.png' })).toEqual([
      'institutions[0] (A).kiosk.logoUrl: must be an https URL (http only to 127.0.0.1, ::1 or localhost)',
    ])
    expect(problems({ logoUrl: 'https://cdn.example.edu/x.png' })).toEqual([])
  })

  it('names the environment keys for a single campus', () => {
    const env = {
      ALMA_API_KEY: 'alma-key',
      CASHNET_CHECKOUT_URL: 'http://127.0.0.1:9999/LIBRARY',
      CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
      CASHNET_POSTBACK_SECRET: 'postback-secret',
      KIOSK_KEYS: 'lobby:kiosk-key-1',
    }
    const config = loadConfig({ ...env, LIBRARY_LOGO_FILE: '/srv/logo.png' })
    expect(config.institutions[0]?.logo).toEqual({
      kind: 'file',
      location: '/srv/logo.png',
      configKey: 'LIBRARY_LOGO_FILE',
    })
    expect(config.institutions[0]?.kioskSettings.library.logoUrl).toBe('/api/v1/logo')
    expect(() => loadConfig({ ...env, LIBRARY_LOGO_URL: 'ftp://x/logo.png' })).toThrow(
      /LIBRARY_LOGO_URL: /,
    )
  })
})
