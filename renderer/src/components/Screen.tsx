import type { ReactNode } from 'react'
import { ScreenTitle } from './ScreenTitle.tsx'

interface ScreenProps {
  /** Names the screen for tests and styles: `data-screen`. */
  name: string
  title: ReactNode
  lead?: ReactNode
  /** Shown while the kiosk waits for something: a calm spinner. */
  busy?: boolean
  /**
   * The screen's buttons; the first one is the primary action. They sit at the bottom of the
   * screen, outside anything that scrolls, so they are always in view and in reach.
   */
  actions?: ReactNode
  /** Always in view just above the actions (e.g. the selected total). */
  summary?: ReactNode
  /** A second column beside the content in landscape, below it in portrait (the keypads). */
  side?: ReactNode
  /**
   * The screen's list (a `ScrollArea`): the height left below the content, or the whole right
   * column on wide landscape displays. Without one, the content is centred.
   */
  list?: ReactNode
  children?: ReactNode
  tone?: 'neutral' | 'success' | 'warning' | 'error'
}

/**
 * Every screen but the checkout: one panel as tall as the window below the header, with the
 * heading on top, the content in the middle and the actions at the bottom.
 */
export function Screen({
  name,
  title,
  lead,
  busy,
  actions,
  summary,
  side,
  list,
  children,
  tone = 'neutral',
}: ScreenProps) {
  const titleId = `${name}-title`
  const classes = ['screen', `screen-${name}`, `tone-${tone}`]
  if (side) classes.push('has-side')
  if (list) classes.push('has-list')
  return (
    <section
      className={classes.join(' ')}
      aria-labelledby={titleId}
      aria-busy={busy ? true : undefined}
      data-screen={name}
    >
      <div className="screen-main">
        <div className="screen-head">
          {tone !== 'neutral' && <ToneMark tone={tone} />}
          <ScreenTitle id={titleId}>{title}</ScreenTitle>
          {lead && <p className="lead">{lead}</p>}
          {busy && <span className="spinner" aria-hidden="true" />}
        </div>
        {children}
      </div>
      {list && <div className="screen-list">{list}</div>}
      {side && <div className="screen-side">{side}</div>}
      {(Boolean(summary) || Boolean(actions)) && (
        <div className="screen-foot">
          {summary}
          {actions && <div className="actions">{actions}</div>}
        </div>
      )}
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
