import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createKioskLogger,
  redactLogText,
  redactLogValue,
  rotateLogFiles,
} from '../../main/logging.ts'

describe('main/logging', () => {
  it('masks card numbers and track data, keeping the last four digits', () => {
    expect(redactLogText('lookup for 123456789 failed')).toBe('lookup for •••••6789 failed')
    expect(redactLogText('swipe ;123456789=2512101?')).toBe('swipe [track data]')
    expect(redactLogText('swipe %B6011123456789^DOE/JANE^2512?')).toBe('swipe [track data]')
    expect(redactLogText('port 4700, took 532 ms, kiosk pollak-1')).toBe(
      'port 4700, took 532 ms, kiosk pollak-1',
    )
  })

  it('never writes a kiosk key', () => {
    expect(redactLogText('Authorization: Bearer abc.def-ghi')).toBe(
      'Authorization: Bearer [redacted]',
    )
    expect(redactLogText('{"kioskKey":"super-secret-key","kioskId":"k1"}')).toBe(
      '{"kioskKey":"[redacted]","kioskId":"k1"}',
    )
    expect(redactLogValue(new Error('bad card 987654321'))).toMatch(/^Error: bad card •••••4321/)
    expect(redactLogValue({ cardNumber: '1234567890' })).toBe('{"cardNumber":"••••••7890"}')
    expect(redactLogValue(42)).toBe(42)
  })

  it('rotates main.log into numbered files and drops the oldest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-rotate-'))
    const file = join(dir, 'main.log')
    for (let round = 1; round <= 4; round += 1) {
      writeFileSync(file, `round ${String(round)}\n`)
      rotateLogFiles(file, 2)
    }
    expect(existsSync(file)).toBe(false)
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).toBe('round 4\n')
    expect(readFileSync(join(dir, 'main.2.log'), 'utf8')).toBe('round 3\n')
    expect(existsSync(join(dir, 'main.3.log'))).toBe(false)
  })

  it('writes redacted lines to a rotating file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-log-'))
    const file = join(dir, 'logs', 'main.log')
    const log = createKioskLogger({ file, level: 'info', maxBytes: 400, keep: 2 })
    log.debug('not at info level')
    for (let line = 0; line < 12; line += 1) {
      log.info(`patron card 55512345${String(line).padStart(2, '0')} looked up`)
    }
    log.warn('Bearer secret-kiosk-key')
    const all = [file, join(dir, 'logs', 'main.1.log'), join(dir, 'logs', 'main.2.log')]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path, 'utf8'))
    expect(all).toHaveLength(3)
    const text = all.join('')
    expect(text).toContain('patron card ••••••4511 looked up')
    expect(text).toContain('Bearer [redacted]')
    expect(text).not.toMatch(/5551234\d{3}/)
    expect(text).not.toContain('secret-kiosk-key')
    expect(text).not.toContain('not at info level')
    expect(existsSync(join(dir, 'logs', 'main.3.log'))).toBe(false)
  })
})
