/**
 * The box a table scrolls in when it is wider than the screen (a tablet). While it scrolls it is a
 * named region that takes focus, so the keyboard can scroll it too.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react'

export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null)
  const [scrolls, setScrolls] = useState(false)
  useEffect(() => {
    const element = box.current
    if (!element) return
    // The observer reports once at the start and again whenever the box or the table resizes.
    const observer = new ResizeObserver(() => {
      setScrolls(element.scrollWidth > element.clientWidth)
    })
    observer.observe(element)
    const table = element.firstElementChild
    if (table) observer.observe(table)
    return () => {
      observer.disconnect()
    }
  }, [])
  return (
    <div
      ref={box}
      className="table-wrap"
      {...(scrolls
        ? { tabIndex: 0, role: 'region', 'aria-label': `${label} (scrolls sideways)` }
        : {})}
    >
      {children}
    </div>
  )
}
