/**
 * What `NODE_ENV=production` refuses: sandbox or plain-http Alma, CashNet and Primo URLs, the sandbox
 * itself, a missing or non-https public URL, example secrets, and short secrets or kiosk keys.
 * Pure: problems are named through `nameOf`, which knows whether a field came from an
 * environment variable or from the config file.
 */
import type { InstitutionConfig } from './types.ts'

/** Secrets shipped in examples and docs. */
const knownExampleSecrets = new Set([
  'change-me',
  'changeme',
  'secret',
  'sandbox-postback-secret',
  'sandbox-alma-key',
  'replace-with-a-long-random-secret',
])

const minimumSecretLength = 32

function isLoopbackOrPlainHttp(url: string): boolean {
  const parsed = new URL(url)
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  return (
    parsed.protocol !== 'https:' ||
    host === 'localhost' ||
    host === '::1' ||
    host.startsWith('127.') ||
    host.endsWith('.localhost')
  )
}

export function serviceProductionProblems(settings: {
  sandbox: boolean
  publicBaseUrl: string | undefined
}): string[] {
  const problems: string[] = []
  if (settings.sandbox) problems.push('SANDBOX: must be off in production')
  if (!settings.publicBaseUrl) problems.push('PUBLIC_BASE_URL: is required in production')
  else if (!settings.publicBaseUrl.startsWith('https://')) {
    problems.push('PUBLIC_BASE_URL: must be https in production (CashNet posts back to it)')
  }
  return problems
}

/** `kiosks` plain keys: kiosk id → the key as configured (`sha256:` ones are already hashes). */
export function institutionProductionProblems(
  institution: InstitutionConfig,
  plainKioskKeys: readonly { kioskId: string; key: string }[],
  nameOf: (field: string) => string,
): string[] {
  const problems: string[] = []
  if (isLoopbackOrPlainHttp(institution.alma.baseUrl)) {
    problems.push(
      `${nameOf('alma.baseUrl')}: must be an https Alma gateway in production, not a sandbox`,
    )
  }
  if (isLoopbackOrPlainHttp(institution.cashnet.checkoutUrl)) {
    problems.push(
      `${nameOf('cashnet.checkoutUrl')}: must be an https CashNet store in production, not a sandbox`,
    )
  }
  const secret = institution.cashnet.postbackSecret
  if (knownExampleSecrets.has(secret.toLowerCase())) {
    problems.push(`${nameOf('cashnet.postbackSecret')}: is an example value; generate a random one`)
  } else if (secret.length < minimumSecretLength) {
    problems.push(
      `${nameOf('cashnet.postbackSecret')}: must be at least ${minimumSecretLength} characters in production`,
    )
  }
  if (knownExampleSecrets.has(institution.alma.apiKey.toLowerCase())) {
    problems.push(`${nameOf('alma.apiKey')}: is an example value`)
  }
  if (institution.sso) {
    if (isLoopbackOrPlainHttp(institution.sso.issuer)) {
      problems.push(
        `${nameOf('sso.issuer')}: must be the campus's https OpenID provider in production`,
      )
    }
    if (knownExampleSecrets.has(institution.sso.clientSecret.toLowerCase())) {
      problems.push(`${nameOf('sso.clientSecret')}: is an example value`)
    }
  }
  if (institution.primo) {
    // The keys decide who a Primo patron is: they must come from Ex Libris over TLS.
    if (isLoopbackOrPlainHttp(institution.primo.jwksUrl)) {
      problems.push(
        `${nameOf('primo.jwksUrl')}: must be Ex Libris's https key set in production, not a sandbox`,
      )
    }
    for (const origin of institution.primo.returnOrigins) {
      if (isLoopbackOrPlainHttp(origin)) {
        problems.push(
          `${nameOf('primo.returnOrigins')}: "${origin}" must be an https Primo origin in production`,
        )
      }
    }
  }
  for (const { kioskId, key } of plainKioskKeys) {
    if (key.startsWith('sha256:')) continue
    if (knownExampleSecrets.has(key.toLowerCase()) || key.length < minimumSecretLength) {
      problems.push(
        `${nameOf('kiosks')}: the key for kiosk "${kioskId}" must be at least ${minimumSecretLength} random characters in production`,
      )
    }
  }
  return problems
}
