import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

interface ScrollAreaProps {
  /** Names the scrolling region for screen readers. */
  label: string
  /** The fees a patron must not miss (e.g. `li`, `tbody tr`): the cue counts those out of view. */
  itemSelector: string
  className?: string
  children: ReactNode
}

/** How many `items` end below `bottom` (partly hidden rows count: their amount may be cut). */
function countBelow(items: Iterable<Element>, bottom: number): number {
  let count = 0
  for (const item of items) if (item.getBoundingClientRect().bottom > bottom + 1) count += 1
  return count
}

/**
 * A list of fees that takes the height left on the screen and scrolls when it has more rows than
 * fit. A patron must never miss a fee: while rows are out of view a button below the list says how
 * many and scrolls to them, and a shadow marks the edge where rows continue.
 */
export function ScrollArea({ label, itemSelector, className, children }: ScrollAreaProps) {
  const { t } = useTranslation()
  const viewport = useRef<HTMLDivElement>(null)
  const [below, setBelow] = useState(0)
  const [scrollable, setScrollable] = useState(false)
  const [scrolled, setScrolled] = useState(false)

  const measure = useCallback(() => {
    const element = viewport.current
    if (!element) return
    const box = element.getBoundingClientRect()
    setBelow(countBelow(element.querySelectorAll(itemSelector), box.bottom))
    setScrollable(element.scrollHeight > element.clientHeight + 1)
    setScrolled(element.scrollTop > 1)
  }, [itemSelector])

  useLayoutEffect(() => {
    const element = viewport.current
    if (!element) return
    measure()
    element.addEventListener('scroll', measure, { passive: true })
    window.addEventListener('resize', measure)
    // Rows change height with the language and text size; the viewport with the window.
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
    observer?.observe(element)
    for (const child of element.children) observer?.observe(child)
    return () => {
      element.removeEventListener('scroll', measure)
      window.removeEventListener('resize', measure)
      observer?.disconnect()
    }
  }, [measure, children])

  const showMore = () => {
    const element = viewport.current
    if (!element) return
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches
    element.scrollBy({ top: element.clientHeight * 0.8, behavior: reduce ? 'auto' : 'smooth' })
  }

  const classes = ['scroll-area']
  if (className) classes.push(className)
  if (below > 0) classes.push('more-below')
  if (scrolled) classes.push('more-above')
  return (
    <div className={classes.join(' ')}>
      <div
        ref={viewport}
        className="scroll-area-viewport"
        role="region"
        aria-label={label}
        // Keyboard users can scroll a list that has nothing focusable in it (tables).
        tabIndex={scrollable ? 0 : undefined}
      >
        {children}
      </div>
      {below > 0 && (
        <button type="button" className="scroll-cue" onClick={showMore}>
          <svg
            className="scroll-cue-arrow"
            viewBox="0 0 24 24"
            aria-hidden="true"
            focusable="false"
          >
            <path d="M12 5v13m-6-6l6 6 6-6" />
          </svg>
          {t('common.moreFees', { count: below })}
        </button>
      )}
    </div>
  )
}
