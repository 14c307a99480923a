/**
 * The part of `oidc-provider` (which ships no types) the loopback identity provider uses. Only what
 * test/server/staff/support/oidcProvider.ts calls is declared, so a misuse still fails to compile.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface ProviderAccount {
    accountId: string
    claims(use: string, scope: string): Record<string, unknown> | Promise<Record<string, unknown>>
  }

  export interface ProviderConfiguration {
    clients?: Record<string, unknown>[]
    jwks?: { keys: Record<string, unknown>[] }
    cookies?: { keys?: string[] }
    claims?: Record<string, string[]>
    scopes?: string[]
    pkce?: { required?: (ctx: unknown, client: unknown) => boolean }
    features?: Record<string, { enabled: boolean }>
    /** Seconds each kind of artefact lives. */
    ttl?: Record<string, number>
    interactions?: { url?: (ctx: unknown, interaction: { uid: string }) => string }
    findAccount?: (ctx: unknown, sub: string) => Promise<ProviderAccount | undefined>
    renderError?: (ctx: { type: string; body: unknown }, out: Record<string, string>) => void
  }

  export interface InteractionDetails {
    uid: string
    prompt: { name: string; details: Record<string, unknown> }
    params: Record<string, unknown>
    grantId?: string
    session?: { accountId: string }
  }

  export interface Grant {
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: string[]): void
    save(): Promise<string>
  }

  export class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    interactionDetails(
      request: IncomingMessage,
      response: ServerResponse,
    ): Promise<InteractionDetails>
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    Grant: {
      new (properties: { accountId: string; clientId: string }): Grant
      find(id: string): Promise<Grant | undefined>
    }
  }
  export default Provider
}
