import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { healthSchema } from '../../common/api.ts'
import { buildApp } from '../../server/app.ts'

describe('server /healthz', () => {
  let app: FastifyInstance
  let baseUrl: string

  beforeAll(async () => {
    app = await buildApp()
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await app.close()
  })

  it('answers over real HTTP on loopback', async () => {
    const response = await fetch(`${baseUrl}/healthz`)
    expect(response.status).toBe(200)
    const body = healthSchema.parse(await response.json())
    expect(body.status).toBe('ok')
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
  })
})
