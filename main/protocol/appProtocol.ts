/**
 * The `app://kiosk` protocol handler: the built renderer's files, main's status pages, and the
 * `/api/*` proxy to the service. Written against the Fetch API's Request and Response, so tests run
 * it under Node against real files and a real HTTP server.
 */
import { readFile } from 'node:fs/promises'
import type { StaticPage } from '../pages/statusPages.ts'
import { rendererCsp } from '../security/csp.ts'
import {
  buildProxyRequest,
  isApiPath,
  maxProxyBodyBytes,
  proxyDeadlineMs,
  proxyErrorResponse,
  proxyResponse,
  type ServiceTarget,
} from './apiProxy.ts'
import { parseAppUrl, statusPaths } from './appUrl.ts'
import { contentTypeFor, resolveRendererFile } from './rendererFiles.ts'
import {
  describeUpstreamFailure,
  isRedirectStatus,
  serviceRedirectedAdvice,
} from './upstreamFailure.ts'

export type StatusPageKind = keyof typeof statusPaths

type FetchLike = (url: string, init: RequestInit) => Promise<Response>

export interface AppProtocolOptions {
  rendererDir: string
  /** The service to proxy to; null while the kiosk is not configured. */
  service: () => ServiceTarget | null
  /** The current text of a status page, or null when it is not being shown. */
  statusPage: (kind: StatusPageKind) => StaticPage | null
  /** Electron's net.fetch in the app (Chromium's network stack: system proxy and certificates). */
  fetch: FetchLike
  onProxyError?: (message: string) => void
  /** How long a proxied request may take (proxyDeadlineMs unless a test shortens it). */
  deadlineMs?: (url: URL) => number
}

const securityHeaders = { 'x-content-type-options': 'nosniff' }

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: securityHeaders })
}

function htmlResponse(html: string, csp: string): Response {
  return new Response(html, {
    headers: {
      ...securityHeaders,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-store',
    },
  })
}

async function readBody(request: Request): Promise<ArrayBuffer | null | 'too-large'> {
  if (request.method === 'GET' || request.method === 'HEAD') return null
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > maxProxyBodyBytes) return 'too-large'
  const body = await request.arrayBuffer()
  return body.byteLength > maxProxyBodyBytes ? 'too-large' : body
}

async function proxy(request: Request, options: AppProtocolOptions): Promise<Response> {
  const service = options.service()
  if (!service) return proxyErrorResponse(503, 'This kiosk is not configured.')
  const body = await readBody(request)
  if (body === 'too-large') return proxyErrorResponse(413, 'Request body too large.')
  const plan = buildProxyRequest(
    { url: request.url, method: request.method, headers: request.headers, body },
    service,
  )
  if (!plan.ok) return proxyErrorResponse(plan.status, plan.reason)
  const path = new URL(plan.url).pathname
  const deadline = (options.deadlineMs ?? proxyDeadlineMs)(new URL(plan.url))
  try {
    const upstream = await options.fetch(plan.url, {
      method: plan.method,
      headers: plan.headers,
      body: plan.body,
      redirect: 'manual',
      // In Electron request.signal never fires (the handler gets a copy without the renderer's
      // signal); the deadline is what ends an abandoned request. Both are honoured.
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(deadline)]),
    })
    if (isRedirectStatus(upstream.status)) {
      // Node's fetch returns the 3xx; net.fetch rejects (below). Same answer either way.
      await upstream.body?.cancel().catch(() => undefined)
      options.onProxyError?.(`proxy ${plan.method} ${path}: ${serviceRedirectedAdvice}`)
      return proxyErrorResponse(502, `The kiosk service redirected (${serviceRedirectedAdvice}).`)
    }
    return proxyResponse(upstream)
  } catch (error) {
    const failure = describeUpstreamFailure(error)
    // Log the path only: query strings and bodies may carry patron data.
    options.onProxyError?.(`proxy ${plan.method} ${path} failed: ${failure.detail}`)
    if (failure.kind === 'timeout') {
      return proxyErrorResponse(504, 'The kiosk service did not answer in time.')
    }
    if (failure.kind === 'redirected') {
      return proxyErrorResponse(502, `The kiosk service redirected (${serviceRedirectedAdvice}).`)
    }
    return proxyErrorResponse(502, 'The kiosk service could not be reached.')
  }
}

async function rendererFile(url: URL, request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers: securityHeaders })
  }
  const file = resolveRendererFile(url.pathname, rendererDir)
  if (!file) return notFound()
  let content: Buffer
  try {
    content = await readFile(file)
  } catch {
    return notFound()
  }
  const type = contentTypeFor(file)
  const headers: Record<string, string> = { ...securityHeaders, 'content-type': type }
  if (type.startsWith('text/html')) {
    headers['content-security-policy'] = rendererCsp()
    headers['cache-control'] = 'no-store'
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(content), { headers })
}

export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = parseAppUrl(request.url)
    if (!url) return notFound()
    for (const [kind, path] of Object.entries(statusPaths) as [StatusPageKind, string][]) {
      if (url.pathname === path) {
        const page = options.statusPage(kind)
        return page ? htmlResponse(page.html, page.csp) : notFound()
      }
    }
    if (isApiPath(url.pathname)) return proxy(request, options)
    return rendererFile(url, request, options.rendererDir)
  }
}
