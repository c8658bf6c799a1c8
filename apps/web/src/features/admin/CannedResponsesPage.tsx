import { ZCannedResponse, type CannedResponse, type CannedResponseRequest } from '@baton/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../lib/api';
import { cannedResponsesQuery, queryKeys, useListCache } from '../../lib/queries';
import { Field, TextAreaField } from '../../ui/forms';
import { Ago, Empty, PageHeader } from '../../ui/Page';
import { EditDeleteActions, FormDialog, Listing, matches } from './setup-shared';

type Open = { response: CannedResponse | null } | null;

const SHORTCUT = /^[a-z0-9_-]{1,32}$/;
const byShortcut = (a: CannedResponse, b: CannedResponse) => a.shortcut.localeCompare(b.shortcut);

export default function CannedResponsesPage() {
  const responses = useQuery(cannedResponsesQuery());
  const cache = useListCache<CannedResponse>(queryKeys.cannedResponses);
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<Open>(null);

  return (
    <section className="stack">
      <PageHeader title="Canned responses">
        <button type="button" className="button button--primary" onClick={() => setOpen({ response: null })}>
          New canned response
        </button>
      </PageHeader>
      <p className="muted">
        Saved replies for questions agents answer often. In the composer, an agent types <code>/</code> and
        the shortcut to insert one, then edits it before sending.
      </p>
      <div className="setup-toolbar" role="search" aria-label="Filter canned responses">
        <Field
          label="Search canned responses"
          type="search"
          placeholder="Shortcut, title or text"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <Listing load={responses} what="canned responses" empty="No canned responses yet.">
        {(list) => {
          const needle = search.trim().replace(/^\//, '');
          const shown = list.filter((r) => matches(needle, r.shortcut, r.title, r.body));
          return shown.length === 0 ? (
            <Empty>No canned response matches this search.</Empty>
          ) : (
            <ResponsesTable
              responses={shown}
              onEdit={(response) => setOpen({ response })}
              onDeleted={cache.remove}
            />
          );
        }}
      </Listing>
      {open && (
        <ResponseEditor
          response={open.response}
          taken={(shortcut) =>
            (responses.data ?? []).some((r) => r.shortcut === shortcut && r.id !== open.response?.id)
          }
          onSaved={(response) => cache.upsert(response, byShortcut)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}

function ResponsesTable({
  responses,
  onEdit,
  onDeleted,
}: {
  responses: CannedResponse[];
  onEdit: (response: CannedResponse) => void;
  onDeleted: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Shortcut</th>
            <th scope="col">Title</th>
            <th scope="col">Text</th>
            <th scope="col">Updated</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {responses.map((response) => (
            <tr key={response.id}>
              <td>
                <code>/{response.shortcut}</code>
              </td>
              <td>{response.title}</td>
              <td className="setup-wide-cell">
                <div className="setup-clamp setup-pre">{response.body}</div>
              </td>
              <td>
                <Ago at={response.updatedAt} />
              </td>
              <td>
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
                    &ldquo;{response.title}&rdquo; disappears from every agent&rsquo;s composer. Messages
                    already sent with it stay as they are. This cannot be undone.
                  </p>
                </EditDeleteActions>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResponseEditor({
  response,
  taken,
  onSaved,
  onDone,
}: {
  response: CannedResponse | null;
  /** Whether another canned response already uses this shortcut (the server has the last word). */
  taken: (shortcut: string) => boolean;
  onSaved: (response: CannedResponse) => void;
  onDone: () => void;
}) {
  const [shortcut, setShortcut] = useState(response?.shortcut ?? '');
  const [title, setTitle] = useState(response?.title ?? '');
  const [body, setBody] = useState(response?.body ?? '');

  // Stored lower-case without the slash; typing "/Refund" is forgiven.
  const normalised = shortcut.trim().replace(/^\//, '').toLowerCase();
  const problem =
    normalised === ''
      ? null
      : !SHORTCUT.test(normalised)
        ? 'Use 1 to 32 lower-case letters, digits, dashes or underscores.'
        : taken(normalised)
          ? `/${normalised} is already used by another canned response.`
          : null;

  const submit = async () => {
    if (problem) throw new Error(problem);
    const request: CannedResponseRequest = { shortcut: normalised, title, body };
    onSaved(
      response
        ? await api.put(`/canned-responses/${response.id}`, request, ZCannedResponse)
        : await api.post('/canned-responses', request, ZCannedResponse),
    );
  };

  return (
    <FormDialog
      title={response ? `Edit /${response.shortcut}` : 'New canned response'}
      submitLabel={response ? 'Save' : 'Create'}
      wide
      onSubmit={submit}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field
          label="Shortcut"
          required
          maxLength={33}
          spellCheck={false}
          autoCapitalize="off"
          placeholder="refund"
          value={shortcut}
          onChange={(e) => setShortcut(e.target.value)}
          error={problem}
          hint={normalised ? `Agents type /${normalised}` : 'What agents type after /, e.g. refund.'}
        />
        <Field
          label="Title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          hint="Shown in the composer’s list to tell responses apart."
        />
      </div>
      <TextAreaField
        label="Text"
        required
        rows={8}
        maxLength={5000}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        hint="Inserted into the reply as is; the agent can edit it before sending."
      />
    </FormDialog>
  );
}
