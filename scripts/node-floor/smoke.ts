/**
 * Runs under the floor Node (see index.ts), itself stripped of its types: starts the service the way
 * `npm run server` does (`node server/index.ts`, here with SANDBOX=true on a free loopback port),
 * then checks /healthz and takes one payment through the sandbox Alma and CashNet, from lookup to
 * posted, and stops the service with SIGTERM.
 *
 * Usage: node scripts/node-floor/smoke.ts <expected Node version>
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  checkoutCreatedSchema,
  checkoutStateSchema,
  finalCheckoutStatuses,
  healthSchema,
  lookupResponseSchema,
} from '../../common/api.ts'
import { sandboxCards } from '../../server/sandbox/alma/seed.ts'
import { approvedTestCard } from '../../server/sandbox/cashnet/index.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const startTimeoutMs = 30_000
const postTimeoutMs = 30_000

function startService(): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, SANDBOX: 'true', PORT: '0' }
  delete env.NODE_ENV
  const child = spawn(process.execPath, ['server/index.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the service did not start within ${startTimeoutMs} ms:\n${stderr}`))
    }, startTimeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      const url = /Sandbox service listening at (http:\/\/127\.0\.0\.1:\d+)/u.exec(stdout)?.[1]
      if (url) {
        clearTimeout(timer)
        resolve({ child, url, stderr: () => stderr })
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the service exited (${code ?? signal}) before listening:\n${stderr}`))
    })
  })
}

async function json(url: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(url, init)
  const text = await response.text()
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text}`)
  return JSON.parse(text) as unknown
}

/** The SANDBOX service adds the demo kiosk's key to `/api/*` calls itself. */
const post = (url: string, body: unknown) =>
  json(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

/** Presses Pay on the sandbox CashNet page, as the patron's browser would. */
async function payAtCashnet(checkoutUrl: string): Promise<void> {
  const html = await (await fetch(checkoutUrl)).text()
  const action = /<form method="post" action="([^"]+)"/u.exec(html)?.[1]
  if (!action) throw new Error('the sandbox CashNet page has no payment form')
  const answer = await fetch(new URL(action.replaceAll('&amp;', '&'), checkoutUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'pay', card: approvedTestCard }).toString(),
    redirect: 'manual',
  })
  if (answer.status >= 400)
    throw new Error(`the sandbox CashNet refused the payment: ${answer.status}`)
}

async function takeOnePayment(url: string): Promise<string> {
  const lookup = lookupResponseSchema.parse(
    await post(`${url}/api/v1/lookups`, { cardNumber: sandboxCards.oneFee }),
  )
  const created = checkoutCreatedSchema.parse(
    await post(`${url}/api/v1/checkouts`, { lookupId: lookup.lookupId }),
  )
  await payAtCashnet(created.checkoutUrl)
  const deadline = Date.now() + postTimeoutMs
  let wait = ''
  for (;;) {
    const state = checkoutStateSchema.parse(
      await json(`${url}/api/v1/checkouts/${created.checkoutId}${wait}`),
    )
    if (state.status === 'posted') return `${created.amountCents} cents posted`
    if (finalCheckoutStatuses.includes(state.status) || Date.now() > deadline) {
      throw new Error(`the checkout ended ${state.status}, not posted`)
    }
    // Long-polls until the status changes (the server answers within 2 s either way).
    wait = `?status=${state.status}&wait=2`
  }
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      resolve(code)
    })
    child.kill('SIGTERM')
  })
}

const expected = process.argv[2]
if (process.versions.node !== expected) {
  console.error(`smoke: running on Node ${process.versions.node}, expected ${expected}`)
  process.exit(1)
}
const service = await startService()
try {
  healthSchema.parse(await json(`${service.url}/healthz`))
  console.log(`smoke: Node ${expected}: /healthz ok, ${await takeOnePayment(service.url)}`)
} catch (error) {
  service.child.kill('SIGKILL')
  console.error(
    `smoke: ${error instanceof Error ? error.message : String(error)}\n${service.stderr()}`,
  )
  process.exit(1)
}
const code = await stop(service.child)
if (code !== 0) {
  console.error(`smoke: the service exited with ${code} on SIGTERM:\n${service.stderr()}`)
  process.exit(1)
}
