/**
 * The service as assembled with email to a loopback SMTP sink, for the notify tests: the sender's
 * retries put off by a minute, doubling, without jitter (the tests move the test clock past them).
 */
import { staffRoutes } from '../../../common/staffApi.ts'
import { startHarness, type Harness, type HarnessOptions } from '../payments/harness.ts'
import { staffClient, type StaffAnswer, type StaffClient } from '../staff/staffClient.ts'
import type { SmtpSink } from './smtpSink.ts'

export function startMailHarness(sink: SmtpSink, options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({
    ...options,
    env: {
      SMTP_URL: sink.url,
      MAIL_FROM: 'Library Payments <payments@library.example.edu>',
      STAFF_SIGN_IN_REQUESTS_PER_MINUTE: '1000',
      ...options.env,
    },
    mail: { sender: { backoff: { baseMs: 60_000, maxMs: 600_000, jitter: 'none' } } },
  })
}

/** The service's mail queue and loops (the harness keeps them stopped: tests drive them). */
export function mailOf(h: Harness): NonNullable<Harness['service']['mail']> {
  const mail = h.service.mail
  if (!mail) throw new Error('email is not set up')
  return mail
}

/** A new desk account at the harness's institution, signed in. */
export async function signedInDesk(h: Harness, username: string): Promise<StaffClient> {
  const password = 'correct horse battery staple'
  await h.service.accounts.create('test', {
    username,
    role: 'desk',
    institutions: [h.institution],
    password,
  })
  const desk = staffClient(h.baseUrl)
  await desk.signIn(username, password)
  return desk
}

/** Sends a pay link to the patron's preferred email from the desk: the staff API's answer. */
export function emailPayLink(desk: StaffClient, patronId: string): Promise<StaffAnswer> {
  return desk.call('POST', staffRoutes.createPayLink.path, {
    body: { patronId, send: 'email' },
  })
}
