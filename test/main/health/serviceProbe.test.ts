import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { probeService } from '../../../main/health/serviceProbe.ts'
import { startRecordingService, type RecordingService } from '../support/recordingService.ts'

let service: RecordingService
beforeEach(async () => {
  service = await startRecordingService()
})
afterEach(async () => {
  await service.close()
})

const target = () => ({ serviceUrl: new URL(service.url), kioskKey: 'kiosk-key-0123456789' })

describe('main/health/serviceProbe', () => {
  it('asks for the kiosk settings with the kiosk key', async () => {
    expect(await probeService(target(), fetch)).toEqual({ kind: 'ok' })
    expect(service.requests[0]?.url).toBe('/api/v1/kiosk-settings')
    expect(service.requests[0]?.headers.authorization).toBe('Bearer kiosk-key-0123456789')
  })

  it('tells a refused key apart from a service that is down', async () => {
    service.respond = () => ({ status: 401, body: '{}' })
    expect(await probeService(target(), fetch)).toEqual({ kind: 'rejected', status: 401 })
    service.respond = () => ({ status: 503, body: '{}' })
    expect(await probeService(target(), fetch)).toEqual({
      kind: 'unreachable',
      detail: `Service ${service.url} answered HTTP 503`,
    })
    const down = await probeService(
      { serviceUrl: new URL('http://127.0.0.1:9'), kioskKey: 'k' },
      fetch,
    )
    expect(down.kind).toBe('unreachable')
    expect(down.kind === 'unreachable' && down.detail).toMatch(
      /^Service http:\/\/127\.0\.0\.1:9 unreachable: /,
    )
  })
})
