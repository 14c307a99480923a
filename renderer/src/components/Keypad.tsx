import { useTranslation } from 'react-i18next'
import type { KeypadKey } from '../state/types.ts'

const digitRows: KeypadKey[][] = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
]

/** The on-screen keypad for ids and amounts: big touch targets, plain buttons for keyboards. */
export function Keypad({ onKey, controls }: { onKey: (key: KeypadKey) => void; controls: string }) {
  const { t } = useTranslation()
  const key = (value: KeypadKey, label: string, aria?: string) => (
    <button
      key={value}
      type="button"
      className={`keypad-key keypad-${value}`}
      aria-label={aria}
      aria-controls={controls}
      onClick={() => {
        onKey(value)
      }}
    >
      {label}
    </button>
  )
  return (
    <div className="keypad" role="group" aria-label={t('keypad.label')}>
      {digitRows.flat().map((digit) => key(digit, digit))}
      {key('clear', t('keypad.clear'))}
      {key('0', '0')}
      {key('back', '⌫', t('keypad.backspace'))}
    </div>
  )
}
