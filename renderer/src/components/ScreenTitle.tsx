import { useEffect, useRef, type ReactNode } from 'react'

/**
 * The screen's h1. It takes focus when the screen appears, so keyboard and screen reader users
 * start at the top of each new screen (unless a dialog holds the focus).
 */
export function ScreenTitle({ children, id }: { children: ReactNode; id: string }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (document.querySelector('[role="alertdialog"]')) return
    ref.current?.focus()
  }, [])
  return (
    <h1 id={id} ref={ref} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  )
}
