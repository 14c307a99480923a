import { AttractScreen } from './screens/AttractScreen.tsx'

export function App() {
  return (
    <main className="kiosk">
      <AttractScreen />
    </main>
  )
}
