// A dense, keyboard-usable table: rows are focusable, Enter or click opens a row, arrows move.
import type { ComponentChildren } from 'preact'

export interface Column<T> {
  key: string
  header: ComponentChildren
  render(row: T): ComponentChildren
  /** Sort key sent to the parent when the header is clicked; no sort key, no sort button. */
  sort?: string
  align?: 'left' | 'right'
  class?: string
}

export interface TableSort {
  key: string
  order: 'asc' | 'desc'
}

interface Props<T> {
  label: string
  columns: Column<T>[]
  rows: T[]
  rowKey(row: T): string
  /** Opens the row's detail; rows are focusable and Enter opens them. */
  onOpen?(row: T): void
  rowLabel?(row: T): string
  sort?: TableSort
  onSort?(key: string): void
  busy?: boolean
}

function moveFocus(from: HTMLElement, step: 1 | -1) {
  const target = (
    step === 1 ? from.nextElementSibling : from.previousElementSibling
  ) as HTMLElement | null
  target?.focus()
}

export function DataTable<T>(props: Props<T>) {
  const { columns, rows, onOpen, sort } = props
  return (
    <div class={props.busy ? 'table-wrap busy' : 'table-wrap'}>
      <table class="table" aria-label={props.label} aria-busy={props.busy ? 'true' : undefined}>
        <thead>
          <tr>
            {columns.map((col) => {
              const sorted = col.sort && sort?.key === col.sort ? sort.order : null
              return (
                <th
                  key={col.key}
                  scope="col"
                  class={[col.align === 'right' ? 'num' : '', col.class ?? ''].join(' ').trim()}
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                  }
                >
                  {col.sort && props.onSort ? (
                    <button
                      type="button"
                      class={sorted ? 'sort-button sorted' : 'sort-button'}
                      onClick={() => props.onSort?.(col.sort as string)}
                    >
                      {col.header}
                      <span class="sort-arrow" aria-hidden="true">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                      </span>
                    </button>
                  ) : (
                    col.header
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={props.rowKey(row)}
              class={onOpen ? 'row-link' : undefined}
              tabIndex={onOpen ? 0 : undefined}
              aria-label={onOpen && props.rowLabel ? props.rowLabel(row) : undefined}
              onClick={
                onOpen
                  ? (event) => {
                      // Let links, buttons and form controls inside the row do their own thing.
                      const target = event.target as HTMLElement
                      if (target.closest('a, button, input, select, textarea, label')) return
                      onOpen(row)
                    }
                  : undefined
              }
              onKeyDown={
                onOpen
                  ? (event) => {
                      if (event.target !== event.currentTarget) return
                      if (event.key === 'Enter') {
                        event.preventDefault()
                        onOpen(row)
                      } else if (event.key === 'ArrowDown') {
                        event.preventDefault()
                        moveFocus(event.currentTarget as HTMLElement, 1)
                      } else if (event.key === 'ArrowUp') {
                        event.preventDefault()
                        moveFocus(event.currentTarget as HTMLElement, -1)
                      }
                    }
                  : undefined
              }
            >
              {columns.map((col) => (
                <td
                  key={col.key}
                  class={[col.align === 'right' ? 'num' : '', col.class ?? ''].join(' ').trim()}
                >
                  {col.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
