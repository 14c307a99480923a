/**
 * Bridge calls are honoured only from the renderer's top frame in the kiosk window, on the kiosk's
 * own origin. A null senderFrame (navigated away or destroyed) is a rejection.
 */
import { isRendererUrl } from '../protocol/appUrl.ts'

interface FrameLike {
  readonly url: string
  readonly parent: FrameLike | null
}

export interface IpcEventLike {
  readonly sender: { readonly id: number }
  readonly senderFrame: FrameLike | null
}

export function isTrustedSender(event: IpcEventLike, kioskContentsId: number | null): boolean {
  if (kioskContentsId === null || event.sender.id !== kioskContentsId) return false
  const frame = event.senderFrame
  // Null (navigated away or destroyed) and subframes are both refused.
  if (frame?.parent !== null) return false
  return isRendererUrl(frame.url)
}
