/**
 * The pay pages' own HTML, for what happens before the page's script can run: a link that is
 * unknown (404), expired or cancelled (410), a Primo sign-in that cannot be trusted (401), one that
 * cannot be checked now because Ex Libris's keys are out of reach (503), Primo payments not set up
 * (503), and the built pages missing. Each says what to do in English and
 * Spanish, and works at 360 CSS pixels. The one inline style is allowed by its hash in the CSP.
 */
import { createHash } from 'node:crypto'
import { escapeHtml } from '../../common/html.ts'

const style =
  'body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24;' +
  'overflow-wrap:anywhere;line-height:1.5}main{max-width:36rem;margin:2rem auto;background:#fff;' +
  'padding:1.5rem 2rem;border-radius:8px}@media (max-width:40rem){main{margin:0;padding:1rem;' +
  'border-radius:0}}h1{font-size:1.5rem;margin-top:0}section+section{border-top:1px solid #d6dbe0;' +
  'margin-top:1.5rem;padding-top:1rem}'

const styleHash = createHash('sha256').update(style, 'utf8').digest('base64')

/** The pages' policy: own scripts and styles only, no frames, no plugins, no foreign forms. */
export const payContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; " +
  `style-src 'self' 'sha256-${styleHash}'; img-src 'self' data:; connect-src 'self'; ` +
  "font-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'self'"

interface EntryMessage {
  title: string
  body: string
}

/** What each refused entry says, in both languages (the patron's language is not known yet). */
const entryMessages = {
  not_found: {
    en: {
      title: 'This payment link is not valid',
      body: 'Check that you opened the whole link, or ask the library for a new one.',
    },
    es: {
      title: 'Este enlace de pago no es válido',
      body: 'Compruebe que abrió el enlace completo o pida uno nuevo a la biblioteca.',
    },
  },
  gone: {
    en: {
      title: 'This payment link has expired',
      body: 'Payment links work for a limited time, or the library cancelled this one. Ask the library for a new link.',
    },
    es: {
      title: 'Este enlace de pago ha caducado',
      body: 'Los enlaces de pago funcionan por un tiempo limitado, o la biblioteca canceló este. Pida un enlace nuevo a la biblioteca.',
    },
  },
  primo_refused: {
    en: {
      title: 'Please sign in to Primo again',
      body: 'We could not confirm your library sign-in. Go back to the library search, sign in again and choose "Pay fines" once more.',
    },
    es: {
      title: 'Vuelva a iniciar sesión en Primo',
      body: 'No pudimos confirmar su inicio de sesión en la biblioteca. Vuelva a la búsqueda de la biblioteca, inicie sesión de nuevo y elija «Pagar multas» otra vez.',
    },
  },
  primo_keys_unavailable: {
    en: {
      title: 'Please try again shortly',
      body: 'We cannot confirm your library sign-in at the moment. Wait a minute, then go back to the library search and choose "Pay fines" again.',
    },
    es: {
      title: 'Inténtelo de nuevo en unos momentos',
      body: 'En este momento no podemos confirmar su inicio de sesión en la biblioteca. Espere un minuto, vuelva a la búsqueda de la biblioteca y elija «Pagar multas» otra vez.',
    },
  },
  primo_unavailable: {
    en: {
      title: 'Paying from the library search is not available',
      body: 'Please pay at the library, or ask the library for a payment link.',
    },
    es: {
      title: 'El pago desde la búsqueda de la biblioteca no está disponible',
      body: 'Pague en la biblioteca o pida un enlace de pago a la biblioteca.',
    },
  },
  no_session: {
    en: {
      title: 'Your payment page has closed',
      body: 'For your security the page closes after a while. Open your payment link again, or sign in to Primo again.',
    },
    es: {
      title: 'Su página de pago se cerró',
      body: 'Por su seguridad, la página se cierra después de un tiempo. Abra de nuevo su enlace de pago o vuelva a iniciar sesión en Primo.',
    },
  },
  not_built: {
    en: {
      title: 'The payment page is not available',
      body: 'The payment page has not been installed on this server (npm run build:pay).',
    },
    es: {
      title: 'La página de pago no está disponible',
      body: 'La página de pago no está instalada en este servidor.',
    },
  },
} as const satisfies Record<string, { en: EntryMessage; es: EntryMessage }>

export type EntryMessageKind = keyof typeof entryMessages

export function entryPage(kind: EntryMessageKind): string {
  const { en, es } = entryMessages[kind]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(en.title)}</title>
<style>${style}</style>
</head>
<body>
<main data-entry="${kind}">
<section>
<h1>${escapeHtml(en.title)}</h1>
<p>${escapeHtml(en.body)}</p>
</section>
<section lang="es">
<h2>${escapeHtml(es.title)}</h2>
<p>${escapeHtml(es.body)}</p>
</section>
</main>
</body>
</html>
`
}
