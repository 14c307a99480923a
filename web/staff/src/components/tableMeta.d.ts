import '@tanstack/react-table'

declare module '@tanstack/react-table' {
  // Column options the console's tables read (the type parameters are TanStack's own).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned, tabular figures (money, counts). */
    numeric?: boolean
  }
}
