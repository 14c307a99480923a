/**
 * Main's own screens, plain HTML with no script: "not configured" (for IT, listing every problem
 * exactly) and "out of order" (for patrons, while main retries the service by itself). They do not
 * depend on the renderer's code, so they work even when the renderer or the service is broken.
 */
import { escapeHtml } from '../../common/html.ts'
import { statusPageCsp } from '../security/csp.ts'

export interface StaticPage {
  html: string
  csp: string
}

const style = `
body{margin:0;font-family:"Segoe UI",system-ui,sans-serif;background:#f4f4f4;color:#1a1a1a}
main{max-width:60rem;margin:8vh auto;padding:2.5rem 3rem;background:#fff;border-radius:.75rem;box-shadow:0 .25rem 1rem rgb(0 0 0/.12)}
h1{font-size:2.25rem;margin:0 0 1rem}
p,li{font-size:1.25rem;line-height:1.5}
li{margin:.5rem 0;font-family:Consolas,"DejaVu Sans Mono",monospace;font-size:1.05rem;overflow-wrap:anywhere}
.es{color:#444}
.small{font-size:1rem;color:#444}
`.trim()

function page(title: string, lang: string, body: string): StaticPage {
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
  return { html, csp: statusPageCsp(style) }
}

export function renderNotConfiguredPage(input: {
  problems: readonly string[]
  configPath: string | null
  version: string
}): StaticPage {
  const items = input.problems.map((problem) => `<li>${escapeHtml(problem)}</li>`).join('\n')
  const where = input.configPath
    ? `<p>Machine configuration file: <code>${escapeHtml(input.configPath)}</code></p>`
    : ''
  return page(
    'Kiosk not configured',
    'en',
    `<h1>This kiosk is not configured</h1>
<p>Patrons: please pay at the circulation desk. <span class="es" lang="es">Por favor, pague en el mostrador de circulación.</span></p>
<p>For IT — fix these problems, then restart the kiosk:</p>
<ul>
${items}
</ul>
${where}
<p class="small">Kiosk version ${escapeHtml(input.version)}. See docs/kiosk-configuration.md.</p>`,
  )
}

export function renderOutOfOrderPage(input: {
  detail: string
  retryInSeconds: number
}): StaticPage {
  return page(
    'Kiosk out of order',
    'en',
    `<h1>This kiosk is temporarily out of order</h1>
<p>Please pay at the circulation desk.</p>
<p class="es" lang="es">Este quiosco está fuera de servicio temporalmente. Por favor, pague en el mostrador de circulación.</p>
<p class="small">The kiosk retries by itself (next try in about ${String(Math.max(1, Math.round(input.retryInSeconds)))} s). ${escapeHtml(input.detail)}</p>`,
  )
}
