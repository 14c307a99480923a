import { describe, expect, it } from 'vitest'
import { isTrustedSender } from '../../../main/security/senderFrame.ts'

const kiosk = { id: 7 }
const top = (url: string) => ({ url, parent: null })

describe('main/security/senderFrame', () => {
  it('trusts the top frame of the kiosk window on app://kiosk', () => {
    expect(isTrustedSender({ sender: kiosk, senderFrame: top('app://kiosk/index.html') }, 7)).toBe(
      true,
    )
  })

  it.each([
    ['a null frame (navigated away)', { sender: kiosk, senderFrame: null }, 7],
    [
      'another web contents (the CashNet view)',
      { sender: { id: 8 }, senderFrame: top('app://kiosk/index.html') },
      7,
    ],
    ['no kiosk window', { sender: kiosk, senderFrame: top('app://kiosk/index.html') }, null],
    [
      'a subframe',
      {
        sender: kiosk,
        senderFrame: { url: 'app://kiosk/index.html', parent: top('app://kiosk/index.html') },
      },
      7,
    ],
    ['a web page', { sender: kiosk, senderFrame: top('https://commerce.cashnet.com/') }, 7],
    [
      'a look-alike scheme host',
      { sender: kiosk, senderFrame: top('app://kiosk.evil/index.html') },
      7,
    ],
    ['a file page', { sender: kiosk, senderFrame: top('file:///C:/index.html') }, 7],
    ['a status page', { sender: kiosk, senderFrame: top('app://kiosk/_status/not-configured') }, 7],
  ] as const)('refuses %s', (_label, event, kioskId) => {
    expect(isTrustedSender(event, kioskId)).toBe(false)
  })
})
