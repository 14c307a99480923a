/** The words of the messages patrons receive, in the kiosk's languages. */
import type { Language } from '../../../common/api.ts'

export const patronWords = {
  en: {
    receiptSubject: (library: string) => `Your payment receipt from ${library}`,
    receiptTitle: 'Payment receipt',
    receiptLead: (library: string) =>
      `Thank you. Your payment has been recorded on your ${library} account.`,
    receiptPending:
      'Your payment was received. The library will finish posting it to your account; quote the reference below if you have questions.',
    amountPaid: 'Amount paid',
    transaction: 'CashNet transaction',
    date: 'Date',
    reference: 'Reference',
    remainingBalance: 'Remaining balance',
    fees: 'What was paid',
    fee: 'Fee',
    paid: 'Paid',
    noReply: 'This message was sent automatically; please do not reply.',
    linkSubject: (library: string) => `Pay your ${library} fines online`,
    linkTitle: 'Pay your library fines',
    linkLead: (library: string) =>
      `${library} sent you a link to pay your fines and fees on your own phone or computer.`,
    linkAction: 'Pay my fines',
    linkExpires: (when: string) => `The link works until ${when}. Do not share it.`,
  },
  es: {
    receiptSubject: (library: string) => `Su recibo de pago de ${library}`,
    receiptTitle: 'Recibo de pago',
    receiptLead: (library: string) =>
      `Gracias. Su pago quedó registrado en su cuenta de ${library}.`,
    receiptPending:
      'Recibimos su pago. La biblioteca terminará de registrarlo en su cuenta; mencione la referencia de abajo si tiene preguntas.',
    amountPaid: 'Importe pagado',
    transaction: 'Transacción de CashNet',
    date: 'Fecha',
    reference: 'Referencia',
    remainingBalance: 'Saldo pendiente',
    fees: 'Lo que se pagó',
    fee: 'Cargo',
    paid: 'Pagado',
    noReply: 'Este mensaje se envió automáticamente; por favor no responda.',
    linkSubject: (library: string) => `Pague sus multas de ${library} en línea`,
    linkTitle: 'Pague sus multas de la biblioteca',
    linkLead: (library: string) =>
      `${library} le envió un enlace para pagar sus multas y cargos en su propio teléfono o computadora.`,
    linkAction: 'Pagar mis multas',
    linkExpires: (when: string) => `El enlace funciona hasta el ${when}. No lo comparta.`,
  },
} as const satisfies Record<Language, unknown>
