import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Health } from '../common/api.ts'
import { serviceVersion } from './version.ts'

export interface AppOptions {
  /** Folder with the built renderer to serve at `/` (the browser preview); omitted in production. */
  rendererDir?: string
  logger?: boolean
}

/** Builds the companion service. Dependencies come in as parameters so tests can build it for real. */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false })

  app.get('/healthz', (): Health => ({ status: 'ok', version: serviceVersion }))

  if (options.rendererDir) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' })
  }
  return app
}
