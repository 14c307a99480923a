/**
 * Demo-only control routes (`/__sandbox/*`) that let the e2e tests steer the sandbox: faults in Alma,
 * CashNet behaviour, kiosk settings, and a service outage. Never registered outside the demo.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { KioskSettings } from '../../common/api.ts'
import type { SandboxAlma } from '../sandbox/alma/index.ts'
import type { SandboxCashnet } from '../sandbox/cashnet/index.ts'

export interface DemoControlsState {
  apiDown: boolean
  settingsOverride: Record<string, unknown>
}

const almaBody = z.object({
  down: z.boolean().optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
})
const closeFeesBody = z.object({ cardNumber: z.string().min(1) })
const cashnetBody = z.object({
  postbackDelayMs: z.number().int().min(0).max(120_000).optional(),
  duplicatePostbacks: z.number().int().min(0).max(10).optional(),
  returnMethod: z.enum(['GET', 'POST']).optional(),
})
const serviceBody = z.object({ apiDown: z.boolean() })
const settingsBody = z.record(z.string(), z.unknown())

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Merges a partial settings object over the base, one level of nesting deep where both are objects. */
export function mergeSettings(base: KioskSettings, override: Record<string, unknown>): unknown {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key]
    merged[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value
  }
  return merged
}

export function registerDemoControls(
  app: FastifyInstance,
  deps: {
    alma: SandboxAlma
    cashnet: SandboxCashnet
    state: DemoControlsState
    cashnetDefaults: Parameters<SandboxCashnet['setOptions']>[0]
  },
): void {
  const { alma, cashnet, state } = deps

  // An outage as the kiosk sees it: the connection drops without an answer.
  app.addHook('onRequest', (request, reply, done) => {
    if (state.apiDown && request.url.startsWith('/api/')) {
      request.raw.socket.destroy()
      void reply.hijack()
      return
    }
    done()
  })

  app.post('/__sandbox/reset', async (_request, reply) => {
    alma.reset()
    cashnet.setOptions(deps.cashnetDefaults)
    state.apiDown = false
    state.settingsOverride = {}
    return reply.code(204).send()
  })

  app.post('/__sandbox/alma', async (request, reply) => {
    const body = almaBody.parse(request.body)
    alma.setFaults({
      ...(body.down === undefined ? {} : { down: body.down }),
      ...(body.latencyMs === undefined ? {} : { latencyMs: body.latencyMs }),
    })
    return reply.code(204).send()
  })

  app.post('/__sandbox/alma/close-fees', async (request, reply) => {
    const { cardNumber } = closeFeesBody.parse(request.body)
    const primaryId = alma.primaryIdForCard(cardNumber)
    const response = await fetch(
      `${alma.url}/almaws/v1/users/${encodeURIComponent(primaryId)}/fees?status=ACTIVE`,
      { headers: { authorization: `apikey ${alma.apiKey}`, accept: 'application/json' } },
    )
    const body = z
      .object({ fee: z.array(z.object({ id: z.string() })).optional() })
      .parse(await response.json())
    for (const fee of body.fee ?? []) alma.closeFee(fee.id)
    return reply.code(204).send()
  })

  app.post('/__sandbox/cashnet', async (request, reply) => {
    const body = cashnetBody.parse(request.body)
    cashnet.setOptions(body)
    return reply.code(204).send()
  })

  app.post('/__sandbox/settings', async (request, reply) => {
    state.settingsOverride = { ...state.settingsOverride, ...settingsBody.parse(request.body) }
    return reply.code(204).send()
  })

  app.post('/__sandbox/service', async (request, reply) => {
    state.apiDown = serviceBody.parse(request.body).apiDown
    return reply.code(204).send()
  })
}
