/**
 * The patron pay pages' sessions: started only from an entry token (a pay link, or a Primo VE
 * token the verifier accepted), then everything the page may do, for that session's patron only.
 * The browser holds a random value in an HttpOnly cookie; no request ever names a patron, a
 * lookup or a checkout, so one patron's page cannot reach another's.
 */
import { randomBytes } from 'node:crypto'
import type { CheckoutState, KioskSettings } from '../../common/api.ts'
import type {
  PayCheckoutCreated,
  PayCheckoutRequest,
  PayFees,
  PayReceipt,
  PaySessionInfo,
} from '../../common/payApi.ts'
import type { Clock } from '../ops/clock.ts'
import type { LookupService } from '../patrons/lookupService.ts'
import type { CheckoutService } from '../payments/checkoutService.ts'
import { PaymentError } from '../payments/errors.ts'
import { patronHolder, type PaymentHolder } from '../payments/holder.ts'
import type { PaySession, PaySessionStore } from '../store/paySessions.ts'
import { PayLinkError, type PayLinks } from './payLinks.ts'
import { PrimoTokenError, type PrimoPatron } from './primoToken.ts'
import { sha256Hex } from '../ops/sha256.ts'

/** Verifies a Primo VE JWT; rejects (a `PrimoTokenError` with a `kind`) for any bad token. */
export type VerifyPrimoToken = (jwt: string) => Promise<PrimoPatron>

export class PayEntryError extends Error {
  override readonly name = 'PayEntryError'
  /**
   * `not_found`: unknown link; `gone`: expired or revoked; `primo_refused`: a bad Primo token;
   * `primo_unavailable`: Primo entry not set up here; `primo_keys_unavailable`: the token cannot be
   * checked now because Ex Libris's key set could not be fetched (the token may well be good).
   */
  readonly kind:
    'not_found' | 'gone' | 'primo_refused' | 'primo_unavailable' | 'primo_keys_unavailable'

  constructor(kind: PayEntryError['kind'], message: string, options?: ErrorOptions) {
    super(message, options)
    this.kind = kind
  }
}

export interface PaySessionsDeps {
  store: PaySessionStore
  payLinks: Pick<PayLinks, 'open'>
  /** null: Primo entry is not set up on this service. */
  verifyPrimoToken: VerifyPrimoToken | null
  /** Whether an institution is served here (a Primo token naming another is refused). */
  hasInstitution(code: string): boolean
  /** A Primo entry's `returnUrl` if it is one of the institution's Primo origins, else null. */
  primoReturnUrl(institution: string, candidate: string | undefined): string | null
  lookupsFor(institution: string): Pick<LookupService, 'lookupPatron'>
  checkoutsFor(
    institution: string,
  ): Pick<CheckoutService, 'create' | 'getState' | 'waitForChange' | 'cancel'>
  settingsFor(institution: string): KioskSettings
  libraryNameOf(institution: string): string
  clock: Clock
  idleMs: number
  /** Longest long-poll the page may ask for, in seconds. */
  maxWaitSeconds: number
}

export interface StartedSession {
  /** The cookie's value: 256 random bits. */
  cookieValue: string
}

/** How many of a session's checkouts it remembers (and may read), newest kept. */
const checkoutsKeptPerSession = 20

