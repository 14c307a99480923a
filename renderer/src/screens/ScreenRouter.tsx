import { useKiosk } from '../state/StoreContext.tsx'
import { AmountScreen } from './AmountScreen.tsx'
import { AttractScreen } from './AttractScreen.tsx'
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
  OutOfServiceScreen,
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

/** The one place that maps the state machine's screen to what is drawn. */
export function ScreenRouter() {
  const screen = useKiosk((state) => state.screen)
  const settingsStatus = useKiosk((state) => state.settingsStatus)
  if (settingsStatus !== 'ready') {
    return <OutOfServiceScreen starting={settingsStatus === 'loading'} />
  }
  switch (screen.name) {
    case 'attract':
      return <AttractScreen />
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
