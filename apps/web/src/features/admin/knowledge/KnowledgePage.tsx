import type { KnowledgeArticle } from '@baton/contracts';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { knowledgeArticlesQuery, queryKeys, useListCache } from '../../../lib/queries';
import { SelectField } from '../../../ui/forms';
import { PageHeader } from '../../../ui/Page';
import { matchesSearch } from '../../../lib/text';
import { SearchField } from '../../../ui/SearchField';
import { ArticlesTable } from './ArticlesTable';
import { ArticleEditor } from './ArticleEditor';
import { TryQuestion } from './TryQuestion';
import '../setup/setup.css';

type Show = 'all' | 'published' | 'drafts';
type Open = { article: KnowledgeArticle | null } | null;

const byTitle = (a: KnowledgeArticle, b: KnowledgeArticle) => a.title.localeCompare(b.title);

export default function KnowledgePage() {
  const articles = useQuery(knowledgeArticlesQuery());
  const cache = useListCache<KnowledgeArticle>(queryKeys.knowledgeArticles);
  const [search, setSearch] = useState('');
  const [show, setShow] = useState<Show>('all');
  const [open, setOpen] = useState<Open>(null);

  const list = articles.data;
  const shown = list?.filter(
    (a) =>
      (show === 'all' || a.published === (show === 'published')) &&
      matchesSearch(search, a.title, a.body, ...a.tags),
  );

  return (
    <section className="stack">
      <PageHeader title="Knowledge base">
        <button type="button" className="button button--primary" onClick={() => setOpen({ article: null })}>
          New article
        </button>
      </PageHeader>
      <p className="muted">
        Bots answer customers from the published articles. Write one article per question customers ask, with
        the words they use.
      </p>

      <TryQuestion onOpen={(article) => setOpen({ article })} />

      <div className="setup-toolbar" role="search" aria-label="Filter articles">
        <SearchField
          label="Search articles"
          placeholder="Title, text or tag"
          value={search}
          onChange={setSearch}
        />
        <SelectField label="Show" value={show} onChange={(e) => setShow(e.target.value as Show)}>
          <option value="all">All articles</option>
          <option value="published">Published</option>
          <option value="drafts">Drafts</option>
        </SelectField>
      </div>

      {list && shown && shown.length > 0 && (
        <p className="muted setup-count" aria-live="polite">
          {shown.length === list.length
            ? `${list.length} articles`
            : `${shown.length} of ${list.length} articles`}
        </p>
      )}
      <ArticlesTable
        load={{ data: shown, isLoading: articles.isLoading, error: articles.error }}
        empty={
          list?.length === 0
            ? 'No articles yet. Bots without articles hand every question to a person.'
            : 'No article matches this search.'
        }
        onEdit={(article) => setOpen({ article })}
        onDeleted={cache.remove}
      />

      {open && (
        <ArticleEditor
          article={open.article}
          onSaved={(article) => cache.upsert(article, byTitle)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}
