import type { CannedResponse } from '@baton/contracts';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { cannedResponsesQuery, queryKeys, useListCache } from '../../lib/queries';
import { matchesSearch } from '../../lib/text';
import { PageHeader } from '../../ui/Page';
import { SearchField } from '../../ui/SearchField';
import { ResponseEditor } from './canned-responses/ResponseEditor';
import { ResponsesTable } from './canned-responses/ResponsesTable';
import './setup/setup.css';

type Open = { response: CannedResponse | null } | null;

const byShortcut = (a: CannedResponse, b: CannedResponse) => a.shortcut.localeCompare(b.shortcut);

export default function CannedResponsesPage() {
  const responses = useQuery(cannedResponsesQuery());
  const cache = useListCache<CannedResponse>(queryKeys.cannedResponses);
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const needle = search.trim().replace(/^\//, '');
  const shown = responses.data?.filter((r) => matchesSearch(needle, r.shortcut, r.title, r.body));
  const editing = open?.response?.id;
  const taken = useCallback(
    (shortcut: string) => (responses.data ?? []).some((r) => r.shortcut === shortcut && r.id !== editing),
    [responses.data, editing],
  );

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
        <SearchField
          label="Search canned responses"
          placeholder="Shortcut, title or text"
          value={search}
          onChange={setSearch}
        />
      </div>
      <ResponsesTable
        load={{ data: shown, isLoading: responses.isLoading, error: responses.error }}
        empty={
          responses.data?.length === 0
            ? 'No canned responses yet.'
            : 'No canned response matches this search.'
        }
        onEdit={(response) => setOpen({ response })}
        onDeleted={cache.remove}
      />
      {open && (
        <ResponseEditor
          response={open.response}
          taken={taken}
          onSaved={(response) => cache.upsert(response, byShortcut)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}
