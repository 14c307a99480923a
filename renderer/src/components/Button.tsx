import type { ComponentProps } from 'react'

type Variant = 'primary' | 'secondary' | 'quiet'

/** Kiosk buttons: at least 56 px tall, one `primary` per screen. */
export function Button({
  variant = 'secondary',
  className,
  ...props
}: ComponentProps<'button'> & { variant?: Variant }) {
  return (
    <button
      type="button"
      {...props}
      className={`button button-${variant}${className ? ` ${className}` : ''}`}
    />
  )
}
