/**
 * A table on TanStack Table: headers that sort (a button in each sortable header, `aria-sort` on
 * the header cell), sorting done here or by the service (`manualSorting` with the sort state
 * lifted to the screen), and a caption for assistive technology.
 */
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type OnChangeFn,
  type SortingState,
} from '@tanstack/react-table'
import { useState } from 'react'
import { TableWrap } from './TableWrap.tsx'

export interface DataTableProps<Row> {
  caption: string
  /** Shown instead of the body when there are no rows. */
  empty: string
  columns: ColumnDef<Row>[]
  data: Row[]
  /** The service sorts: the screen keeps the state and reloads. */
  sorting?: { state: SortingState; onChange: OnChangeFn<SortingState> }
  initialSorting?: SortingState
  rowKey: (row: Row) => string
}

export function DataTable<Row>(props: DataTableProps<Row>) {
  const [localSorting, setLocalSorting] = useState<SortingState>(props.initialSorting ?? [])
  const manual = props.sorting !== undefined
  // TanStack Table returns functions React Compiler must not memoize; this component is not compiled.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: props.data,
    columns: props.columns,
    state: { sorting: props.sorting?.state ?? localSorting },
    onSortingChange: props.sorting?.onChange ?? setLocalSorting,
    manualSorting: manual,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    ...(manual ? {} : { getSortedRowModel: getSortedRowModel() }),
    getRowId: props.rowKey,
  })

  return (
    <TableWrap label={props.caption}>
      <table className="data-table">
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted()
                const label = flexRender(header.column.columnDef.header, header.getContext())
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={
                      sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                    }
                    className={header.column.columnDef.meta?.numeric ? 'numeric' : undefined}
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        {label}
                        <span aria-hidden="true" className="sort-mark">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                )
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} className="empty">
                {props.empty}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <td
                    key={cell.id}
                    className={cell.column.columnDef.meta?.numeric ? 'numeric' : undefined}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableWrap>
  )
}
