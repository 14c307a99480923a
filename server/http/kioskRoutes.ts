import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import {
  kioskApiRoutes,
  type EmailReceiptResponse,
  type Language,
  type KioskPayLink,
  type KioskSettings,
  type LookupResponse,
} from '../../common/api.ts'
import type { KioskIdentity } from '../institutions/registry.ts'
import type { CheckoutService } from '../payments/checkoutService.ts'
import type { ServedLogo } from '../logo/logoStore.ts'
import { sendApiError, sendDomainError } from './apiErrors.ts'

/** What the kiosk routes need; the service assembly passes the real services in. */
export interface KioskRouteDeps {
  /** The kiosk (and so the institution) a key belongs to; null for none. */
  authenticate(authorization: string | undefined): KioskIdentity | null
  rateLimiter: { take(kioskId: string): number }
  /** The kiosk's own institution's services: a kiosk never reaches another institution's. */
  lookupsFor(institution: string): {
    lookup(kioskId: string, cardNumber: string): Promise<LookupResponse>
  }
  checkoutsFor(
    institution: string,
  ): Pick<CheckoutService, 'create' | 'getState' | 'waitForChange' | 'cancel'>
  kioskSettingsFor(institution: string): KioskSettings
  /** The institution's logo (checked PNG, JPEG or WebP bytes); null: none to show. */
  logoFor(institution: string): Promise<ServedLogo | null>
  /** A pay link for the patron of the kiosk's lookup (null: the kiosk does not offer it). */
  payLinkFor(institution: string, kioskId: string, lookupId: string): Promise<KioskPayLink | null>
  /** Queues "Email my receipt" for the kiosk's own posted checkout. */
  emailReceipt(input: {
    institution: string
    kioskId: string
    checkoutId: string
    language: Language
  }): Promise<EmailReceiptResponse>
  /** Longest long-poll a kiosk may ask for. */
  maxWaitSeconds: number
}

declare module 'fastify' {
  interface FastifyRequest {
    kiosk: KioskIdentity
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid request'
}

/** The kiosk API (`/api/v1`): Bearer kiosk key, per-kiosk rate limit, schema-checked bodies. */
export function kioskRoutes(deps: KioskRouteDeps) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.decorateRequest('kiosk', null as unknown as KioskIdentity)

    app.addHook('onRequest', async (request: FastifyRequest, reply) => {
      const kiosk = deps.authenticate(request.headers.authorization)
      if (!kiosk) return sendApiError(reply, 'unauthorized')
      const waitMs = deps.rateLimiter.take(kiosk.kioskId)
      if (waitMs > 0) {
        void reply.header('retry-after', Math.ceil(waitMs / 1000))
        return sendApiError(reply, 'rate_limited')
      }
      request.kiosk = kiosk
      request.log.info({ kioskId: kiosk.kioskId, institution: kiosk.institution }, 'kiosk request')
    })

    const {
      lookup,
      createCheckout,
      checkoutState,
      cancelCheckout,
      kioskSettings,
      logo,
      payLink,
      emailReceipt,
    } = kioskApiRoutes

    app.route({
      method: lookup.method,
      url: lookup.path,
      handler: async (request, reply) => {
        const body = lookup.body.safeParse(request.body)
        if (!body.success) return sendApiError(reply, 'invalid_card', firstIssue(body.error))
        try {
          return await deps
            .lookupsFor(request.kiosk.institution)
            .lookup(request.kiosk.kioskId, body.data.cardNumber)
        } catch (error) {
          return sendDomainError(reply, error)
        }
      },
    })

    app.route({
      method: createCheckout.method,
      url: createCheckout.path,
      handler: async (request, reply) => {
        const body = createCheckout.body.safeParse(request.body)
        if (!body.success) return sendApiError(reply, 'invalid_request', firstIssue(body.error))
        try {
          const created = await deps
            .checkoutsFor(request.kiosk.institution)
            .create(request.kiosk.kioskId, body.data)
          return await reply.code(201).send(created)
        } catch (error) {
          return sendDomainError(reply, error)
        }
      },
    })

    app.route({
      method: checkoutState.method,
      url: checkoutState.path,
      handler: async (request, reply) => {
        const params = checkoutState.params.safeParse(request.params)
        const query = checkoutState.query.safeParse(request.query)
        if (!params.success) return sendApiError(reply, 'invalid_request', firstIssue(params.error))
        if (!query.success) return sendApiError(reply, 'invalid_request', firstIssue(query.error))
        try {
          const { wait, status } = query.data
          const checkouts = deps.checkoutsFor(request.kiosk.institution)
          if (wait && status) {
            const waitMs = Math.min(wait, deps.maxWaitSeconds) * 1000
            return await checkouts.waitForChange(
              request.kiosk.kioskId,
              params.data.id,
              status,
              waitMs,
            )
          }
          return await checkouts.getState(request.kiosk.kioskId, params.data.id)
        } catch (error) {
          return sendDomainError(reply, error)
        }
      },
    })

    app.route({
      method: cancelCheckout.method,
      url: cancelCheckout.path,
      handler: async (request, reply) => {
        const params = cancelCheckout.params.safeParse(request.params)
        if (!params.success) return sendApiError(reply, 'invalid_request', firstIssue(params.error))
        try {
          return await deps
            .checkoutsFor(request.kiosk.institution)
            .cancel(request.kiosk.kioskId, params.data.id)
        } catch (error) {
          return sendDomainError(reply, error)
        }
      },
    })

    app.route({
      method: kioskSettings.method,
      url: kioskSettings.path,
      handler: (request) => deps.kioskSettingsFor(request.kiosk.institution),
    })

    app.route({
      method: logo.method,
      url: logo.path,
      handler: async (request, reply) => {
        const image = await deps.logoFor(request.kiosk.institution)
        if (!image) return sendApiError(reply, 'not_found', 'This library has no logo.')
        // Private: it answers per kiosk key; revalidated hourly so a new logo shows the same day.
        void reply
          .header('content-type', image.contentType)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, max-age=3600')
          .header('etag', image.etag)
        if (request.headers['if-none-match'] === image.etag) return reply.code(304).send()
        return reply.send(image.bytes)
      },
    })

    app.route({
      method: payLink.method,
      url: payLink.path,
      handler: async (request, reply) => {
        const body = payLink.body.safeParse(request.body)
        if (!body.success) return sendApiError(reply, 'invalid_request', firstIssue(body.error))
        try {
          const link = await deps.payLinkFor(
            request.kiosk.institution,
            request.kiosk.kioskId,
            body.data.lookupId,
          )
          if (!link) return await sendApiError(reply, 'not_found', 'This kiosk does not offer it.')
          return await reply.code(201).send(link)
        } catch (error) {
          return sendDomainError(reply, error)
        }
      },
    })

    app.route({
      method: emailReceipt.method,
      url: emailReceipt.path,
      handler: async (request, reply) => {
        const params = emailReceipt.params.safeParse(request.params)
        const body = emailReceipt.body.safeParse(request.body)
        if (!params.success) return sendApiError(reply, 'invalid_request', firstIssue(params.error))
        if (!body.success) return sendApiError(reply, 'invalid_request', firstIssue(body.error))
        try {
          const sent = await deps.emailReceipt({
            institution: request.kiosk.institution,
            kioskId: request.kiosk.kioskId,
            checkoutId: params.data.id,
            language: body.data.language,
          })
          return await reply.code(202).send(sent)
        } catch (error) {
          return sendDomainError(reply, error)
        }
      },
    })
    done()
  }
}
