import type { ReactNode } from 'react';
import { ErrorMessage } from './forms';
import { Empty, Loading } from './Page';
import './data-table.css';

/** One column: its heading and what each row shows in it. */
export interface Column<T> {
  /** The heading; a hidden one is still read out by screen readers (an actions or details column). */
  header: string;
  hideHeader?: boolean;
  cell: (row: T, index: number) => ReactNode;
  className?: string;
  /** The cell's tooltip, for values the column cuts short. */
  title?: (row: T) => string | undefined;
}

/** What a table needs of a list's query (`useQuery`'s result fits), or of a list filtered from it. */
export interface TableLoad<T> {
  data: readonly T[] | undefined;
  isLoading: boolean;
  error: unknown;
}

const idOf = (row: unknown) => String((row as { id: unknown }).id);

/**
 * The admin console's table: a caption for screen readers, the loading line, the load error, an empty
 * state, and the row actions (Edit, Delete, …) at the end of each row.
 */
export function DataTable<T>({
  caption,
  columns,
  load,
  rows = load?.data,
  rowKey = idOf,
  what,
  empty,
  actions,
  actionsHeader = 'Actions',
  className,
  rowClassName,
  onRowClick,
}: {
  caption: string;
  columns: readonly Column<T>[];
  /** The list's query (loading line, error, then its rows), or `rows` when they are at hand. */
  load?: TableLoad<T>;
  rows?: readonly T[];
  /** Each row's React key; rows with an `id` need none. */
  rowKey?: (row: T) => string;
  /** Plural noun for the loading line ("queues"). */
  what?: string;
  empty?: ReactNode;
  actions?: (row: T, index: number) => ReactNode;
  actionsHeader?: string;
  className?: string;
  rowClassName?: (row: T) => string | undefined;
  /** Makes the whole row clickable for mouse users; keep a button in the row for the keyboard. */
  onRowClick?: (row: T, index: number) => void;
}) {
  return (
    <>
      <ErrorMessage error={load?.error} />
      {rows === undefined ? (
        load?.isLoading && <Loading what={what ?? caption.toLowerCase()} />
      ) : rows.length === 0 ? (
        <Empty>{empty ?? 'Nothing here yet.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table className={className ? `table ${className}` : 'table'}>
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.header} scope="col">
                    {column.hideHeader ? (
                      <span className="visually-hidden">{column.header}</span>
                    ) : (
                      column.header
                    )}
                  </th>
                ))}
                {actions && (
                  <th scope="col">
                    <span className="visually-hidden">{actionsHeader}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr
                  key={rowKey(row)}
                  className={rowClassName?.(row)}
                  onClick={onRowClick && (() => onRowClick(row, index))}
                >
                  {columns.map((column) => (
                    <td key={column.header} className={column.className} title={column.title?.(row)}>
                      {column.cell(row, index)}
                    </td>
                  ))}
                  {actions && (
                    <td className="data-table__actions">
                      <div className="actions data-table__buttons">{actions(row, index)}</div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
