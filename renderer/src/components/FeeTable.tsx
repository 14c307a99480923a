import type { ReactNode } from 'react'
import { ScrollArea } from './ScrollArea.tsx'

/**
 * A table of fees (how a payment is applied, what was paid) that scrolls, with the cue, when it
 * has more rows than the screen has room for. `columns` are the header cells after "Fee".
 */
export function FeeTable({
  caption,
  feeColumn,
  columns,
  children,
}: {
  caption: string
  feeColumn: string
  columns: readonly { label: string; className: string }[]
  children: ReactNode
}) {
  return (
    <ScrollArea label={caption} itemSelector="tbody tr">
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{feeColumn}</th>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.className}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </ScrollArea>
  )
}
