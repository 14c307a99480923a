/**
 * Demo-only control routes (`/__sandbox/*`) that let the e2e tests steer the sandbox: faults in Alma,
 * planned pay failures, gates that hold Alma calls or CashNet postbacks until released, CashNet
 * behaviour, kiosk settings, and a service outage. Bodies are schema-checked (400 when they are not
 * what the route takes). Never registered outside the demo.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { KioskSettings } from '../../common/api.ts'
import {
  sandboxAlmaCallKinds,
  sandboxPayFailures,
  type SandboxAlma,
  type SandboxAlmaCallKind,
} from '../sandbox/alma/index.ts'
import type { SandboxCashnet } from '../sandbox/cashnet/index.ts'
import type { SandboxMail } from '../sandbox/mail/index.ts'
import { SandboxGateError, type SandboxGate } from '../sandbox/gate.ts'

export interface DemoControlsState {
  apiDown: boolean
  settingsOverride: Record<string, unknown>
}

/** Every control route, for the e2e helpers that call them (all POST but `almaCalls` and `mail`, GETs). */
export const sandboxControlPaths = {
  reset: '/__sandbox/reset',
  alma: '/__sandbox/alma',
  almaCloseFees: '/__sandbox/alma/close-fees',
  almaFailPays: '/__sandbox/alma/fail-pays',
  almaCalls: '/__sandbox/alma/calls',
  almaHold: '/__sandbox/alma/hold',
  almaHoldArrived: '/__sandbox/alma/hold/arrived',
  almaHoldRelease: '/__sandbox/alma/hold/release',
  cashnet: '/__sandbox/cashnet',
  cashnetHold: '/__sandbox/cashnet/hold',
  cashnetHoldArrived: '/__sandbox/cashnet/hold/arrived',
  cashnetHoldRelease: '/__sandbox/cashnet/hold/release',
  mail: '/__sandbox/mail',
  settings: '/__sandbox/settings',
  service: '/__sandbox/service',
  /** A pay link (as a QR code holds it) or Primo's Pay fines link for a seed card's patron: `{url}`. */
  payLink: '/__sandbox/pay-link',
} as const

const almaBody = z.strictObject({
  down: z.boolean().optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  payDelayMs: z.number().int().min(0).max(120_000).optional(),
})
const failPaysBody = z.strictObject({
  answer: z.enum(sandboxPayFailures),
  count: z.number().int().min(1).max(100).optional(),
  applied: z.boolean().optional(),
})
const closeFeesBody = z.strictObject({ cardNumber: z.string().min(1) })
const cashnetBody = z.strictObject({
  postbackDelayMs: z.number().int().min(0).max(120_000).optional(),
  duplicatePostbacks: z.number().int().min(0).max(10).optional(),
  returnMethod: z.enum(['GET', 'POST']).optional(),
})
const payLinkBody = z.strictObject({
  cardNumber: z.string().min(1),
  /** A staff or kiosk pay link (default), or the sandbox Primo's "Pay fines" link. */
  via: z.enum(['link', 'primo']).optional(),
})
const kindBody = z.strictObject({ kind: z.enum(sandboxAlmaCallKinds) })
const arrivals = {
  /** How many arrivals to wait for since the hold began (default 1). */
  count: z.number().int().min(1).max(100).optional(),
  /** How long to wait before answering 408 (default 10 s). */
  timeoutMs: z.number().int().min(1).max(60_000).optional(),
}
const almaArrivedBody = z.strictObject({ ...kindBody.shape, ...arrivals })
const cashnetArrivedBody = z.strictObject(arrivals)
const serviceBody = z.strictObject({ apiDown: z.boolean() })
const settingsBody = z.record(z.string(), z.unknown())
/** Routes without options take no body, or an empty object. */
const noBody = z.union([z.undefined(), z.null(), z.strictObject({})])

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

/** Answers with a status and what went wrong. */
function refuse(reply: FastifyReply, status: number, error: string): void {
  void reply.code(status).send({ error })
}

/** The body as the schema reads it, or null after answering 400 with the first problem. */
function bodyOf<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): { data: T } | null {
  const parsed = schema.safeParse(body)
  if (parsed.success) return { data: parsed.data }
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? issue.path.join('.') : 'body'
  refuse(reply, 400, `${where}: ${issue?.message ?? 'not valid'}`)
  return null
}

/** Starts a hold; a second one while the first is on answers 409. */
function startHold(reply: FastifyReply, hold: () => SandboxGate): SandboxGate | null {
  try {
    return hold()
  } catch (error) {
    if (!(error instanceof SandboxGateError)) throw error
    refuse(reply, 409, error.message)
    return null
  }
}

/** Waits for arrivals at a gate; 408 on timeout, 409 when nothing is held or the hold ended. */
async function awaitArrivals(
  reply: FastifyReply,
  gate: SandboxGate | undefined,
  wait: { count?: number | undefined; timeoutMs?: number | undefined },
): Promise<void> {
  if (!gate) {
    refuse(reply, 409, 'nothing is held: start a hold first')
    return
  }
  try {
    await gate.arrived(wait.count, wait.timeoutMs)
  } catch (error) {
    if (!(error instanceof SandboxGateError)) throw error
    refuse(reply, error.kind === 'gate_timeout' ? 408 : 409, error.message)
  }
}