export function createPaySessions(deps: PaySessionsDeps) {
  const { store, clock } = deps

  async function start(input: {
    institution: string
    primaryId: string
    channel: 'link' | 'primo'
    returnUrl: string | null
  }): Promise<StartedSession> {
    const cookieValue = randomBytes(32).toString('base64url')
    const now = clock.now()
    await store.create({
      idHash: sha256Hex(cookieValue),
      csrfToken: randomBytes(24).toString('base64url'),
      ...input,
      createdAt: now,
      lastSeenAt: now,
      lookupId: null,
      checkoutIds: [],
    })
    return { cookieValue }
  }

  const holderOf = (session: PaySession): PaymentHolder =>
    patronHolder(session.idHash, session.channel)

  const latestCheckout = (session: PaySession): string => {
    const latest = session.checkoutIds.at(-1)
    if (!latest) throw new PaymentError('checkout_not_found', 'This page has made no payment yet.')
    return latest
  }

  return {
    /** `GET /pay/l/<token>`: a session for the link's patron. */
    async startFromLink(token: string): Promise<StartedSession> {
      try {
        const link = await deps.payLinks.open(token)
        return await start({
          institution: link.institution,
          primaryId: link.primaryId,
          channel: 'link',
          returnUrl: null,
        })
      } catch (error) {
        if (error instanceof PayLinkError) {
          throw new PayEntryError(error.kind, error.message, { cause: error })
        }
        throw error
      }
    },

    /** `GET /pay/primo?jwt=…`: a session for the token's patron, once every claim checked out. */
    async startFromPrimo(jwt: string, returnUrl?: string): Promise<StartedSession> {
      if (!deps.verifyPrimoToken) {
        throw new PayEntryError('primo_unavailable', 'Paying from Primo is not set up here.')
      }
      let patron: PrimoPatron
      try {
        patron = await deps.verifyPrimoToken(jwt)
      } catch (error) {
        if (error instanceof PrimoTokenError && error.kind === 'keys_unavailable') {
          throw new PayEntryError(
            'primo_keys_unavailable',
            'The Primo sign-in cannot be checked right now.',
            { cause: error },
          )
        }
        throw new PayEntryError('primo_refused', 'The Primo sign-in could not be checked.', {
          cause: error,
        })
      }
      // The verifier checks the institution claim; a service that does not serve it never shows data.
      if (!deps.hasInstitution(patron.institution) || patron.userId.trim() === '') {
        throw new PayEntryError('primo_refused', 'The Primo sign-in is for another library.')
      }
      return start({
        institution: patron.institution,
        primaryId: patron.userId,
        channel: 'primo',
        returnUrl: deps.primoReturnUrl(patron.institution, returnUrl),
      })
    },

    /** The live session for a cookie value, its idle time renewed; null when none or idle. */
    async resolve(cookieValue: string | undefined): Promise<PaySession | null> {
      if (!cookieValue || cookieValue.length > 100) return null
      const idHash = sha256Hex(cookieValue)
      const session = await store.get(idHash)
      if (!session) return null
      const now = clock.now()
      // Checked here, not only by the sweep: an idle session is over the moment it is idle.
      if (session.lastSeenAt + deps.idleMs <= now) {
        await store.delete(idHash)
        return null
      }
      await store.touch(idHash, now)
      return { ...session, lastSeenAt: Math.max(session.lastSeenAt, now) }
    },

    async end(session: PaySession): Promise<void> {
      await store.delete(session.idHash)
    },

    info(session: PaySession): PaySessionInfo {
      const settings = deps.settingsFor(session.institution)
      return {
        csrfToken: session.csrfToken,
        channel: session.channel,
        library: {
          name: deps.libraryNameOf(session.institution),
          primaryColor: settings.library.primaryColor,
          accentColor: settings.library.accentColor,
        },
        languages: settings.languages,
        defaultLanguage: settings.defaultLanguage,
        currency: settings.currency,
        minPaymentCents: settings.minPaymentCents,
        showItemTitles: settings.showItemTitles,
        feeTypeNames: settings.feeTypeNames,
        hasCheckout: session.checkoutIds.length > 0,
        returnUrl: session.returnUrl,
      }
    },

    /** The patron's fees as Alma has them now (a fresh lookup each time the page asks). */
    async fees(session: PaySession): Promise<PayFees> {
      const lookup = await deps
        .lookupsFor(session.institution)
        .lookupPatron(holderOf(session), session.primaryId)
      await store.setLookup(session.idHash, lookup.lookupId)
      const { lookupId: _lookupId, expiresAt: _expiresAt, ...fees } = lookup
      return fees
    },

    /** A checkout over the session's lookup: pay all, chosen fees, or an amount over them. */
    async createCheckout(
      session: PaySession,
      request: PayCheckoutRequest,
    ): Promise<PayCheckoutCreated> {
      if (!session.lookupId) {
        throw new PaymentError('lookup_expired', 'Your fees need loading again.')
      }
      const created = await deps.checkoutsFor(session.institution).create(holderOf(session), {
        lookupId: session.lookupId,
        ...request,
      })
      await store.addCheckout(session.idHash, created.checkoutId, checkoutsKeptPerSession)
      return { checkoutUrl: created.checkoutUrl, amountCents: created.amountCents }
    },

    /** The session's latest checkout; with `wait`, as soon as its status differs from `known`. */
    async checkoutState(
      session: PaySession,
      wait?: { known: CheckoutState['status']; seconds: number },
    ): Promise<CheckoutState> {
      const checkouts = deps.checkoutsFor(session.institution)
      const checkoutId = latestCheckout(session)
      if (!wait || wait.seconds === 0) return checkouts.getState(holderOf(session), checkoutId)
      const seconds = Math.min(wait.seconds, deps.maxWaitSeconds)
      return checkouts.waitForChange(holderOf(session), checkoutId, wait.known, seconds * 1000)
    },

    /** Back from CashNet without paying: ends the pending checkout so it cannot linger. */
    async cancelCheckout(session: PaySession): Promise<CheckoutState> {
      return deps
        .checkoutsFor(session.institution)
        .cancel(holderOf(session), latestCheckout(session))
    },

    /** The posted receipt of the session's latest checkout. */
    async receipt(session: PaySession): Promise<PayReceipt> {
      const state = await deps
        .checkoutsFor(session.institution)
        .getState(holderOf(session), latestCheckout(session))
      if (!state.receipt) {
        throw new PaymentError('checkout_not_found', 'This payment has no receipt yet.')
      }
      return { checkoutId: state.checkoutId, receipt: state.receipt }
    },

    /** Drops sessions idle past their time (the service's sweep). */
    sweep(): Promise<number> {
      return store.deleteIdle(clock.now() - deps.idleMs)
    },
  }
}

export type PaySessions = ReturnType<typeof createPaySessions>
