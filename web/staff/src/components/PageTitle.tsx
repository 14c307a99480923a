import { useEffect, useRef, type ReactNode } from 'react'

/**
 * A screen's heading. It takes focus when the screen opens so that a screen reader announces the
 * new screen and the keyboard starts from the top of it, as after a page load.
 */
export function PageTitle({ children }: { children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    heading.current?.focus()
  }, [])
  return (
    <h1 className="page-title" tabIndex={-1} ref={heading}>
      {children}
    </h1>
  )
}
