/**
 * The Alma Users API over HTTP (axios): one instance per institution, behind its rate limiter.
 * The API key travels only in the Authorization header; parameters go in the query string and the
 * pay POST has an empty body, as every public Alma client does.
 */
import http from 'node:http'
import https from 'node:https'
import axios, { type AxiosInstance, type AxiosResponse } from 'axios'
import type { z } from 'zod'
import { backoffDelayMs } from '../../common/backoff.ts'
import { decimalStringFromCents } from '../../common/money.ts'
import { AlmaError } from './errors.ts'
import type { AlmaFee, AlmaFeeList, AlmaPayment, AlmaPort, AlmaUser } from './port.ts'
import { SlidingWindowLimiter, type CallLimiter } from './rateLimiter.ts'
import {
  almaErrorFromResponse,
  invalidResponse,
  parseAlmaErrorBody,
  unavailableWithoutAnswer,
} from './responseErrors.ts'
import {
  almaFeeListSchema,
  almaFeeSchema,
  almaUserSchema,
  toAlmaFee,
  toAlmaFeeList,
  toAlmaUser,
} from './schemas.ts'

type AlmaOperation = 'getUser' | 'listFees' | 'getFee' | 'payFee'

export interface AlmaRetryOptions {
  /** Total attempts for a GET, the first one included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export interface AlmaClientOptions {
  /** Regional gateway, e.g. https://api-na.hosted.exlibrisgroup.com */
  baseUrl: string
  apiKey: string
  /** The institution's per-second threshold (25 by default in the configuration). */
  maxRequestsPerSecond: number
  /**
   * Where the threshold is kept: default this process (`SlidingWindowLimiter`); several instances
   * pass one shared through the database.
   */
  limiter?: CallLimiter
  /** Per request (per attempt). */
  timeoutMs: number
  retry: AlmaRetryOptions
  /** Called after every attempt with the HTTP status, or 'error' when no answer came. */
  onCall?: (operation: AlmaOperation, status: number | 'error') => void
  random?: () => number
  sleep?: (ms: number) => Promise<void>
}

const usersPath = '/almaws/v1/users'

