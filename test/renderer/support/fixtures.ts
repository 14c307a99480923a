import {
  kioskSettingsSchema,
  type Fee,
  type KioskSettings,
  type LookupResponse,
  type Receipt,
} from '../../../common/api.ts'

export function settingsFixture(overrides: Partial<KioskSettings> = {}): KioskSettings {
  return kioskSettingsSchema.parse({
    library: {
      name: 'University Library',
      logoUrl: null,
      primaryColor: '#1f4e79',
      accentColor: '#f2b705',
    },
    languages: ['en', 'es'],
    defaultLanguage: 'en',
    currency: 'USD',
    minPaymentCents: 100,
    allowManualEntry: true,
    showItemTitles: true,
    idleTimeoutSeconds: { default: 30, fines: 60, checkout: 300, receipt: 20 },
    idleWarningSeconds: 15,
    cardReader: {},
    ...overrides,
  })
}

export const feesFixture: Fee[] = [
  {
    id: '1001',
    type: 'OVERDUEFINE',
    description: 'Overdue fine',
    title: 'The social life of language',
    createdAt: '2025-01-10T16:59:06.987Z',
    balanceCents: 1250,
  },
  {
    id: '1002',
    type: 'LOSTITEMREPLACEMENTFEE',
    description: 'Lost item replacement',
    title: 'Cien años de soledad',
    createdAt: '2025-02-01T10:00:00.000Z',
    balanceCents: 2500,
  },
  {
    id: '1003',
    type: 'DAMAGEDITEMFINE',
    description: 'Damaged item',
    title: null,
    createdAt: '2025-03-15T09:30:00.000Z',
    balanceCents: 525,
  },
]

export function lookupFixture(overrides: Partial<LookupResponse> = {}): LookupResponse {
  const fees = overrides.fees ?? feesFixture
  return {
    lookupId: 'lk_1',
    patron: { displayName: 'Jane Quincy Doe', notices: [] },
    fees,
    feesBeingPosted: [],
    totalCents: fees.reduce((sum, fee) => sum + fee.balanceCents, 0),
    currency: 'USD',
    expiresAt: '2099-01-01T00:00:00.000Z',
    ...overrides,
  }
}

/** A receipt of 42.75 paid on the first fee, posted in full: CashNet transaction CN777. */
export function receiptFixture(overrides: Partial<Receipt> = {}): Receipt {
  return {
    transactionId: 'CN777',
    amountCents: 4275,
    postedAt: '2026-11-22T12:55:00.000Z',
    lines: [
      {
        feeId: '1001',
        description: 'Overdue fine',
        title: null,
        amountCents: 1250,
        remainingCents: 0,
      },
    ],
    unappliedCents: 0,
    exceptionReference: null,
    remainingBalanceCents: 0,
    ...overrides,
  }
}