export function registerDemoControls(
  app: FastifyInstance,
  deps: {
    alma: SandboxAlma
    cashnet: SandboxCashnet
    /** The demo's loopback mail server: `mail` lists what arrived. */
    mail: SandboxMail
    state: DemoControlsState
    /** The CashNet settings `/__sandbox/reset` returns to. */
    cashnetDefaults: Parameters<SandboxCashnet['setOptions']>[0]
    /** A pay link for the patron behind a seed card (the shown campus's). */
    payLinkFor(cardNumber: string, via: 'link' | 'primo'): Promise<string>
  },
): void {
  const { alma, cashnet, state } = deps
  /** The gates of the holds started through these routes, until released or reset. */
  const almaGates = new Map<SandboxAlmaCallKind, SandboxGate>()
  let postbackGate: SandboxGate | undefined

  // An outage as the kiosk sees it: the connection drops without an answer.
  app.addHook('onRequest', (request, reply, done) => {
    if (state.apiDown && request.url.startsWith('/api/')) {
      request.raw.socket.destroy()
      void reply.hijack()
      return
    }
    done()
  })

  /** A POST route: the body checked against `schema`, then `act`; 204 unless `act` answered. */
  function control<T>(
    path: string,
    schema: z.ZodType<T>,
    act: (body: T, reply: FastifyReply) => unknown,
  ): void {
    app.post(path, async (request, reply) => {
      const read = bodyOf(schema, request.body, reply)
      if (!read) return reply
      await act(read.data, reply)
      return reply.sent ? reply : reply.code(204).send()
    })
  }

  control(sandboxControlPaths.reset, noBody, () => {
    alma.reset()
    almaGates.clear()
    cashnet.reset()
    cashnet.setOptions(deps.cashnetDefaults)
    deps.mail.reset()
    postbackGate = undefined
    state.apiDown = false
    state.settingsOverride = {}
  })

  control(sandboxControlPaths.alma, almaBody, (body) => {
    alma.setFaults(body)
  })

  control(sandboxControlPaths.almaFailPays, failPaysBody, (body) => {
    alma.failPays(body)
  })

  app.get(sandboxControlPaths.almaCalls, () => alma.callCounts())

  app.get(sandboxControlPaths.mail, () => deps.mail.messages())

  control(sandboxControlPaths.almaHold, kindBody, (body, reply) => {
    const gate = startHold(reply, () => alma.hold(body.kind))
    if (gate) almaGates.set(body.kind, gate)
  })

  control(sandboxControlPaths.almaHoldArrived, almaArrivedBody, (body, reply) =>
    awaitArrivals(reply, almaGates.get(body.kind), body),
  )

  control(sandboxControlPaths.almaHoldRelease, kindBody, async (body, reply) => {
    const gate = almaGates.get(body.kind)
    if (!gate) {
      refuse(reply, 409, `Alma ${body.kind} calls are not held`)
      return
    }
    almaGates.delete(body.kind)
    await gate.release()
  })

  control(sandboxControlPaths.almaCloseFees, closeFeesBody, async (body) => {
    const primaryId = alma.primaryIdForCard(body.cardNumber)
    const response = await fetch(
      `${alma.url}/almaws/v1/users/${encodeURIComponent(primaryId)}/fees?status=ACTIVE`,
      { headers: { authorization: `apikey ${alma.apiKey}`, accept: 'application/json' } },
    )
    const listed = z
      .object({ fee: z.array(z.object({ id: z.string() })).optional() })
      .parse(await response.json())
    for (const fee of listed.fee ?? []) alma.closeFee(fee.id)
  })

  control(sandboxControlPaths.cashnet, cashnetBody, (body) => {
    cashnet.setOptions(body)
  })

  control(sandboxControlPaths.cashnetHold, noBody, (_body, reply) => {
    postbackGate = startHold(reply, () => cashnet.holdPostbacks()) ?? postbackGate
  })

  control(sandboxControlPaths.cashnetHoldArrived, cashnetArrivedBody, (body, reply) =>
    awaitArrivals(reply, postbackGate, body),
  )

  control(sandboxControlPaths.cashnetHoldRelease, noBody, async (_body, reply) => {
    const gate = postbackGate
    if (!gate) {
      refuse(reply, 409, 'CashNet postbacks are not held')
      return
    }
    postbackGate = undefined
    await gate.release()
  })

  control(sandboxControlPaths.settings, settingsBody, (body) => {
    state.settingsOverride = { ...state.settingsOverride, ...body }
  })

  control(sandboxControlPaths.service, serviceBody, (body) => {
    state.apiDown = body.apiDown
  })

  control(sandboxControlPaths.payLink, payLinkBody, async (body, reply) => {
    await reply.code(201).send({ url: await deps.payLinkFor(body.cardNumber, body.via ?? 'link') })
  })
}
