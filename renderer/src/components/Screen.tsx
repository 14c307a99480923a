import type { ReactNode } from 'react'
import { ScreenTitle } from './ScreenTitle.tsx'

interface ScreenProps {
  /** Names the screen for tests and styles: `data-screen`. */
  name: string
  title: ReactNode
  lead?: ReactNode
  /** Shown while the kiosk waits for something: a calm spinner. */
  busy?: boolean
  /** The screen's buttons; the first one is the primary action. */
  actions?: ReactNode
  children?: ReactNode
  tone?: 'neutral' | 'success' | 'warning' | 'error'
}

export function Screen({
  name,
  title,
  lead,
  busy,
  actions,
  children,
  tone = 'neutral',
}: ScreenProps) {
  const titleId = `${name}-title`
  return (
    <section
      className={`screen screen-${name} tone-${tone}`}
      aria-labelledby={titleId}
      aria-busy={busy ? true : undefined}
      data-screen={name}
    >
      {tone !== 'neutral' && <ToneMark tone={tone} />}
      <ScreenTitle id={titleId}>{title}</ScreenTitle>
      {lead && <p className="lead">{lead}</p>}
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
      {actions && <div className="actions">{actions}</div>}
    </section>
  )
}

function ToneMark({ tone }: { tone: 'success' | 'warning' | 'error' }) {
  const path = {
    success: 'M7 13l3 3 7-7',
    warning: 'M12 7v6m0 3.5v.5',
    error: 'M8 8l8 8m0-8l-8 8',
  }[tone]
  return (
    <svg className="tone-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="11" />
      <path d={path} />
    </svg>
  )
}
