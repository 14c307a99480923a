/**
 * Every screen after the attract screen, in a chunk of its own (see `ScreenRouter.tsx`): the
 * attract screen paints without waiting for this code, which arrives while it is showing.
 */
import type { Screen } from '../state/screens.ts'
import { AmountScreen } from './AmountScreen.tsx'
import { CheckoutScreen } from './CheckoutScreen.tsx'
import { ConfirmScreen } from './ConfirmScreen.tsx'
import { FinesScreen } from './FinesScreen.tsx'
import { ManualEntryScreen } from './ManualEntryScreen.tsx'
import {
  BlockedScreen,
  CancelledScreen,
  DeclinedScreen,
  NoFinesScreen,
  NotConfirmedScreen,
  NotFoundScreen,
  ProblemScreen,
  UnavailableScreen,
} from './OutcomeScreens.tsx'
import { ExceptionReceiptScreen, ReceiptScreen } from './ReceiptScreen.tsx'
import {
  CancellingScreen,
  ConfirmingScreen,
  LookingUpScreen,
  StartingCheckoutScreen,
} from './WaitingScreens.tsx'

/** Maps every screen but the attract screen to what is drawn. */
export function PatronScreen({ screen }: { screen: Exclude<Screen, { name: 'attract' }> }) {
  switch (screen.name) {
    case 'manualEntry':
      return <ManualEntryScreen />
    case 'lookingUp':
      return <LookingUpScreen />
    case 'fines':
      return <FinesScreen />
    case 'amount':
      return <AmountScreen />
    case 'confirm':
      return <ConfirmScreen />
    case 'startingCheckout':
      return <StartingCheckoutScreen />
    case 'checkout':
      return <CheckoutScreen />
    case 'cancelling':
      return <CancellingScreen />
    case 'confirming':
      return <ConfirmingScreen />
    case 'receipt':
      return <ReceiptScreen />
    case 'exceptionReceipt':
      return <ExceptionReceiptScreen />
    case 'declined':
      return <DeclinedScreen message={screen.message} />
    case 'cancelled':
      return <CancelledScreen expired={screen.expired} reference={screen.reference} />
    case 'notConfirmed':
      return <NotConfirmedScreen />
    case 'noFines':
      return <NoFinesScreen />
    case 'notFound':
      return <NotFoundScreen />
    case 'blocked':
      return <BlockedScreen block={screen.block} reason={screen.reason} />
    case 'unavailable':
      return <UnavailableScreen />
    case 'problem':
      return <ProblemScreen problem={screen.problem} />
  }
}
