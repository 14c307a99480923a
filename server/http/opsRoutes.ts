import type { FastifyInstance } from 'fastify'
import type { Health } from '../../common/api.ts'
import type { Metrics } from '../ops/metrics.ts'
import { serviceVersion } from '../version.ts'

export interface OpsRouteDeps {
  metrics: Metrics
  /** Resolves when the service can do its job (database answers); throws otherwise. */
  checkReady: () => Promise<void>
}

/** `/healthz` (the process is up), `/readyz` (it can serve), `/metrics` (Prometheus text). */
export function opsRoutes(deps: OpsRouteDeps) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get('/healthz', (): Health => ({ status: 'ok', version: serviceVersion }))

    app.get('/readyz', async (request, reply) => {
      try {
        await deps.checkReady()
        return { status: 'ready' }
      } catch (error) {
        request.log.warn({ err: error }, 'not ready')
        return reply.code(503).send({ status: 'not_ready' })
      }
    })

    app.get('/metrics', async (_request, reply) =>
      reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
    )
    done()
  }
}
