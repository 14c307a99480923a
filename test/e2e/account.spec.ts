/**
 * Blocked and expired patrons pay with a notice of what paying does not fix, and a fee whose
 * payment is on its way to Alma is shown but never charged again (issue 8 §3 and §5).
 * Alma's pay calls are held at the sandbox's gate so a payment stays "being posted" while the
 * same patron is looked up at a second kiosk.
 */
import { expectGoodOnEveryDisplay } from './support/displays.ts'
import { cards, expectScreen, payOnCashnet, screenLocator, swipe } from './support/kiosk.ts'
import { expect, openKiosk, test, type SandboxControl } from './support/test.ts'
import type { Page } from '@playwright/test'

test('blocked and expired patrons are told what paying clears, and can pay', async ({
  kiosk: page,
}, testInfo) => {
  await swipe(page, cards.blocked)
  const notices = page.getByRole('list', { name: 'About your account' })
  await expect(notices).toContainText('Paying clears fines. Other blocks need the service desk.')
  await expect(notices).toContainText('Block on your account: Blocked: overdue items')
  await expect(page.getByRole('button', { name: 'Pay $9.50' })).toBeEnabled()
  await expectGoodOnEveryDisplay(page, testInfo, 'fines', {
    label: 'fines-blocked',
    curated: ['portrait', 'small-large'],
  })
  await page.getByRole('button', { name: 'Español' }).click()
  await expect(page.getByRole('list', { name: 'Sobre su cuenta' })).toContainText(
    'Pagar elimina las multas. Para otros bloqueos, acuda al mostrador de servicio.',
  )
  await page.getByRole('button', { name: 'Terminar sin pagar' }).click()

  await swipe(page, cards.expired)
  await expect(page.getByRole('list', { name: 'About your account' })).toContainText(
    /^Your library account expired on \w{3} \d{1,2}, \d{4}\. You can still pay here/u,
  )
  await expectScreen(page, testInfo, 'fines')
  await page.getByRole('button', { name: 'Pay $2.00' }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  await expect(screenLocator(page, 'receipt')).toBeVisible({ timeout: 20_000 })
})

/** Pays `amount` for the patron's fees at `page` and waits until Alma has been asked to post it. */
async function payUntilPosting(page: Page, sandbox: SandboxControl, amount: string) {
  await sandbox('alma/hold', { kind: 'payFee' })
  await page.getByRole('button', { name: `Pay ${amount}` }).click()
  await page.getByRole('button', { name: 'Continue to secure payment' }).click()
  await payOnCashnet(page)
  await sandbox('alma/hold/arrived', { kind: 'payFee' })
}

test('a fee whose payment is being posted is shown at the next kiosk, never offered again', async ({
  kiosk: page,
  sandbox,
  context,
}, testInfo) => {
  await swipe(page, cards.severalFees)
  await page.getByRole('checkbox', { name: /Lost item replacement fee/u }).uncheck()
  await page.getByRole('checkbox', { name: /Lost item processing fee/u }).uncheck()
  await payUntilPosting(page, sandbox, '$12.50')

  const next = await context.newPage()
  await openKiosk(next)
  await swipe(next, cards.severalFees)
  const posting = next.getByRole('group', { name: 'Payments being posted' })
  await expect(posting).toContainText('Overdue fine')
  await expect(posting).toContainText('Payment being posted: $12.50')
  await expect(posting.getByRole('checkbox')).toHaveCount(0)
  // "Select all" and the two fees that can still be paid; the total leaves the posted one out.
  await expect(screenLocator(next, 'fines').getByRole('checkbox')).toHaveCount(3)
  await expect(screenLocator(next, 'fines')).toContainText('Selected: $30.25')

  // The first kiosk is still confirming: the payment stays the patron's, whatever Alma does next.
  await expect(screenLocator(page, 'confirming')).toBeVisible()
  // Alma answers before the service's timeout (10 s), so the payment posts now instead of waiting
  // out a settle window that would leave the fee "being posted" for the specs that follow.
  await sandbox('alma/hold/release', { kind: 'payFee' })
  await expectGoodOnEveryDisplay(next, testInfo, 'fines', {
    label: 'fines-being-posted',
    curated: ['portrait', 'small'],
  })
})

test('paying a fee that started posting meanwhile is refused, and nothing is charged', async ({
  kiosk: page,
  sandbox,
  context,
}, testInfo) => {
  // The patron looks at their fee at one kiosk...
  const first = await context.newPage()
  await openKiosk(first)
  await swipe(first, cards.oneFee)
  await first.getByRole('button', { name: 'Pay $3.00' }).click()
  // ...and pays it at another before continuing there.
  await swipe(page, cards.oneFee)
  await payUntilPosting(page, sandbox, '$3.00')

  await first.getByRole('button', { name: 'Continue to secure payment' }).click()
  await expectScreen(first, testInfo, 'problem')
  await expect(screenLocator(first, 'problem')).toContainText(
    'A payment for one of these fees is still being recorded on your account',
  )
  await expect(first.getByRole('button', { name: 'Try again' })).toHaveCount(0)
  await first.getByRole('button', { name: 'Start over' }).click()

  // Looked up again: nothing to pay now, and why.
  await swipe(first, cards.oneFee)
  await expect(first.getByRole('heading', { level: 1 })).toHaveText('Nothing to pay right now')
  await expect(first.getByRole('group', { name: 'Payments being posted' })).toContainText(
    'Payment being posted: $3.00',
  )
  // Released before the slow checks below, within the service's Alma timeout (see above).
  await sandbox('alma/hold/release', { kind: 'payFee' })
  await expectGoodOnEveryDisplay(first, testInfo, 'noFines', { label: 'no-fines-being-posted' })
})
