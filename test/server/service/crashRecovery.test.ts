import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freeLoopbackPort } from '../../../server/demo/freePort.ts'
import {
  sandboxCards,
  startSandboxAlma,
  type SandboxAlma,
} from '../../../server/sandbox/alma/index.ts'
import { startSandboxCashnet, type SandboxCashnet } from '../../../server/sandbox/cashnet/index.ts'
import { payOnSandbox } from '../payments/harness.ts'
import { kioskClient } from './client.ts'

const serviceEntry = fileURLToPath(new URL('../../../server/index.ts', import.meta.url))
const kioskKey = 'crash-test-kiosk-key'
const secret = 'crash-test-postback-secret'
const settleSeconds = 30

/** Polls `check` every 20 ms until it returns true; fails after `timeoutMs`. */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * The real service process (`node server/index.ts`, configured from the environment alone) killed
 * with SIGKILL while an Alma payment is in flight, then restarted on the same database.
 */
describe('server/index (crash recovery)', () => {
  let alma: SandboxAlma
  let cashnet: SandboxCashnet
  let dataDir: string
  let port: number
  let child: ChildProcess | null = null

  function startService(): ChildProcess {
    const processHandle = spawn(process.execPath, [serviceEntry], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: join(dataDir, 'service.sqlite'),
        LOG_LEVEL: 'warn',
        ALMA_API_BASE_URL: alma.url,
        ALMA_API_KEY: alma.apiKey,
        ALMA_USER_ID_TYPE: 'BARCODE',
        CASHNET_CHECKOUT_URL: cashnet.storeUrl,
        CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
        CASHNET_POSTBACK_SECRET: secret,
        KIOSK_KEYS: `crash-kiosk:${kioskKey}`,
        // The shortest settle window the configuration allows (30 s, and 5 × the timeout).
        ALMA_TIMEOUT_MS: '2000',
        ALMA_SETTLE_SECONDS: String(settleSeconds),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    return processHandle
  }

  async function untilHealthy() {
    await waitFor(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok
        } catch {
          return false
        }
      },
      15_000,
      'the service to start',
    )
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kiosk-crash-'))
    port = await freeLoopbackPort()
    alma = await startSandboxAlma()
    cashnet = await startSandboxCashnet({
      postbackUrl: `http://127.0.0.1:${port}/cashnet/postback/${secret}`,
    })
  })
  afterAll(async () => {
    child?.kill('SIGKILL')
    await cashnet.close()
    await alma.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('posts every line exactly once after a SIGKILL mid-posting', async () => {
    child = startService()
    await untilHealthy()
    const kiosk = kioskClient(`http://127.0.0.1:${port}`, kioskKey)
    const lookup = await kiosk.lookup(sandboxCards.severalFees)
    const checkout = await kiosk.checkout({ lookupId: lookup.lookupId })
    const primaryId = alma.primaryIdForCard(sandboxCards.severalFees)

    // Slow Alma down so the kill lands while a payment is in flight (Alma still applies it).
    alma.setFaults({ latencyMs: 400 })
    await payOnSandbox(checkout.checkoutUrl)
    await waitFor(
      () => alma.requests().some((request) => request.method === 'POST' && request.status === 0),
      15_000,
      'a payment in flight',
    )
    child.kill('SIGKILL')
    await new Promise((resolve) => child?.once('exit', resolve))
    const sentBeforeKill = alma.requests().filter((request) => request.method === 'POST')
    // The payment the dead process sent lands in Alma without anyone recording the answer.
    await waitFor(() => alma.ledger().length >= 1, 5_000, 'the in-flight payment to land')

    alma.setFaults({ latencyMs: 0 })
    child = startService()
    await untilHealthy()
    const final = await kiosk.until(
      checkout.checkoutId,
      ['posted', 'posted_with_exceptions'],
      settleSeconds * 1000 + 30_000,
    )
    expect(final.status).toBe('posted')
    // The restarted service paid nothing before the settle window of the attempts that were out.
    const firstSent = Math.min(...sentBeforeKill.map((request) => request.startedAt))
    const paidAfterRestart = alma
      .requests()
      .filter((request) => request.method === 'POST')
      .slice(sentBeforeKill.length)
    for (const request of paidAfterRestart) {
      expect(request.startedAt - firstSent).toBeGreaterThanOrEqual(settleSeconds * 1000)
    }

    const tx = final.receipt?.transactionId
    const ledger = alma.ledger().filter((payment) => payment.externalTransactionId === tx)
    expect(ledger.every((payment) => payment.userPrimaryId === primaryId)).toBe(true)
    expect(ledger.map((payment) => [payment.feeId, payment.amountCents]).sort()).toEqual(
      checkout.lines.map((line) => [line.feeId, line.amountCents]).sort(),
    )
    child.kill('SIGTERM')
    await new Promise((resolve) => child?.once('exit', resolve))
    child = null
  }, 120_000)
})
