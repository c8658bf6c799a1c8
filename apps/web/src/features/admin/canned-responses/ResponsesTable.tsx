import type { CannedResponse } from '@baton/contracts';
import { api } from '../../../lib/api';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import { EditDeleteActions } from '../../../ui/EditDeleteActions';
import { Ago } from '../../../ui/Page';

const COLUMNS: Column<CannedResponse>[] = [
  { header: 'Shortcut', cell: (response) => <code>/{response.shortcut}</code> },
  { header: 'Title', cell: (response) => response.title },
  {
    header: 'Text',
    className: 'setup-wide-cell',
    cell: (response) => <div className="setup-clamp setup-pre">{response.body}</div>,
  },
  { header: 'Updated', cell: (response) => <Ago at={response.updatedAt} /> },
];

export function ResponsesTable({
  load,
  empty,
  onEdit,
  onDeleted,
}: {
  load: TableLoad<CannedResponse>;
  empty: string;
  onEdit: (response: CannedResponse) => void;
  onDeleted: (id: string) => void;
}) {
  return (
    <DataTable
      caption="Canned responses"
      columns={COLUMNS}
      load={load}
      empty={empty}
      actions={(response) => (
        <EditDeleteActions
          name={`/${response.shortcut}`}
          deleteTitle={`Delete /${response.shortcut}?`}
          confirmLabel="Delete canned response"
          onEdit={() => onEdit(response)}
          onDelete={async () => {
            await api.delete(`/canned-responses/${response.id}`);
            onDeleted(response.id);
          }}
        >
          <p>
            &ldquo;{response.title}&rdquo; disappears from every agent&rsquo;s composer. Messages already sent
            with it stay as they are. This cannot be undone.
          </p>
        </EditDeleteActions>
      )}
    />
  );
}
