import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

interface RecordedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

interface RecordedAnswer {
  status: number
  body?: string | Buffer
  headers?: Record<string, string>
}

export interface RecordingService {
  url: string
  requests: RecordedRequest[]
  /**
   * What the next requests get; defaults to 200 with kiosk settings-like JSON. 'hold' never
   * answers (a long-poll the service keeps open) until the client goes away.
   */
  respond: (request: RecordedRequest) => RecordedAnswer | 'hold'
  /** URLs of requests whose client closed the connection before an answer. */
  abandoned: string[]
  close(): Promise<void>
}

/** A real HTTP server on 127.0.0.1 that records what reaches it (a stand-in companion service). */
export async function startRecordingService(): Promise<RecordingService> {
  const service: RecordingService = {
    url: '',
    requests: [],
    abandoned: [],
    respond: () => ({
      status: 200,
      body: '{"ok":true}',
      headers: { 'content-type': 'application/json' },
    }),
    close: () => Promise.resolve(),
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      service.requests.push(recorded)
      const answer = service.respond(recorded)
      if (answer === 'hold') {
        res.on('close', () => {
          if (!res.writableEnded) service.abandoned.push(recorded.url)
        })
        return
      }
      res.writeHead(answer.status, answer.headers ?? {})
      res.end(answer.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  service.url = `http://127.0.0.1:${String(port)}`
  service.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => {
        resolve()
      })
    })
  return service
}
