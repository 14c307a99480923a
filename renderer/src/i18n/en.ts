/** English: the source language. Every other language must have exactly these keys. */
export const en = {
  app: {
    title: 'Library payments',
    defaultLibraryName: 'Library',
  },
  header: {
    largeText: 'Larger text',
  },
  common: {
    done: 'Done',
    back: 'Back',
    startOver: 'Start over',
    tryAgain: 'Try again',
    pleaseWait: 'Please wait…',
    askStaff: 'If you need help, please ask at the service desk.',
    moreFees: 'More fees below ({{count}})',
  },
  keypad: {
    label: 'Keypad',
    backspace: 'Delete last digit',
    clear: 'Clear',
  },
  attract: {
    title: 'Swipe or tap your campus ID',
    lead: 'Pay library fines and fees here.',
    steps: 'Swipe your card, choose what to pay, and pay securely by card.',
    manualEntry: 'Type your ID number instead',
  },
  manualEntry: {
    title: 'Enter your ID number',
    lead: 'Use the keypad to type the number on your campus ID.',
    fieldLabel: 'ID number',
    empty: 'No digits yet',
    submit: 'Find my account',
  },
  lookingUp: {
    title: 'Finding your account…',
  },
  fines: {
    title: 'Hello, {{name}}',
    lead: 'You owe {{total}} to the library.',
    tableCaption: 'Your fines and fees',
    selectAll: 'Select all',
    itemTitle: 'Item: {{title}}',
    selectedTotal: 'Selected: {{amount}}',
    noneSelected: 'Select at least one fee to pay.',
    paySelected: 'Pay {{amount}}',
    payOtherAmount: 'Pay a different amount',
    finish: 'Finish without paying',
    beingPostedCaption: 'Payments being posted',
    beingPostedLead:
      'These fees were paid recently. The payment is being recorded on your account, so they cannot be paid again now.',
    beingPosted: 'Payment being posted: {{amount}}',
    leftAfterPosting: 'Still owed after that: {{amount}}',
  },
  notices: {
    label: 'About your account',
    blocked: 'Paying clears fines. Other blocks need the service desk.',
    blockedReason: 'Block on your account: {{reason}}',
    expired:
      'Your library account expired on {{date}}. You can still pay here; please renew your account at the service desk.',
  },
  amount: {
    title: 'How much would you like to pay?',
    lead: 'Enter an amount between {{min}} and {{max}}.',
    fieldLabel: 'Amount to pay',
    belowMinimum: 'The smallest payment is {{min}}.',
    aboveTotal: 'That is more than the selected total of {{max}}.',
    continue: 'Continue',
  },
  confirm: {
    title: 'Confirm your payment',
    amountLabel: 'You will pay',
    allocationCaption: 'How your payment is applied',
    oldestFirst: 'Payments are applied to your oldest fees first.',
    fee: 'Fee',
    balance: 'Owed now',
    paying: 'Paying',
    remaining: 'Left after',
    pay: 'Continue to secure payment',
  },
  startingCheckout: {
    title: 'Opening the secure payment page…',
  },
  checkout: {
    title: 'Secure payment: {{amount}}',
    lead: 'Enter your card details on the CashNet page below.',
    timeLeft: 'Time left: {{time}}',
    cancel: 'Cancel payment',
    frameRegion: 'CashNet payment page',
  },
  cancelling: {
    title: 'Cancelling your payment…',
  },
  confirming: {
    title: 'Confirming your payment…',
    pending: 'Waiting for confirmation from CashNet.',
    paid: 'Payment received. Recording it on your library account.',
    reconnecting: 'Reconnecting to the payment service. Your payment is safe.',
    stay: 'Please stay here until your receipt appears.',
  },
  receipt: {
    title: 'Payment complete',
    lead: 'Thank you, {{name}} — your payment has been recorded on your library account.',
    amountPaid: 'Amount paid',
    transaction: 'CashNet transaction',
    postedAt: 'Date',
    linesCaption: 'What was paid',
    fee: 'Fee',
    paid: 'Paid',
    remaining: 'Left on this fee',
    remainingBalance: 'Remaining balance',
    unknownBalance: 'Ask at the service desk',
  },
  exceptionReceipt: {
    title: 'Payment received',
    lead: 'Your payment was received. The library will finish posting it to your account.',
    reference: 'Reference',
    keepReference: 'Please note this reference in case you have questions.',
    postedSoFar: 'Posted so far',
  },
  declined: {
    title: 'Payment declined',
    lead: 'Your card was not charged.',
    cashnetSaid: 'CashNet said: {{message}}',
    tryAgain: 'Try another card',
  },
  cancelled: {
    title: 'Payment cancelled',
    expiredTitle: 'Payment timed out',
    lead: 'No payment was received.',
    ifPaid:
      'If you completed a payment on the CashNet page, it will still be recorded on your account.',
    backToFees: 'Back to my fees',
  },
  notConfirmed: {
    title: 'We could not confirm a payment',
    lead: 'CashNet has not confirmed a payment. If you did pay, it will still be recorded on your account.',
    reference: 'Reference',
  },
  noFines: {
    title: 'You have no fines or fees',
    lead: 'Good news, {{name}} — there is nothing to pay.',
    beingPostedTitle: 'Nothing to pay right now',
    beingPostedLead: '{{name}}, a recent payment is still being recorded on your account.',
  },
  notFound: {
    title: 'We could not find your account',
    lead: 'Please swipe your card again, or ask at the service desk.',
  },
  blocked: {
    title: 'This account cannot pay here',
    blocked: 'Your library account is blocked.',
    inactive: 'Your library account is not active.',
    expired: 'Your library account has expired.',
    reason: 'Reason: {{reason}}',
    visitDesk: 'Please visit the service desk.',
  },
  unavailable: {
    title: 'Payments are unavailable right now',
    lead: 'We cannot reach the library system. Please try again in a few minutes, or pay at the service desk.',
  },
  outOfService: {
    title: 'This kiosk is temporarily out of service',
    lead: 'Please pay at the service desk. The kiosk will be back shortly.',
    starting: 'Starting…',
  },
  problem: {
    lookupExpired: 'Your session timed out. Please swipe your card again.',
    feesChanged: 'Your fees changed since you swiped your card. Please start over to see them.',
    invalidAmount: 'That amount cannot be paid. Please choose a different amount.',
    paymentUnavailable: 'The payment service did not answer. No payment was made.',
    checkoutFailed: 'The secure payment page could not be opened. No payment was made.',
    feeBeingPosted:
      'A payment for one of these fees is still being recorded on your account, so it cannot be paid again yet. No payment was made. Please start over to see your fees.',
    title: 'Payment could not start',
  },
  idle: {
    title: 'Are you still there?',
    lead: 'For your privacy, this session will end in {{seconds}} seconds.',
    checkoutLead: 'Your payment will be cancelled in {{seconds}} seconds.',
    stillHere: 'I am still here',
    endNow: 'End session',
  },
} as const

/** The shape every translation has: the same keys, any strings. */
export type Translation = { [K in keyof typeof en]: { [L in keyof (typeof en)[K]]: string } }
