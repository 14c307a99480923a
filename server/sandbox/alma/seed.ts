/**
 * The sandbox Alma's patrons: one per situation the kiosk must handle. Card numbers are the users'
 * BARCODE identifiers; primary ids are different opaque strings, so tests can prove the primary id
 * never reaches the kiosk. Dates are relative to "now" so expired stays expired and active stays active.
 */

/**
 * Exported only so tsc can name it in the inferred return types of almaJson.ts (TS4058).
 * @public
 */
export interface SandboxCode {
  value: string
  desc: string
}

export interface SandboxTransaction {
  /** PAYMENT, WAIVE, … */
  type: string
  amountCents: number
  externalTransactionId: string | null
  /** CREDIT_CARD, ONLINE, CASH, … (null for a waive). */
  method: string | null
  /** ISO 8601. */
  time: string
}

export interface SandboxFee {
  /** Alma fee ids are long digit strings. */
  id: string
  /** Null: the fee has no type, as some migrated fees in Alma. */
  type: SandboxCode | null
  /** ACTIVE, CLOSED, INDISPUTE, EXPORTED. */
  status: string
  balanceCents: number
  originalAmountCents: number
  /** ISO 8601. */
  creationTime: string
  title: string | null
  barcode: string | null
  owner: SandboxCode
  transactions: SandboxTransaction[]
  /** "The fee is API Restricted by library" (60340) when paid through the API. */
  apiRestricted?: boolean
}

interface SandboxIdentifier {
  /** BARCODE, UNIV_ID, … */
  type: string
  value: string
}

interface SandboxBlock {
  type: SandboxCode
  description: SandboxCode
  /** ACTIVE or INACTIVE. */
  status: string
  /** YYYY-MM-DD, or null when the block does not expire. */
  expiryDate: string | null
  note: string | null
}

export interface SandboxPatron {
  primaryId: string
  firstName: string
  lastName: string
  /** Alma's `pref_first_name` / `pref_last_name`: the names the patron goes by, when set. */
  preferredFirstName?: string
  preferredLastName?: string
  /** ACTIVE or INACTIVE. */
  status: string
  /** YYYY-MM-DD, or null. */
  expiryDate: string | null
  /** INTERNAL or EXTERNAL (loaded from the SIS). */
  accountType: string
  userGroup: SandboxCode
  email: string | null
  identifiers: SandboxIdentifier[]
  blocks: SandboxBlock[]
  fees: SandboxFee[]
}

export const sandboxCards = {
  severalFees: '2000000001',
  oneFee: '2000000002',
  noFees: '2000000003',
  external: '2000000004',
  blocked: '2000000005',
  expired: '2000000006',
  inactive: '2000000007',
  unicode: '2000000008',
  manyFees: '2000000009',
  notFound: '9999999999',
} as const

const day = 24 * 60 * 60 * 1000
const mainLibrary: SandboxCode = { value: 'MAIN', desc: 'Main Library' }
const lawLibrary: SandboxCode = { value: 'LAW', desc: 'Law Library' }
const undergraduate: SandboxCode = { value: 'UNDRGRD', desc: 'Undergraduate Student' }
const graduate: SandboxCode = { value: 'GRAD', desc: 'Graduate Student' }
const faculty: SandboxCode = { value: 'FACULTY', desc: 'Faculty' }

const feeTypes = {
  overdue: { value: 'OVERDUEFINE', desc: 'Overdue fine' },
  recalledOverdue: { value: 'RECALLEDOVERDUEFINE', desc: 'Recalled overdue fine' },
  lostReplacement: { value: 'LOSTITEMREPLACEMENTFEE', desc: 'Lost item replacement fee' },
  lostProcess: { value: 'LOSTITEMPROCESSFEE', desc: 'Lost item process fee' },
  damaged: { value: 'DAMAGEDITEMFINE', desc: 'Damaged item fine' },
  cardRenewal: { value: 'CARDRENEWAL', desc: 'Card renewal' },
  documentDelivery: { value: 'DOCUMENTDELIVERYSERVICE', desc: 'Document delivery service' },
} as const satisfies Record<string, SandboxCode>

