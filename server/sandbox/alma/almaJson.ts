/**
 * Renders sandbox records in Alma's JSON shapes: float amounts, `{value, desc}` code fields, `fee[]`
 * and `transaction[]` (absent when empty, as Alma does), dates with Alma's trailing "Z".
 */
import type { SandboxFee, SandboxPatron, SandboxTransaction } from './seed.ts'

const amount = (cents: number) => cents / 100
const almaDate = (isoDate: string) => `${isoDate.slice(0, 10)}Z`

const statusDesc: Record<string, string> = {
  ACTIVE: 'Active',
  INACTIVE: 'Inactive',
  CLOSED: 'Closed',
  INDISPUTE: 'In dispute',
  EXPORTED: 'Exported to bursar',
}
const code = (value: string) => ({ value, desc: statusDesc[value] ?? value })

const methodDesc: Record<string, string> = {
  CREDIT_CARD: 'Credit card',
  ONLINE: 'Online',
  CASH: 'Cash',
}

function transactionJson(transaction: SandboxTransaction) {
  return {
    type: {
      value: transaction.type,
      desc:
        transaction.type === 'PAYMENT'
          ? 'Payment'
          : transaction.type === 'WAIVE'
            ? 'Waive'
            : transaction.type,
    },
    amount: amount(transaction.amountCents),
    vat_amount: 0,
    created_by: transaction.externalTransactionId ? 'API' : 'Circulation Desk',
    ...(transaction.externalTransactionId === null
      ? {}
      : { external_transaction_id: transaction.externalTransactionId }),
    transaction_time: transaction.time,
    received_by: { value: 'Circulation', desc: 'Main Library' },
    ...(transaction.method
      ? {
          payment_method: {
            value: transaction.method,
            desc: methodDesc[transaction.method] ?? transaction.method,
          },
        }
      : {}),
  }
}

export function feeJson(baseUrl: string, patron: SandboxPatron, fee: SandboxFee) {
  const userLink = `${baseUrl}/almaws/v1/users/${encodeURIComponent(patron.primaryId)}`
  const statusTime = fee.transactions.at(-1)?.time ?? fee.creationTime
  return {
    id: fee.id,
    ...(fee.type ? { type: fee.type } : {}),
    status: code(fee.status),
    user_primary_id: { value: patron.primaryId, link: userLink },
    balance: amount(fee.balanceCents),
    remaining_vat_amount: 0,
    original_amount: amount(fee.originalAmountCents),
    original_vat_amount: 0,
    creation_time: fee.creationTime,
    status_time: statusTime,
    comment: `Date generated: ${fee.creationTime.slice(0, 10)}`,
    owner: fee.owner,
    ...(fee.title === null ? {} : { title: fee.title }),
    ...(fee.barcode === null
      ? {}
      : {
          barcode: {
            value: fee.barcode,
            link: `${baseUrl}/almaws/v1/items?item_barcode=${fee.barcode}`,
          },
        }),
    ...(fee.transactions.length > 0 ? { transaction: fee.transactions.map(transactionJson) } : {}),
    link: `${userLink}/fees/${fee.id}`,
  }
}

export function feeListJson(baseUrl: string, patron: SandboxPatron, fees: SandboxFee[]) {
  const totalCents = fees.reduce((sum, fee) => sum + fee.balanceCents, 0)
  return {
    ...(fees.length > 0 ? { fee: fees.map((fee) => feeJson(baseUrl, patron, fee)) } : {}),
    total_record_count: fees.length,
    total_sum: amount(totalCents),
    currency: 'USD',
  }
}

export function userJson(baseUrl: string, patron: SandboxPatron) {
  const segment = patron.accountType === 'EXTERNAL' ? 'External' : 'Internal'
  return {
    record_type: { value: 'PUBLIC', desc: 'Public' },
    primary_id: patron.primaryId,
    first_name: patron.firstName,
    middle_name: '',
    last_name: patron.lastName,
    ...(patron.preferredFirstName ? { pref_first_name: patron.preferredFirstName } : {}),
    ...(patron.preferredLastName ? { pref_last_name: patron.preferredLastName } : {}),
    full_name: `${patron.firstName} ${patron.lastName}`,
    user_group: patron.userGroup,
    preferred_language: { value: 'en', desc: 'English' },
    account_type: {
      value: patron.accountType,
      desc: patron.accountType === 'EXTERNAL' ? 'External' : 'Internal',
    },
    ...(patron.accountType === 'EXTERNAL' ? { external_id: 'SIS' } : {}),
    status: code(patron.status),
    status_date: `${patron.status === 'ACTIVE' ? '2024-08-15' : '2025-01-10'}Z`,
    ...(patron.expiryDate ? { expiry_date: almaDate(patron.expiryDate) } : {}),
    contact_info: {
      address: [],
      email: patron.email
        ? [{ email_address: patron.email, preferred: true, segment_type: segment }]
        : [],
      phone: [],
    },
    user_identifier: patron.identifiers.map((identifier) => ({
      id_type: {
        value: identifier.type,
        desc: identifier.type === 'BARCODE' ? 'Barcode' : 'University ID',
      },
      value: identifier.value,
      status: 'ACTIVE',
      segment_type: segment,
    })),
    user_role: [
      {
        status: { value: 'ACTIVE', desc: 'Active' },
        scope: { value: 'MAIN_INST', desc: 'Sandbox University' },
        role_type: { value: '200', desc: 'Patron' },
      },
    ],
    user_block: patron.blocks.map((block) => ({
      block_type: block.type,
      block_description: block.description,
      block_status: block.status,
      ...(block.note ? { block_note: block.note } : {}),
      created_by: 'System',
      created_date: '2025-03-01Z',
      ...(block.expiryDate ? { expiry_date: almaDate(block.expiryDate) } : {}),
      segment_type: 'Internal',
    })),
    user_note: [],
    user_statistic: [],
    proxy_for_user: [],
    link: `${baseUrl}/almaws/v1/users/${encodeURIComponent(patron.primaryId)}`,
  }
}

export function almaErrorJson(errorCode: string, errorMessage: string, trackingId: string) {
  return {
    errorsExist: true,
    errorList: { error: [{ errorCode, errorMessage, trackingId }] },
    result: null,
  }
}
