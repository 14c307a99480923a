import type { FastifyServerOptions } from 'fastify'
import { redactPaths, redactUrl } from './redact.ts'

interface LoggedRequest {
  id: string
  method: string
  url: string
  ip: string
}

/**
 * pino settings for the service: JSON lines with request ids, and nothing that could identify a
 * patron or unlock a system (postback secret in URLs, kiosk keys, card numbers, names).
 */
export function loggerOptions(
  level: string,
  stream?: NodeJS.WritableStream,
): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req: (request: LoggedRequest) => ({
        id: request.id,
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  }
}