/** The standard seed, built fresh (callers may mutate it) with dates relative to `now`. */
export function standardSeed(now: Date = new Date()): SandboxPatron[] {
  const daysAgo = (days: number) => new Date(now.getTime() - days * day).toISOString()
  const dateIn = (days: number) => new Date(now.getTime() + days * day).toISOString().slice(0, 10)

  let feeSerial = 0
  const fee = (
    type: SandboxCode | null,
    cents: number,
    createdDaysAgo: number,
    title: string | null,
    extra: Partial<SandboxFee> = {},
  ): SandboxFee => {
    feeSerial += 1
    return {
      id: `81${String(4_200_000_000_000 + feeSerial)}`,
      type,
      status: 'ACTIVE',
      balanceCents: cents,
      originalAmountCents: cents,
      creationTime: daysAgo(createdDaysAgo),
      title,
      barcode: title ? `3900000${String(10_000 + feeSerial)}` : null,
      owner: mainLibrary,
      transactions: [],
      ...extra,
    }
  }

  const patron = (
    card: string,
    primaryId: string,
    firstName: string,
    lastName: string,
    fees: SandboxFee[],
    extra: Partial<SandboxPatron> = {},
  ): SandboxPatron => ({
    primaryId,
    firstName,
    lastName,
    status: 'ACTIVE',
    expiryDate: dateIn(365),
    accountType: 'INTERNAL',
    userGroup: undergraduate,
    email: `${primaryId}@example.edu`,
    identifiers: [
      { type: 'BARCODE', value: card },
      { type: 'UNIV_ID', value: `9${card.slice(2)}` },
    ],
    blocks: [],
    fees,
    ...extra,
  })

  return [
    patron(sandboxCards.severalFees, 'mgarcia01', 'María', 'García', [
      fee(feeTypes.overdue, 1250, 120, 'The social life of language / Gillian Sankoff.'),
      fee(feeTypes.lostReplacement, 2500, 60, 'Pride and prejudice / Jane Austen.'),
      fee(feeTypes.lostProcess, 525, 10, null),
    ]),
    patron(sandboxCards.oneFee, 'jchen02', 'James', 'Chen', [
      fee(feeTypes.overdue, 300, 14, 'Invisible man / Ralph Ellison.'),
    ]),
    patron(sandboxCards.noFees, 'aokafor03', 'Adaeze', 'Okafor', []),
    patron(
      sandboxCards.external,
      'sis-0040187',
      'Priya',
      'Raman',
      [
        fee(feeTypes.overdue, 700, 45, 'Introduction to algorithms / Thomas H. Cormen … [et al.].'),
        fee(feeTypes.documentDelivery, 140, 20, null),
      ],
      { accountType: 'EXTERNAL', userGroup: graduate },
    ),
    patron(
      sandboxCards.blocked,
      'tnguyen05',
      'Thanh',
      'Nguyen',
      [fee(feeTypes.overdue, 950, 200, 'Beloved / Toni Morrison.')],
      {
        blocks: [
          {
            type: { value: 'GENERAL', desc: 'General' },
            description: { value: 'OVERDUE', desc: 'Blocked: overdue items' },
            status: 'ACTIVE',
            expiryDate: null,
            note: 'Staff note: three items overdue since spring.',
          },
        ],
      },
    ),
    patron(
      sandboxCards.expired,
      'rjohnson06',
      'Robert',
      'Johnson',
      [fee(feeTypes.overdue, 200, 400, 'Moby Dick / Herman Melville.')],
      { expiryDate: dateIn(-30), userGroup: faculty, preferredFirstName: 'Rob' },
    ),
    patron(
      sandboxCards.inactive,
      'lsmith07',
      'Linda',
      'Smith',
      [fee(feeTypes.cardRenewal, 500, 300, null)],
      { status: 'INACTIVE' },
    ),
    patron(sandboxCards.unicode, 'zlukasiewicz08', 'Zoë', 'Łukasiewicz-Nguyễn', [
      fee(feeTypes.overdue, 375, 30, 'Cien años de soledad / Gabriel García Márquez.'),
      fee(feeTypes.damaged, 1800, 5, '東京物語 = Tokyo story'),
    ]),
    patron(sandboxCards.manyFees, 'dwilliams09', 'Devon', 'Williams', [
      fee(feeTypes.overdue, 25, 330, 'Things fall apart / Chinua Achebe.'),
      fee(feeTypes.lostReplacement, 8500, 300, 'Gray’s anatomy : the anatomical basis.'),
      fee(feeTypes.lostProcess, 1000, 300, null),
      // Partly paid at the desk already, like Alma's own example fee.
      fee(feeTypes.recalledOverdue, 450, 200, 'The fire next time / James Baldwin.', {
        originalAmountCents: 700,
        transactions: [
          {
            type: 'PAYMENT',
            amountCents: 250,
            externalTransactionId: null,
            method: 'CASH',
            time: daysAgo(150),
          },
        ],
      }),
      fee(feeTypes.damaged, 1575, 120, 'Watchmen / Alan Moore, Dave Gibbons.', {
        owner: lawLibrary,
      }),
      // No type, as on some migrated fees: clients must not assume one.
      fee(null, 100, 90, null),
      fee(feeTypes.documentDelivery, 1000, 40, null),
      fee(feeTypes.overdue, 5, 2, 'Kindred / Octavia E. Butler.'),
    ]),
  ]
}
