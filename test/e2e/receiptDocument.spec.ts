/**
 * The paper receipt in real Chromium, laid out as a thermal roll: at 80 and 58 mm nothing is cut
 * off or wider than the paper, the PDF is one page of that width, and the document's own CSP lets
 * its stylesheet apply (a hash mismatch would print unstyled).
 */
import { expect, test } from '@playwright/test'
import { renderReceiptDocument } from '../../main/printing/receiptDocument.ts'
import { sampleReceipt } from '../main/support/receiptFixture.ts'

const mmToCssPx = 96 / 25.4
const mmToPt = 72 / 25.4

const longReceipt = {
  ...sampleReceipt,
  libraryName: 'California State University, Dominguez Hills — University Library',
  lines: [
    ...sampleReceipt.lines,
    {
      description:
        'Damaged item replacement: Supercalifragilisticexpialidociousness and other unbreakable words of unusual length',
      amountCents: 12_345,
    },
  ],
  amountCents: 13_595,
  reference: 'EXC-2026-12-000417-POLLAK',
}

for (const paperWidthMm of [80, 58] as const) {
  test(`the receipt fits ${String(paperWidthMm)} mm paper, nothing cut`, async ({ page }) => {
    const { html } = renderReceiptDocument(longReceipt, paperWidthMm)
    const cspViolations: string[] = []
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text())
    })
    const width = Math.floor(paperWidthMm * mmToCssPx)
    await page.setViewportSize({ width, height: 1200 })
    await page.emulateMedia({ media: 'print' })
    await page.goto(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`)

    // The stylesheet applied under the document's own CSP.
    expect(cspViolations).toEqual([])
    expect(await page.evaluate(() => getComputedStyle(document.body).paddingLeft)).not.toBe('0px')

    // Nothing wider than the paper: no horizontal overflow, every element inside the page.
    const overflow = await page.evaluate(() => {
      const root = document.documentElement
      const outside = [...document.body.querySelectorAll('*')]
        .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 0.5)
        .map((element) => element.outerHTML.slice(0, 80))
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, outside }
    })
    expect(overflow.outside).toEqual([])
    expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth)
    await expect(page.getByText('EXC-2026-12-000417-POLLAK')).toBeVisible()
    await expect(page.getByText('$135.95')).toBeVisible()
    await expect(page.getByText('María N.')).toBeVisible()

    // Printed as Chromium prints it: one page, exactly the paper's width.
    const pdf = (
      await page.pdf({
        width: `${String(paperWidthMm)}mm`,
        height: '297mm',
        printBackground: false,
      })
    ).toString('latin1')
    const pages = pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []
    expect(pages).toHaveLength(1)
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf)
    // Chromium rounds the page to whole CSS pixels: within a point of the paper's width.
    expect(Math.abs(Number(box?.[1]) - paperWidthMm * mmToPt)).toBeLessThan(1)
  })
}
