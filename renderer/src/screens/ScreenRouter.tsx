import { deferredModule } from '../lazy/deferredModule.ts'
import { useKiosk } from '../state/StoreContext.tsx'
import { AttractScreen } from './AttractScreen.tsx'
import { OutOfServiceScreen } from './OutOfServiceScreen.tsx'

/**
 * The screens after the attract screen: kept out of the first chunk so the attract screen paints
 * sooner. `main.tsx` loads them as soon as the page is idle, long before a patron can need them.
 */
export const patronScreens = deferredModule(() => import('./PatronScreens.tsx'))

/** The one place that maps the state machine's screen to what is drawn. */
export function ScreenRouter() {
  const screen = useKiosk((state) => state.screen)
  const settingsStatus = useKiosk((state) => state.settingsStatus)
  const prepainted = useKiosk((state) => state.prepainted)
  const screens = patronScreens.use()
  // The prerendered attract screen is already on the page: keep it while the first settings load.
  if (settingsStatus === 'loading' && prepainted) return <AttractScreen />
  if (settingsStatus !== 'ready') {
    return <OutOfServiceScreen starting={settingsStatus === 'loading'} />
  }
  if (screen.name === 'attract') return <AttractScreen />
  if (screens) return <screens.PatronScreen screen={screen} />
  // A swipe in the moment before the screens arrived: they are on their way (nothing to show).
  void patronScreens.load()
  return null
}
