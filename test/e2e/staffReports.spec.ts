/**
 * The staff console's overview and back-office screens against the demo: Today with its chart and
 * the chart's table, Reconciliation with the CSV download and CashNet's report compared (columns
 * mapped, bad rows named), and the admin's staff accounts (create, disable, change a role, reset a
 * password).
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { reconciliationCsvColumns } from '../../common/staffApi.ts'
import { expectAccessible } from './support/kiosk.ts'
import { desktop, expectStaffScreen, navLink, signIn } from './support/staff.ts'
import { expect, test } from './support/test.ts'

test.use({ viewport: desktop })

test('Today: figures by channel and kiosk, posting health, a 30-day chart and its table', async ({
  page,
}, testInfo) => {
  await signIn(page, 'supervisor')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Today')
  await expect(page.getByRole('table', { name: "Today's payments by channel" })).toContainText(
    'Kiosk demo-kiosk',
  )
  await expect(page.getByRole('table', { name: "Today's kiosk payments by kiosk" })).toContainText(
    'demo-kiosk',
  )
  await expect(page.getByRole('heading', { name: 'Posting to Alma' })).toBeVisible()
  await expect(page.getByText(/Alma errors in the last hour: \d+/u)).toBeVisible()
  const chart = page.getByRole('img', { name: /Payments over the last 30 days/u })
  await expect(chart).toBeVisible()
  await expect(chart.locator('rect.chart-bar')).toHaveCount(30)
  await expectStaffScreen(page, testInfo, 'Today', { curated: 'today' })
  await page.getByText('The same figures as a table').click()
  const days = page.getByRole('table', { name: 'Payments per day, last 30 days' })
  await expect(days.getByRole('row')).toHaveCount(31)
  await expectStaffScreen(page, testInfo, 'Today')
})

test('Reconciliation: totals, differences, the CSV, and CashNet’s report compared', async ({
  page,
}, testInfo) => {
  await signIn(page, 'supervisor')
  await navLink(page, 'Reconciliation').click()
  const totals = page.getByRole('table', { name: /CashNet and Alma totals per day/u })
  await expect(totals).toContainText('LIB-FINE')
  const differences = page.getByRole('table', { name: 'Payments where CashNet and Alma differ' })
  await expect(differences).toBeVisible()
  await expectStaffScreen(page, testInfo, 'Reconciliation', { curated: 'reconciliation' })

  const downloading = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download CSV' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^reconciliation-\d{4}-\d{2}-\d{2}-to-.*\.csv$/u)
  const csv = readFileSync(await download.path(), 'utf8')
  expect(csv.split(/\r?\n/u)[0]).toBe(reconciliationCsvColumns.join(','))
  const rows = parse<Record<string, string>>(csv, { columns: true })
  // A payment of one line, posted: CashNet's report has the same amount for its transaction.
  const posted = rows.find(
    (row) =>
      row.alma_status === 'posted' &&
      rows.filter((other) => other.cashnet_tx === row.cashnet_tx).length === 1,
  )
  if (!posted) throw new Error('no one-line posted payment in the CSV')
  const { date = '', cashnet_tx: tx = '', amount = '' } = posted

  // A report with a row that is not a payment: refused whole, the line named.
  const upload = page.getByLabel('CashNet report (CSV)')
  await upload.setInputFiles({
    name: 'cashnet.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      `Transaction Number,Amount,Transaction Date\n${tx},${amount},${date}\n555,lots,${date}\n`,
    ),
  })
  await page.getByRole('button', { name: 'Compare' }).click()
  await expect(page.getByRole('alert')).toContainText('Line 3')

  // The report's own headings, mapped: one of ours, one CashNet has that we lack.
  await upload.setInputFiles({
    name: 'cashnet.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`Txn,Total,Day\n${tx},${amount},${date}\n99999001,12.34,${date}\n`),
  })
  await page.getByLabel('Transaction number column').fill('Txn')
  await page.getByLabel('Amount column').fill('Total')
  await page.getByLabel('Date column').fill('Day')
  await page.getByRole('button', { name: 'Compare' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'rows read' })).toContainText(
    '2 rows read',
  )
  await expect(
    page.getByRole('table', { name: "Rows of CashNet's report not found here" }),
  ).toContainText('99999001')
  await expectStaffScreen(page, testInfo, 'Reconciliation', { curated: 'reconciliation-report' })
})

test('Staff: an admin adds a desk account, disables it, and it can no longer sign in', async ({
  page,
  browser,
}, testInfo) => {
  await signIn(page, 'admin')
  await navLink(page, 'Staff').click()
  const accounts = page.getByRole('table', { name: 'Staff accounts' })
  await expect(accounts).toContainText('supervisor')
  const username = `desk${Date.now() % 100_000}`
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill('short')
  await page.getByRole('button', { name: 'Add account' }).click()
  await expect(page.getByText('Password must be at least 12 characters')).toBeVisible()
  await page.getByLabel('Password', { exact: true }).fill('a long enough password')
  await page.getByRole('button', { name: 'Add account' }).click()
  await expect(
    page.getByRole('status').filter({ hasText: `Account ${username} created` }),
  ).toBeVisible()
  await expect(accounts).toContainText(username)
  await expectStaffScreen(page, testInfo, 'Staff', { curated: 'accounts' })

  await accounts.getByRole('button', { name: `Disable ${username}` }).click()
  await page
    .getByRole('dialog', { name: `Disable ${username}?` })
    .getByRole('button', { name: 'Disable' })
    .click()
  await expect(
    page.getByRole('status').filter({ hasText: `${username} is disabled` }),
  ).toBeVisible()
  await expect(accounts.getByRole('button', { name: `Enable ${username}` })).toBeVisible()

  const other = await browser.newPage()
  await other.goto('/staff/')
  await other.getByLabel('Username').fill(username)
  await other.getByLabel('Password').fill('a long enough password')
  await other.getByRole('button', { name: 'Sign in' }).click()
  await expect(other.getByRole('alert')).toBeVisible()
  await other.close()
})

test('Staff: an admin changes a role and resets a password, and the new password signs in', async ({
  page,
  browser,
}) => {
  await signIn(page, 'admin')
  await navLink(page, 'Staff').click()
  const accounts = page.getByRole('table', { name: 'Staff accounts' })
  // An account of its own: the other specs sign in with the seeded ones.
  const username = `role${Date.now() % 100_000}`
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill('the first password')
  await page.getByRole('button', { name: 'Add account' }).click()
  await expect(
    page.getByRole('status').filter({ hasText: `Account ${username} created (Desk)` }),
  ).toBeVisible()
  const row = accounts.getByRole('row').filter({ hasText: username })
  await expect(row).toContainText('Desk')

  await row.getByRole('button', { name: `Change role of ${username}` }).click()
  const roleDialog = page.getByRole('dialog', { name: `Change role of ${username}` })
  await expect(roleDialog.getByLabel('Role')).toBeFocused()
  await expectAccessible(page)
  await roleDialog.getByLabel('Role').selectOption('supervisor')
  await roleDialog.getByRole('button', { name: 'Save' }).click()
  await expect(roleDialog).toBeHidden()
  await expect(
    page.getByRole('status').filter({ hasText: `${username} is now Supervisor` }),
  ).toBeVisible()
  await expect(row).toContainText('Supervisor')

  await row.getByRole('button', { name: `Reset password of ${username}` }).click()
  const passwordDialog = page.getByRole('dialog', { name: `Reset password of ${username}` })
  await passwordDialog.getByLabel('New password', { exact: true }).fill('too short')
  await passwordDialog.getByRole('button', { name: 'Set password' }).click()
  await expect(passwordDialog.getByText('must be at least 12 characters')).toBeVisible()
  await expect(passwordDialog.getByLabel('New password', { exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  )
  await passwordDialog.getByLabel('New password', { exact: true }).fill('the second password')
  await passwordDialog.getByLabel('New password again').fill('the second passwrod')
  await passwordDialog.getByRole('button', { name: 'Set password' }).click()
  await expect(passwordDialog.getByText('The two passwords differ.')).toBeVisible()
  await expectAccessible(page)
  await passwordDialog.getByLabel('New password again').fill('the second password')
  await passwordDialog.getByRole('button', { name: 'Set password' }).click()
  await expect(passwordDialog).toBeHidden()
  await expect(
    page.getByRole('status').filter({ hasText: `New password set for ${username}` }),
  ).toBeVisible()

  // The old password no longer works; the new one signs in, as a supervisor.
  const other = await browser.newPage()
  await other.goto('/staff/')
  await other.getByLabel('Username').fill(username)
  await other.getByLabel('Password').fill('the first password')
  await other.getByRole('button', { name: 'Sign in' }).click()
  await expect(other.getByRole('alert')).toBeVisible()
  await other.getByLabel('Password').fill('the second password')
  await other.getByRole('button', { name: 'Sign in' }).click()
  await expect(other.getByRole('button', { name: 'Sign out' })).toBeVisible()
  await expect(navLink(other, 'Reconciliation')).toBeVisible()
  await expect(navLink(other, 'Staff')).toHaveCount(0)
  await other.close()
})