/** One path segment; '.' and '..' would be resolved away by URL parsing even when encoded. */
function segment(id: string): string {
  if (id === '' || id === '.' || id === '..') {
    throw new AlmaError('rejected', 'Alma request not sent: empty or dot-only identifier')
  }
  return encodeURIComponent(id)
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

export function createAlmaClient(options: AlmaClientOptions): AlmaPort {
  if (!options.apiKey) throw new Error('Alma client: an API key is required')
  const limiter =
    options.limiter ?? new SlidingWindowLimiter({ limit: options.maxRequestsPerSecond })
  const random = options.random ?? Math.random
  const sleep = options.sleep ?? defaultSleep
  const maxAttempts = Math.max(1, Math.floor(options.retry.maxAttempts))

  const httpClient: AxiosInstance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `apikey ${options.apiKey}`, Accept: 'application/json' },
    timeout: options.timeoutMs,
    // Every status comes back as a response and is classified here, not by axios.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    maxRedirects: 0,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
  })

  /** One HTTP attempt through the limiter; resolves with the body text of a 2xx answer. */
  async function attempt(
    operation: AlmaOperation,
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    let response: AxiosResponse<string>
    try {
      response = await limiter.run(() =>
        httpClient.request<string>({
          method,
          url: path,
          params,
          // The timeout option only covers socket inactivity; the signal bounds the whole exchange.
          signal: AbortSignal.timeout(options.timeoutMs),
          // The pay POST has no body, so it declares none (and no content type).
          ...(method === 'POST'
            ? { headers: { 'Content-Length': '0', 'Content-Type': false } }
            : {}),
        }),
      )
    } catch (error) {
      options.onCall?.(operation, 'error')
      throw unavailableWithoutAnswer(operation, describeTransportError(error))
    }
    options.onCall?.(operation, response.status)
    const body = typeof response.data === 'string' ? response.data : ''
    if (response.status < 200 || response.status >= 300) {
      throw almaErrorFromResponse(operation, response.status, body)
    }
    // Alma reports errors with errorsExist; a 2xx that carries one is still an error.
    if (parseAlmaErrorBody(body)) throw almaErrorFromResponse(operation, response.status, body)
    return { status: response.status, body }
  }

  async function call<T>(
    operation: AlmaOperation,
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string>,
    schema: z.ZodType<T>,
  ): Promise<{ data: T; status: number }> {
    // payFee is never retried here: the posting worker re-reads the fee before trying again.
    const attempts = method === 'GET' ? maxAttempts : 1
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        const { status, body } = await attempt(operation, method, path, params)
        let json: unknown
        try {
          json = JSON.parse(body)
        } catch {
          throw invalidResponse(operation, status, 'the answer is not JSON')
        }
        const parsed = schema.safeParse(json)
        if (!parsed.success) {
          const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)')
          throw invalidResponse(operation, status, `unexpected shape at ${fields.join(', ')}`)
        }
        return { data: parsed.data, status }
      } catch (error) {
        if (!(error instanceof AlmaError) || !error.retryable || attemptNumber >= attempts) {
          throw error
        }
        // Full jitter: many kiosks' lookups retrying together must not arrive together.
        const policy = { baseMs: options.retry.baseDelayMs, maxMs: options.retry.maxDelayMs }
        await sleep(backoffDelayMs(attemptNumber - 1, { ...policy, jitter: 'full' }, random))
      }
    }
  }

  /** Maps the parsed JSON to the port's types; a value that cannot be money or a date is invalid. */
  function convert<J, T>(operation: AlmaOperation, status: number, json: J, to: (j: J) => T): T {
    try {
      return to(json)
    } catch (error) {
      const problem = error instanceof Error ? error.message : 'unreadable value'
      throw invalidResponse(operation, status, problem)
    }
  }

  return {
    async getUser(userId: string, userIdType: string): Promise<AlmaUser> {
      // Never expand=fees: Alma errors on it for patrons who have fees (pulibrary/bibdata#2059).
      const { data, status } = await call(
        'getUser',
        'GET',
        `${usersPath}/${segment(userId)}`,
        { user_id_type: userIdType },
        almaUserSchema,
      )
      return convert('getUser', status, data, toAlmaUser)
    },

    async listActiveFees(userId: string, userIdType: string): Promise<AlmaFeeList> {
      const { data, status } = await call(
        'listFees',
        'GET',
        `${usersPath}/${segment(userId)}/fees`,
        { user_id_type: userIdType, status: 'ACTIVE' },
        almaFeeListSchema,
      )
      return convert('listFees', status, data, toAlmaFeeList)
    },

    async getFee(primaryId: string, feeId: string): Promise<AlmaFee> {
      const { data, status } = await call(
        'getFee',
        'GET',
        `${usersPath}/${segment(primaryId)}/fees/${segment(feeId)}`,
        {},
        almaFeeSchema,
      )
      return convert('getFee', status, data, toAlmaFee)
    },

    async payFee(primaryId: string, feeId: string, payment: AlmaPayment): Promise<AlmaFee> {
      if (!Number.isSafeInteger(payment.amountCents) || payment.amountCents <= 0) {
        throw new AlmaError('rejected', 'Alma payFee not sent: the amount must be positive cents')
      }
      const params: Record<string, string> = {
        op: 'pay',
        amount: decimalStringFromCents(payment.amountCents),
        method: payment.method,
        external_transaction_id: payment.externalTransactionId,
      }
      if (payment.comment) params.comment = payment.comment
      const { data, status } = await call(
        'payFee',
        'POST',
        `${usersPath}/${segment(primaryId)}/fees/${segment(feeId)}`,
        params,
        almaFeeSchema,
      )
      return convert('payFee', status, data, toAlmaFee)
    },
  }
}

/** A short reason without the request configuration (which carries the API key). */
function describeTransportError(error: unknown): string {
  if (axios.isCancel(error)) return 'timed out'
  if (axios.isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return 'timed out'
    if (error.name === 'CanceledError' || error.code === 'ERR_CANCELED') return 'timed out'
    return error.code ?? 'network error'
  }
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out'
  return 'network error'
}
